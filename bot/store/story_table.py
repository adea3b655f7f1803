"""The stories table: which stories exist, kept in step with the configured story folders.

Story 1 is the default story: migration 0004 created it without a name and
moved everything stored before stories existed into it; the first start
claims it for the first configured story, so that history carries over.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select

from bot.store.db import Database, take_turns
from bot.store.models import DEFAULT_STORY_ID, DevelopmentRow, FeedRow, StoryFeedRow, StoryRow
from bot.store.queries import AlertFigures

__all__ = [
    "DEFAULT_STORY_ID",
    "alerts_by_story",
    "link_feed",
    "link_story_feeds",
    "purge_story",
    "removed_stories",
    "sync_stories",
]


async def sync_stories(
    db: Database, stories: Sequence[tuple[str, str]], now: datetime
) -> dict[str, int]:
    """(slug, name) of each configured story, default first -> their ids; others are removed."""
    async with db.session() as session:
        await take_turns(session)
        rows = {row.slug: row for row in await session.scalars(select(StoryRow))}
        unclaimed = next(
            (r for r in rows.values() if r.id == DEFAULT_STORY_ID and not r.name), None
        )
        if stories and unclaimed is not None and stories[0][0] not in rows:
            del rows[unclaimed.slug]
            unclaimed.slug = stories[0][0]
            rows[unclaimed.slug] = unclaimed
        for slug, name in stories:
            row = rows.get(slug) or StoryRow(slug=slug, created_at=now)
            row.name, row.removed_at = name, None
            rows[slug] = row
            session.add(row)
        wanted = {slug for slug, _ in stories}
        for row in rows.values():
            if row.slug not in wanted and row.removed_at is None:
                row.removed_at = now
        await session.flush()
        return {slug: rows[slug].id for slug in wanted}


async def alerts_by_story(db: Database, default_slug: str) -> dict[str, AlertFigures]:
    """Alerts so far and the last alert's time per story slug.

    Before the first start claims it, the default story's history is `default_slug`'s.
    """
    async with db.session() as session:
        slugs = {
            row.id: (row.slug if row.name or row.id != DEFAULT_STORY_ID else default_slug)
            for row in await session.scalars(select(StoryRow))
        }
        rows = await session.execute(
            select(
                DevelopmentRow.story_id,
                func.count(),
                func.max(DevelopmentRow.created_at),
            )
            .where(DevelopmentRow.backlog.is_(False))
            .group_by(DevelopmentRow.story_id)
        )
        return {
            slugs[story]: AlertFigures(int(n), last) for story, n, last in rows if story in slugs
        }


async def link_story_feeds(db: Database, feeds: Mapping[int, Sequence[str]]) -> None:
    """Each story (by id) polls exactly the feeds (by URL) given; the feeds must be stored."""
    async with db.session() as session:
        await take_turns(session)
        ids = {row.url: row.id for row in await session.scalars(select(FeedRow))}
        for story_id, urls in feeds.items():
            # Feeds an admin added to the story (/addfeed STORY URL) stay linked.
            file_feeds = select(FeedRow.id).where(FeedRow.origin == "file")
            await session.execute(
                delete(StoryFeedRow).where(
                    StoryFeedRow.story_id == story_id, StoryFeedRow.feed_id.in_(file_feeds)
                )
            )
            wanted = dict.fromkeys(ids[url] for url in urls if url in ids)
            kept = set(
                await session.scalars(
                    select(StoryFeedRow.feed_id).where(StoryFeedRow.story_id == story_id)
                )
            )
            session.add_all(
                StoryFeedRow(story_id=story_id, feed_id=feed) for feed in wanted if feed not in kept
            )


async def link_feed(db: Database, url: str, story_id: int) -> None:
    """The story polls the stored feed at `url` too (an admin's /addfeed STORY URL)."""
    async with db.session() as session:
        feed = await session.scalar(select(FeedRow.id).where(FeedRow.url == url))
        linked = await session.scalar(
            select(StoryFeedRow.feed_id).where(
                StoryFeedRow.feed_id == feed, StoryFeedRow.story_id == story_id
            )
        )
        if feed is not None and linked is None:
            session.add(StoryFeedRow(story_id=story_id, feed_id=feed))


async def removed_stories(db: Database) -> list[tuple[str, str]]:
    """(slug, name) of the stories whose folders are gone: their history is still stored."""
    async with db.session() as session:
        rows = await session.scalars(
            select(StoryRow).where(StoryRow.removed_at.is_not(None)).order_by(StoryRow.slug)
        )
        return [(row.slug, row.name) for row in rows]


async def purge_story(db: Database, slug: str) -> bool:
    """Delete a removed story and everything stored for it; False if no removed story has it.

    Its developments (with their sources and outbox rows), verdicts, feed links and
    subscriptions go with it (ON DELETE CASCADE); articles other stories read stay.
    """
    async with db.session() as session:
        row = await session.scalar(
            select(StoryRow).where(StoryRow.slug == slug, StoryRow.removed_at.is_not(None))
        )
        if row is None:
            return False
        await session.delete(row)
        return True
