"""Who receives alerts by direct message, with optional keyword filters.

Keywords are kept lower-cased and space-separated; an alert matches when any
of them occurs as a word in its headline, summary or new facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Select, select, update

from bot.domain import Subscriber
from bot.store.db import Database
from bot.store.models import DEFAULT_STORY_ID, SubscriptionRow, utcnow

_WORD = re.compile(r"\w[\w'-]*", re.UNICODE)
MAX_KEYWORDS = 20


@dataclass(frozen=True, slots=True)
class Subscription:
    chat_id: int
    chat_type: str
    keywords: tuple[str, ...]
    active: bool


def normalise_keywords(words: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Lower-cased distinct words, in the order given, at most MAX_KEYWORDS."""
    seen: dict[str, None] = {}
    for word in words:
        for token in _WORD.findall(word.lower()):
            seen.setdefault(token[:64], None)
    return tuple(seen)[:MAX_KEYWORDS]


def _by_chat(chat_id: int, story_id: int) -> Select[SubscriptionRow]:
    return select(SubscriptionRow).where(
        SubscriptionRow.chat_id == chat_id, SubscriptionRow.story_id == story_id
    )


def _view(row: SubscriptionRow) -> Subscription:
    keywords = tuple(row.keywords.split()) if row.keywords else ()
    return Subscription(row.chat_id, row.chat_type, keywords, row.active)


async def subscribe(
    db: Database,
    chat_id: int,
    *,
    chat_type: str = "private",
    keywords: tuple[str, ...] = (),
    story_id: int = DEFAULT_STORY_ID,
) -> Subscription:
    """Create or reactivate the chat's subscription to a story, replacing its keyword filter."""
    now = utcnow()
    async with db.session() as session:
        row = await session.scalar(_by_chat(chat_id, story_id))
        if row is None:
            row = SubscriptionRow(
                story_id=story_id, chat_id=chat_id, chat_type=chat_type, created_at=now
            )
            session.add(row)
        row.keywords = " ".join(keywords)
        row.active = True
        row.deactivated_reason = None
        row.updated_at = now
        return _view(row)


async def unsubscribe(
    db: Database, chat_id: int, *, reason: str = "unsubscribed", story_id: int | None = None
) -> bool:
    """Deactivate the chat's subscription to a story (every story: None); False if none was."""
    which = SubscriptionRow.chat_id == chat_id
    if story_id is not None:
        which = which & (SubscriptionRow.story_id == story_id)
    async with db.session() as session:
        result = await session.execute(
            update(SubscriptionRow)
            .where(which, SubscriptionRow.active.is_(True))
            .values(active=False, deactivated_reason=reason, updated_at=utcnow())
        )
        return bool(getattr(result, "rowcount", 0))


async def get_subscription(
    db: Database, chat_id: int, story_id: int = DEFAULT_STORY_ID
) -> Subscription | None:
    async with db.session() as session:
        row = await session.scalar(_by_chat(chat_id, story_id))
        return None if row is None else _view(row)


async def move_subscription(db: Database, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: keep its subscriptions (one per story) under the new id."""
    async with db.session() as session:
        olds = await session.scalars(
            select(SubscriptionRow).where(SubscriptionRow.chat_id == old_chat_id)
        )
        for old in list(olds):
            taken = await session.scalar(
                select(SubscriptionRow.id).where(
                    SubscriptionRow.chat_id == new_chat_id,
                    SubscriptionRow.story_id == old.story_id,
                )
            )
            if taken is None:
                old.chat_id = new_chat_id
                old.chat_type = "supergroup"
            else:
                old.active = False
                old.deactivated_reason = f"migrated to {new_chat_id}"
            old.updated_at = utcnow()


async def active_subscribers(db: Database, story_id: int = DEFAULT_STORY_ID) -> list[Subscriber]:
    """Every active subscription to the story, oldest first: who may be owed its alert."""
    async with db.session() as session:
        rows = await session.execute(
            select(SubscriptionRow.chat_id, SubscriptionRow.keywords)
            .where(SubscriptionRow.active.is_(True), SubscriptionRow.story_id == story_id)
            .order_by(SubscriptionRow.id)
        )
        return [Subscriber(str(chat), tuple(words.split())) for chat, words in rows]
