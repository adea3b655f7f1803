"""render_alert against hostile feeds and long texts, checked with the fake server's HTML parser.

Every rendered message must parse the way Telegram parses it (tests/support/
telegram_html.py raises where the Bot API answers 400), show outside text
literally, link only http(s) URLs, and stay within 4096 visible characters.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.domain import Alert, Source
from bot.publish.render import MAX_ALSO, TELEGRAM_LIMIT, render_alert
from tests.support.telegram_html import utf16_length, visible_text

WHEN = datetime(2026, 11, 22, 12, 30, tzinfo=UTC)
PLAIN = Alert(
    development_id=1,
    headline="Li Hui arrives in Kyiv",
    summary="He met officials to discuss a ceasefire.",
    before=None,
    sources=(Source("Reuters", "https://reuters.example/1"),),
    published_at=WHEN,
)
_HREF = re.compile(r'<a href="([^"]*)">')


def shown(alert: Alert) -> str:
    """The rendered alert as a user sees it; fails the test where Telegram would answer 400."""
    markup = render_alert(alert)
    text = visible_text(markup)
    assert utf16_length(text.strip()) <= TELEGRAM_LIMIT
    return text


def links(alert: Alert) -> list[str]:
    """The URLs the rendered alert links to, unescaped as Telegram reads them."""
    return [html.unescape(href) for href in _HREF.findall(render_alert(alert))]


# -- hostile text in every field ----------------------------------------------------------------

HOSTILE = {
    "script tag": "<script>alert(1)</script>",
    "bare ampersand": "Tom & Jerry",
    "an entity written out": "&amp; &lt;b&gt; &#65; &bogus;",
    "unbalanced bold": "<b>bold without end",
    "stray closing tag": "end of italics</i> here",
    "a fake link": '<a href="https://evil.example">click</a>',
    "angle brackets": "1 < 2 > 0 <<>>",
    "quotes": "he said \"no\" and 'yes'",
}


@dataclass(frozen=True)
class Field:
    name: str

    def fill(self, text: str) -> Alert:
        if self.name == "outlet":
            return replace(PLAIN, sources=(Source(text, "https://reuters.example/1"),))
        if self.name == "new_facts":
            return replace(PLAIN, summary="", new_facts=(text, "a second fact"))
        if self.name == "headline":
            return replace(PLAIN, headline=text)
        if self.name == "summary":
            return replace(PLAIN, summary=text)
        return replace(PLAIN, before=text)


FIELDS = [Field(n) for n in ("headline", "summary", "before", "outlet", "new_facts")]


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_is_shown_literally_in_every_field(field: Field, text: str) -> None:
    alert = field.fill(text)
    assert text in shown(alert)
    assert links(alert) == ["https://reuters.example/1"]  # nothing the text holds became a link


@dataclass(frozen=True)
class LinkCase:
    url: str
    linked: bool


LINK_CASES = {
    "plain https": LinkCase("https://ap.example/story?id=1&lang=en", linked=True),
    "plain http": LinkCase("http://ap.example/story", linked=True),
    "double quote breaks out of href": LinkCase('https://ap.example/a" onclick="x', linked=True),
    "single quote": LinkCase("https://ap.example/it's", linked=True),
    "angle brackets in url": LinkCase("https://ap.example/<b>", linked=True),
    "javascript scheme": LinkCase("javascript:alert(document.cookie)", linked=False),
    "javascript in capitals": LinkCase("JavaScript:alert(1)", linked=False),
    "data url": LinkCase("data:text/html,<script>alert(1)</script>", linked=False),
    "relative url": LinkCase("/story/1", linked=False),
    "newline in url": LinkCase("https://ap.example/a\nb", linked=False),
    "very long url": LinkCase("https://ap.example/" + "a" * 3000, linked=False),
}


@pytest.mark.parametrize("case", LINK_CASES.values(), ids=LINK_CASES.keys())
def test_only_plain_http_urls_become_links(case: LinkCase) -> None:
    alert = replace(PLAIN, sources=(Source("AP <wire>", case.url),))
    text = shown(alert)
    assert "Source: AP <wire>" in text
    assert links(alert) == ([case.url] if case.linked else [])
    assert "javascript:" not in "".join(links(alert)).lower()


# -- length -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LongCase:
    summary: str = ""
    before: str | None = None
    headline: str = "A long day"
    facts: tuple[str, ...] = ()
    fills: bool = True  # long enough to use (nearly) all of the 4096 characters


LONG_CASES = {
    "words with entities": LongCase(summary="Tom & Jerry <3 " * 900),
    "entities only": LongCase(summary="& " * 5000),
    "just over the limit": LongCase(summary="x " * 2100),
    "one endless word": LongCase(summary="a" * 10_000),
    "astral characters count double": LongCase(summary="🙂 & " * 3000),
    "long before too": LongCase(summary="news <i> " * 800, before="old & <b>stale</b> " * 500),
    "long before, short summary": LongCase(summary="Short.", before="earlier & " * 2000),
    "long headline": LongCase(summary="Body.", headline="Head & <b>line</b> " * 100, fills=False),
    "many long facts": LongCase(facts=tuple("fact & <detail> " * 200 for _ in range(5))),
}


@pytest.mark.parametrize("case", LONG_CASES.values(), ids=LONG_CASES.keys())
def test_long_texts_are_shortened_under_the_limit_without_breaking_markup(case: LongCase) -> None:
    alert = replace(
        PLAIN,
        headline=case.headline,
        summary=case.summary,
        before=case.before,
        new_facts=case.facts,
        sources=tuple(Source(f"Outlet {i} & co", f"https://o{i}.example/") for i in range(20)),
    )
    text = shown(alert)  # parses, and fits in 4096 visible characters
    assert "…" in text  # shortened visibly, not silently truncated
    if case.fills:  # shortened to fit, not far below the limit
        assert utf16_length(text) > TELEGRAM_LIMIT - 100
    assert text.rstrip().endswith("2026-11-22 12:30 UTC")  # the tail survives shortening
    assert "Source: Outlet 0 & co" in text
    if case.before:
        assert "Before: " in text


@pytest.mark.parametrize("length", [4000, 4050, 4080, 4096, 4097, 4200])
def test_summaries_around_the_limit_fit(length: int) -> None:
    summary = ("&<> " * length)[:length]
    text = shown(replace(PLAIN, summary=summary))
    assert text.startswith("Li Hui arrives in Kyiv")


def test_a_short_alert_is_not_shortened() -> None:
    text = shown(PLAIN)
    assert "…" not in text
    assert text == (
        "Li Hui arrives in Kyiv\n\nHe met officials to discuss a ceasefire.\n\n"
        "Source: Reuters\n2026-11-22 12:30 UTC"
    )


# -- the "Before:" line -------------------------------------------------------------------------

BEFORE_CASES = {
    "present": ("Officials denied any visit.", True),
    "hostile": ("<b>denied</b> & <script>", True),
    "absent": (None, False),
    "empty": ("", False),
    "only spaces": ("   \n ", False),
}


@pytest.mark.parametrize(("before", "expected"), BEFORE_CASES.values(), ids=BEFORE_CASES.keys())
def test_the_before_line_appears_only_when_there_is_one(before: str | None, expected: bool) -> None:
    text = shown(replace(PLAIN, before=before))
    assert ("Before:" in text) is expected
    if expected:
        assert f"Before: {before}" in text
        assert text.index("discuss a ceasefire") < text.index("Before:") < text.index("Source:")


# -- sources ------------------------------------------------------------------------------------


def _sources(*names: str) -> tuple[Source, ...]:
    return tuple(Source(n, f"https://{n.lower().replace(' ', '-')}.example/x") for n in names)


SOURCE_CASES = {
    "one source, no Also": (_sources("Reuters"), "Source: Reuters", None),
    "two sources": (_sources("Reuters", "AP"), "Source: Reuters", "Also: AP"),
    "three sources in order": (
        _sources("Reuters", "AP", "BBC"),
        "Source: Reuters",
        "Also: AP, BBC",
    ),
    "the same outlet twice counts once": (
        _sources("Reuters", "AP", "reuters "),
        "Source: Reuters",
        "Also: AP",
    ),
    "hostile outlet names": (
        _sources("A & B", "<C>"),
        "Source: A & B",
        "Also: <C>",
    ),
    "a nameless outlet": ((Source("", "https://x.example/1"),), "Source: link", None),
}


@pytest.mark.parametrize(
    ("sources", "first", "also"), SOURCE_CASES.values(), ids=SOURCE_CASES.keys()
)
def test_sources_and_also(sources: tuple[Source, ...], first: str, also: str | None) -> None:
    alert = replace(PLAIN, sources=sources)
    lines = shown(alert).splitlines()
    assert first in lines
    also_lines = [line for line in lines if line.startswith("Also:")]
    assert also_lines == ([also] if also else [])
    assert all(url.startswith("https://") for url in links(alert))


def test_many_sources_end_in_and_n_more() -> None:
    names = [f"Outlet {i}" for i in range(MAX_ALSO + 5)]
    text = shown(replace(PLAIN, sources=_sources(*names)))
    assert text.count("Outlet ") == 1 + MAX_ALSO
    assert f"and {len(names) - 1 - MAX_ALSO} more" in text


def test_no_sources_and_no_time_leave_no_empty_lines() -> None:
    text = shown(replace(PLAIN, sources=(), published_at=None))
    assert "Source:" not in text
    assert not text.endswith("\n")


# -- any input fits -----------------------------------------------------------------------------

_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs",))
# Short texts, and long runs of a few characters (emoji, entities, spaces) up to 3x the limit.
_ANY_TEXT = st.text(_CHARS, max_size=40) | st.builds(
    lambda piece, times: piece * times,
    st.text(_CHARS, min_size=1, max_size=3),
    st.integers(min_value=0, max_value=5000),
)
_ANY_SOURCE = st.builds(
    Source, st.text(max_size=120), st.sampled_from(["https://x.example/1", "", "ftp://y"])
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    headline=_ANY_TEXT,
    summary=_ANY_TEXT,
    before=st.none() | _ANY_TEXT,
    sources=st.lists(_ANY_SOURCE, max_size=30).map(tuple),
)
@example(headline="Li Hui", summary="", before="🙂" * 5000, sources=PLAIN.sources)
def test_any_alert_fits_in_4096_units(
    headline: str, summary: str, before: str | None, sources: tuple[Source, ...]
) -> None:
    alert = replace(PLAIN, headline=headline, summary=summary, before=before, sources=sources)
    shown(alert)  # parses as Telegram parses it, and fits


@pytest.mark.parametrize("emoji", ["🙂", "👍🏽", "a🙂"])
def test_a_short_summary_with_a_huge_before_of_emoji_fits(emoji: str) -> None:
    text = shown(replace(PLAIN, summary="Short.", before=emoji * 5000))
    assert "Short." in text
    assert "Before: " in text
