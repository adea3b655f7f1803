"""Full-text search over stored articles and developments (used by /search).

Uses the indexes of migration 0002: FTS5 with bm25 on SQLite, tsvector GIN
indexes with ts_rank on PostgreSQL; never LIKE scans. The user's words are
reduced to plain word tokens before they reach either query language, so
nothing typed is interpreted as search syntax. All words must match; when
nothing does, any word may.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

# ruff: noqa: S608 -- queries interpolate only module constants; the words are bound as :q
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import Database

_TOKEN = re.compile(r"\w+", re.UNICODE)
MAX_SEARCH_WORDS = 8
# The same expressions as the GIN indexes of migration 0002 (they must match exactly).
_PG_ARTICLES = (
    "to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(summary, '')"
    " || ' ' || coalesce(text, ''))"
)
_PG_DEVELOPMENTS = (
    "to_tsvector('english'::regconfig, coalesce(headline, '') || ' ' || coalesce(summary, '')"
    " || ' ' || coalesce(before, ''))"
)
_FIRST_SOURCE = (
    " LEFT JOIN development_sources s ON s.id = (SELECT min(id) FROM development_sources"
    " WHERE development_id = d.id)"
)


@dataclass(frozen=True, slots=True)
class SearchHit:
    kind: str  # "development" or "article"
    title: str
    url: str
    outlet: str
    published_at: datetime | None
    rank: float  # higher is more relevant


def search_terms(words: str) -> list[str]:
    """Plain lower-case word tokens of the user's query (no search syntax survives)."""
    return list(dict.fromkeys(t.lower() for t in _TOKEN.findall(words)))[:MAX_SEARCH_WORDS]


# One story's part: its developments, and the articles it assessed (of the feeds it polls).
_STORY_DEVELOPMENTS = " AND (CAST(:story AS INTEGER) IS NULL OR d.story_id = :story)"
_STORY_ARTICLES = (
    " AND (CAST(:story AS INTEGER) IS NULL OR {a}id IN"
    " (SELECT article_id FROM story_verdicts WHERE story_id = :story))"
)


async def search(
    db: Database, words: str, limit: int = 10, *, story_id: int | None = None
) -> list[SearchHit]:
    """Articles and developments (of one story, or all) matching all the words (else any)."""
    terms = search_terms(words)
    for joiner in ("AND", "OR") if terms else ():
        async with db.session() as session:
            if db.dialect == "sqlite":
                hits = await _search_sqlite(session, terms, joiner, limit, story_id)
            else:
                hits = await _search_pg(session, terms, joiner, limit, story_id)
        if hits:
            return hits
    return []


async def _search_sqlite(
    session: AsyncSession, terms: list[str], joiner: str, limit: int, story: int | None
) -> list[SearchHit]:
    match = f" {joiner} ".join(f'"{t}"' for t in terms)
    sql = text(
        "SELECT 'development' AS kind, d.headline AS title, coalesce(s.url, '') AS url,"
        " coalesce(s.outlet, '') AS outlet, d.published_at AS published_at,"
        " bm25(developments_fts) AS r"
        " FROM developments_fts JOIN developments d ON d.id = developments_fts.rowid"
        f" {_FIRST_SOURCE} WHERE developments_fts MATCH :q{_STORY_DEVELOPMENTS}"
        " UNION ALL"
        " SELECT 'article', a.title, coalesce(a.url, ''), a.outlet, a.published_at,"
        " bm25(articles_fts) FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
        f" WHERE articles_fts MATCH :q{_STORY_ARTICLES.format(a='a.')} ORDER BY r LIMIT :limit"
    )
    rows = await session.execute(sql, {"q": match, "limit": limit, "story": story})
    return [_hit(r._mapping, -float(r.r)) for r in rows]  # bm25: lower is better


async def _search_pg(
    session: AsyncSession, terms: list[str], joiner: str, limit: int, story: int | None
) -> list[SearchHit]:
    query = (" & " if joiner == "AND" else " | ").join(terms)
    sql = text(
        "WITH q AS (SELECT to_tsquery('english'::regconfig, :q) AS q)"
        " SELECT 'development' AS kind, d.headline AS title, coalesce(s.url, '') AS url,"
        " coalesce(s.outlet, '') AS outlet, d.published_at AS published_at,"
        f" ts_rank({_PG_DEVELOPMENTS}, q.q) AS r FROM developments d CROSS JOIN q"
        f" {_FIRST_SOURCE} WHERE {_PG_DEVELOPMENTS} @@ q.q{_STORY_DEVELOPMENTS}"
        " UNION ALL"
        " SELECT 'article', title, coalesce(url, ''), outlet, published_at,"
        f" ts_rank({_PG_ARTICLES}, q.q) FROM articles CROSS JOIN q"
        f" WHERE {_PG_ARTICLES} @@ q.q{_STORY_ARTICLES.format(a='')}"
        " ORDER BY r DESC LIMIT :limit"
    )
    rows = await session.execute(sql, {"q": query, "limit": limit, "story": story})
    return [_hit(r._mapping, float(r.r)) for r in rows]


def _hit(row: Any, rank: float) -> SearchHit:
    return SearchHit(
        kind=str(row["kind"]),
        title=str(row["title"] or ""),
        url=str(row["url"] or ""),
        outlet=str(row["outlet"] or ""),
        published_at=_aware(row["published_at"]),
        rank=rank,
    )


def _aware(value: Any) -> datetime | None:
    """Raw SQL bypasses UTCDateTime: SQLite hands back naive text, PostgreSQL aware times."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
