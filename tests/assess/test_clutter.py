"""Page clutter: each kind of page furniture is recognised, and article prose never is."""

from __future__ import annotations

import pytest

from bot.assess.clutter import Clutter, clutter_kind, drop_clutter


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        pytest.param("By Marta Olsen", Clutter.BYLINE, id="byline-name"),
        pytest.param(
            "By News Desk | Updated: 4 Mar, 2021 09:12 CET", Clutter.BYLINE, id="byline-stamp"
        ),
        pytest.param("By Ivo Brandt, Energy Correspondent", Clutter.BYLINE, id="byline-role"),
        pytest.param(
            "Published: 2021-03-04T09:12:00+01:00 | Updated: 2021-03-04 11:40",
            Clutter.TIMESTAMP,
            id="publish-labels",
        ),
        pytest.param("Harbour Post | 11 Oct 2020 17:05", Clutter.TIMESTAMP, id="outlet-stamp"),
        pytest.param("Oct 11, 2020 17:05 (GMT+2)", Clutter.TIMESTAMP, id="clock-no-sentence"),
        pytest.param("41,220 views", Clutter.COUNTER, id="view-counter"),
        pytest.param("Views: 3,014", Clutter.COUNTER, id="views-label"),
        pytest.param("4 min read", Clutter.COUNTER, id="reading-time"),
        pytest.param(
            "ALSO READ: Storm closes three motorways in the north",
            Clutter.CROSSLINK,
            id="also-read",
        ),
        pytest.param("Related stories", Clutter.CROSSLINK, id="related-heading"),
        pytest.param("Most read", Clutter.CROSSLINK, id="most-read"),
        pytest.param(
            "Related • Tram line extension delayed again for a third time this year as costs "
            "rise • Ten walks along the river that take in the old docks, the fish market and "
            "the lighthouse • Mayor Vos opens the harbour bridge",
            Clutter.LINK_LIST,
            id="related-list-run-together",
        ),
        pytest.param(
            "Most read 1. Heatwave to end on Sunday 2. Cup final tickets sold out",
            Clutter.LINK_LIST,
            id="numbered-list-run-together",
        ),
        pytest.param("Advertisement", Clutter.ADVERT, id="advert"),
        pytest.param("Story continues below advertisement", Clutter.ADVERT, id="advert-continue"),
        pytest.param(
            "Photo: AP | Delegates arrive for the second day of talks.",
            Clutter.CAPTION,
            id="caption-photo",
        ),
        pytest.param(
            "Image: The ferry at its berth in the old harbour. (File)",
            Clutter.CAPTION,
            id="caption-image",
        ),
        pytest.param(
            "Follow us on Telegram for the latest updates.", Clutter.PROMPT, id="follow-us"
        ),
        pytest.param(
            "Sign up for our evening newsletter: the day's news at 6pm.",
            Clutter.PROMPT,
            id="newsletter",
        ),
        pytest.param("Share: Facebook | X | WhatsApp | Copy link", Clutter.PROMPT, id="share-bar"),
        pytest.param(
            "Download the Harbour Post app and turn on notifications.", Clutter.PROMPT, id="app"
        ),
        pytest.param(
            "DAX 15,410.20 ▲ 0.42% | CAC 7,020.15 ▼ 0.10%", Clutter.TICKER, id="ticker-arrows"
        ),
        pytest.param("FTSE 7,512.33 | DOW 33,800.12", Clutter.TICKER, id="ticker-pairs"),
        pytest.param("© 2021 Harbour Post Ltd. All rights reserved.", Clutter.COPYRIGHT, id="copy"),
        pytest.param("This audio is created with AI assistance", Clutter.AUDIO, id="ai-audio"),
        pytest.param("Listen to this article", Clutter.AUDIO, id="listen"),
        pytest.param(
            "We use cookies to personalise content. Accept all", Clutter.COOKIE, id="cookie"
        ),
        pytest.param("(Adds reaction from the opposition)", Clutter.EDITOR_NOTE, id="wire-note"),
        pytest.param("(More to follow)", Clutter.EDITOR_NOTE, id="more-to-follow"),
        pytest.param("NORTHERN STAR | LIVE", Clutter.CHROME, id="pipe-labels"),
    ],
)
def test_clutter_is_recognised(line: str, kind: Clutter) -> None:
    assert clutter_kind(line) is kind


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("Ferry operator suspends sailings after strike", id="headline"),
        pytest.param("Parliament approves the budget", id="one-line-flash"),
        pytest.param(
            "By Friday, the last ferries had left the harbour.", id="sentence-starting-by"
        ),
        pytest.param(
            "The minister said sailings would resume at 06:00 on Thursday.", id="clock-in-prose"
        ),
        pytest.param(
            "The company's shares fell 3.25 percent after the announcement.", id="decimal-prose"
        ),
        pytest.param(
            "Related talks on fishing quotas will be held in the spring.", id="related-as-word"
        ),
        pytest.param(
            "The union said 1,200 workers had joined the strike by noon.", id="number-prose"
        ),
        pytest.param(
            "Officials declined to say how many people had downloaded the tracing app.",
            id="app-in-prose",
        ),
        pytest.param('"We will not give up," she said.', id="short-quote"),
    ],
)
def test_prose_is_not_clutter(line: str) -> None:
    assert clutter_kind(line) is None


def test_related_list_is_dropped_up_to_the_next_paragraph() -> None:
    page = (
        "The council voted to close the old bridge.\n\nRelated\n"
        "• Tram line extension delayed again\n• Ten walks along the river\n\n"
        "Repairs are expected to take two years."
    )
    assert drop_clutter(page) == (
        "The council voted to close the old bridge.\n\nRepairs are expected to take two years."
    )


def test_numbered_most_read_list_is_dropped() -> None:
    page = (
        "Most read\n1. Heatwave to end on Sunday\n2. Cup final tickets sold out\nThe vote is due."
    )
    assert drop_clutter(page) == "The vote is due."


def test_clutter_only_text_becomes_empty() -> None:
    page = "By Jo Park | 3 Jan 2022 10:00\n\n1,020 views\n\nAdvertisement\n\n© 2022 Daily Lamp"
    assert drop_clutter(page) == ""
