"""Who receives an alert: a pure rule, checked case by case."""

from __future__ import annotations

import pytest

from bot.domain import Assessment, Subscriber
from bot.publish.recipients import alert_recipients, keyword_match

ALERT = Assessment(
    relevant=True,
    relevance=0.9,
    copy_of=None,
    novel=True,
    novelty=1.0,
    new_facts=("May 15", "Warsaw"),
    headline="Envoy to visit five capitals",
    summary="The envoy's tour starts in Kyiv.",
)

CASES = [
    ("channel-only", "@news", [], ("@news",)),
    ("no-channel-dry", None, [Subscriber("7")], ("7",)),
    ("all-words-subscriber", "@news", [Subscriber("7")], ("@news", "7")),
    ("keyword-in-headline", "@news", [Subscriber("7", ("envoy",))], ("@news", "7")),
    ("keyword-in-facts", "@news", [Subscriber("7", ("warsaw",))], ("@news", "7")),
    ("keyword-absent", "@news", [Subscriber("7", ("grain",))], ("@news",)),
    ("part-of-word-is-no-match", "@news", [Subscriber("7", ("kyi",))], ("@news",)),
    ("channel-subscribed-once", "7", [Subscriber("7")], ("7",)),
    ("order-kept", None, [Subscriber("9"), Subscriber("3")], ("9", "3")),
]


@pytest.mark.parametrize(
    ("channel", "subscribers", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_alert_recipients(
    channel: str | None, subscribers: list[Subscriber], expected: tuple[str, ...]
) -> None:
    assert alert_recipients(ALERT, channel, subscribers) == expected


@pytest.mark.parametrize(
    ("keywords", "text", "expected"),
    [((), "anything", True), (("li",), "Li Hui met", True), (("hui",), "Huisman", False)],
    ids=["no-keywords-match-all", "case-folded-word", "substring-is-not-a-word"],
)
def test_keyword_match(keywords: tuple[str, ...], text: str, expected: bool) -> None:
    assert keyword_match(keywords, text) is expected
