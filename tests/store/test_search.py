"""/search's store function on both backends: SQLite FTS5 (bm25) and PostgreSQL (ts_rank).

The command tests run on SQLite only; this runs `bot.store.search.search`
against a SQLite file and a fresh PostgreSQL database (the `database`
fixture), checking most-relevant-first ordering and that what users type is
treated as words, never as query syntax or SQL.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.store import Database
from bot.store.models import ArticleRow
from bot.store.search import search, search_terms
from tests.support.records import add_article, alert

FILLER = " ".join(f"word{i}" for i in range(150))


async def seed(db: Database) -> None:
    """One article all about Li Hui, one that mentions him in passing, and noise."""
    await add_article(
        db,
        title="Li Hui in Kyiv",
        text="Li Hui met officials. Li Hui said talks would go on. Envoy Li Hui left.",
        outlet="Reuters",
    )
    await add_article(
        db,
        title="Regional roundup",
        text=f"{FILLER} an envoy named Li arrived; Hui was mentioned. {FILLER}",
        outlet="AP",
    )
    await add_article(db, title="Weather in Warsaw", text="Rain all week.", outlet="BBC")


async def test_the_most_relevant_match_comes_first(database: Database) -> None:
    await seed(database)
    hits = await search(database, "Li Hui")
    assert [h.title for h in hits] == ["Li Hui in Kyiv", "Regional roundup"]
    assert hits[0].rank > hits[1].rank
    assert hits[0].outlet == "Reuters"
    assert hits[0].url.startswith("https://reuters.example/")


async def test_developments_are_found_with_their_first_source(database: Database) -> None:
    await alert(database, "Ceasefire talks in Geneva", "Envoys met for the ceasefire.")
    hits = await search(database, "ceasefire")
    kinds = {h.kind: h for h in hits}
    assert set(kinds) == {"development", "article"}
    assert kinds["development"].title == "Ceasefire talks in Geneva"
    assert kinds["development"].outlet == "Reuters"


async def test_all_words_first_then_any_word(database: Database) -> None:
    await seed(database)
    hits = await search(database, "Hui Warsaw")  # no article has both
    assert {h.title for h in hits} == {"Li Hui in Kyiv", "Regional roundup", "Weather in Warsaw"}


HOSTILE = {
    "markup": "Li Hui & <b>",
    "sql injection": "Li'; DROP TABLE articles; --",
    "fts syntax": 'Li "Hui" AND OR NEAR( hui* -li ^',
    "tsquery syntax": "Li & Hui | !hui <-> (li:*",
    "quotes only": "'\"'\"",
    "punctuation only": "<<<&&&;;--",
    "empty": "",
    "stop words only": "the and of",
}


@pytest.mark.parametrize("words", HOSTILE.values(), ids=HOSTILE.keys())
async def test_user_input_is_only_ever_words(database: Database, words: str) -> None:
    await seed(database)
    hits = await search(database, words)
    if {"li", "hui"} & set(search_terms(words)):
        assert hits[0].title == "Li Hui in Kyiv"
    else:
        assert hits == []
    async with database.session() as session:  # the tables are all still there
        assert await session.scalar(select(func.count()).select_from(ArticleRow)) == 3


def test_search_terms_are_plain_lower_case_words() -> None:
    assert search_terms("Li Hui & <b>") == ["li", "hui", "b"]
    assert search_terms("'; DROP TABLE x; --") == ["drop", "table", "x"]
    assert search_terms("Hui hui HUI") == ["hui"]
    assert search_terms("<<<&&&") == []
