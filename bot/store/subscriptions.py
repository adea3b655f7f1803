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
from bot.store.models import SubscriptionRow, utcnow

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


def _by_chat(chat_id: int) -> Select[SubscriptionRow]:
    return select(SubscriptionRow).where(SubscriptionRow.chat_id == chat_id)


def _view(row: SubscriptionRow) -> Subscription:
    keywords = tuple(row.keywords.split()) if row.keywords else ()
    return Subscription(row.chat_id, row.chat_type, keywords, row.active)


async def subscribe(
    db: Database, chat_id: int, *, chat_type: str = "private", keywords: tuple[str, ...] = ()
) -> Subscription:
    """Create or reactivate the chat's subscription, replacing its keyword filter."""
    now = utcnow()
    async with db.session() as session:
        row = await session.scalar(_by_chat(chat_id))
        if row is None:
            row = SubscriptionRow(chat_id=chat_id, chat_type=chat_type, created_at=now)
            session.add(row)
        row.keywords = " ".join(keywords)
        row.active = True
        row.deactivated_reason = None
        row.updated_at = now
        return _view(row)


async def unsubscribe(db: Database, chat_id: int, *, reason: str = "unsubscribed") -> bool:
    """Deactivate the chat's subscription; False when it had none active."""
    async with db.session() as session:
        result = await session.execute(
            update(SubscriptionRow)
            .where(SubscriptionRow.chat_id == chat_id, SubscriptionRow.active.is_(True))
            .values(active=False, deactivated_reason=reason, updated_at=utcnow())
        )
        return bool(getattr(result, "rowcount", 0))


async def get_subscription(db: Database, chat_id: int) -> Subscription | None:
    async with db.session() as session:
        row = await session.scalar(_by_chat(chat_id))
        return None if row is None else _view(row)


async def move_subscription(db: Database, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: keep its subscription under the new id."""
    async with db.session() as session:
        old = await session.scalar(_by_chat(old_chat_id))
        taken = await session.scalar(
            select(SubscriptionRow.id).where(SubscriptionRow.chat_id == new_chat_id)
        )
        if old is None:
            return
        if taken is None:
            old.chat_id = new_chat_id
            old.chat_type = "supergroup"
        else:
            old.active = False
            old.deactivated_reason = f"migrated to {new_chat_id}"
        old.updated_at = utcnow()


async def active_subscribers(db: Database) -> list[Subscriber]:
    """Every active subscription, oldest first: who may be owed an alert."""
    async with db.session() as session:
        rows = await session.execute(
            select(SubscriptionRow.chat_id, SubscriptionRow.keywords)
            .where(SubscriptionRow.active.is_(True))
            .order_by(SubscriptionRow.id)
        )
        return [Subscriber(str(chat), tuple(words.split())) for chat, words in rows]
