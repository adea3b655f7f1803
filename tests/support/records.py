"""Seeding a real database with what earlier stages would have stored: articles, developments."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert

from bot.domain import Assessment
from bot.publish.recipients import alert_recipients
from bot.store import Database
from bot.store.developments import record_development
from bot.store.models import ArticleRow
from bot.store.subscriptions import active_subscribers


async def add_article(
    db: Database,
    *,
    title: str,
    text: str = "",
    outlet: str = "Reuters",
    url: str | None = None,
    summary: str = "",
) -> int:
    """Store one article row (what the ingest stage would have stored)."""
    async with db.session() as session:
        result = await session.execute(
            insert(ArticleRow).returning(ArticleRow.id),
            [
                {
                    "identity": f"{outlet}:{title}",
                    "url": url or f"https://{outlet.lower()}.example/{abs(hash(title))}",
                    "title": title,
                    "summary": summary,
                    "text": text,
                    "outlet": outlet,
                    "content_hash": str(abs(hash(title + text))),
                    "published_at": datetime.now(UTC),
                    "fetched_at": datetime.now(UTC),
                    "text_source": "feed",
                    "backlog": False,
                }
            ],
        )
        return int(result.scalar_one())


def verdict(
    headline: str, summary: str = "", *, before: str | None = None, facts: tuple[str, ...] = ()
) -> Assessment:
    return Assessment(
        relevant=True,
        relevance=0.9,
        copy_of=None,
        novel=True,
        novelty=0.8,
        new_facts=facts,
        headline=headline,
        summary=summary,
        before=before,
    )


async def alert(
    db: Database,
    headline: str,
    summary: str = "",
    *,
    channel: str | None = "-1001",
    outlet: str = "Reuters",
    backlog: bool = False,
    text: str = "",
    story_id: int = 1,
) -> tuple[int, int]:
    """An alerting article and its development; returns (article_id, development_id)."""
    article_id = await add_article(db, title=headline, text=text or summary, outlet=outlet)
    found = verdict(headline, summary)
    subscribers = [] if backlog else await active_subscribers(db, story_id)
    development_id = await record_development(
        db,
        article_id=article_id,
        verdict=found,
        outlet=outlet,
        url=f"https://{outlet.lower()}.example/{article_id}",
        published_at=datetime.now(UTC),
        backlog=backlog,
        recipients=alert_recipients(found, channel, subscribers),
        now=datetime.now(UTC),
        story_id=story_id,
    )
    return article_id, development_id
