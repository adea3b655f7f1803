"""Flood control: a few answers a minute per user, one notice, then silence until it refills."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from bot.chat.flood import BURST, PER_MINUTE, Admission, FloodGate
from bot.chat.replies import FLOOD_NOTICE
from tests.support.chat_fakes import ADMIN, USER
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.waiting import wait_until


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_answered_then_one_notice_then_silence_until_it_refills() -> None:
    clock = Clock()
    gate = FloodGate(burst=3, per_minute=6.0, clock=clock)
    seen = [gate.admit(USER) for _ in range(10)]
    assert seen == [Admission.ANSWER] * 3 + [Admission.NOTICE] + [Admission.IGNORE] * 6
    clock.now += 10.0  # one answer's worth at 6 a minute
    assert gate.admit(USER) is Admission.ANSWER
    assert gate.admit(USER) is Admission.NOTICE  # a new flood gets a new notice
    assert gate.admit(USER + 1) is Admission.ANSWER  # others are not affected


async def test_a_flooding_user_gets_a_few_answers_one_notice_and_one_log_line(
    bot_app: Any, fake_api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    for _ in range(200):
        fake_api.type_text(USER, "/start")
    await wait_until(lambda: any(FLOOD_NOTICE in m["text"] for m in fake_api.sent(USER)), 15)
    await asyncio.sleep(1.0)  # anything still on its way arrives meanwhile
    texts = [str(m["text"]) for m in fake_api.sent(USER)]
    assert len(texts) == BURST + 1
    assert sum(FLOOD_NOTICE in t for t in texts) == 1
    assert fake_api.count("sendMessage", 429) == 0
    flood_lines = [r for r in caplog.records if "too fast" in r.getMessage()]
    assert len(flood_lines) == 1
    assert PER_MINUTE <= 10  # "a few times a minute"


async def test_admins_are_not_limited(bot_app: Any, fake_api: FakeBotAPI) -> None:
    for _ in range(BURST + 3):
        fake_api.type_text(ADMIN, "/start")
    await wait_until(lambda: len(fake_api.sent(ADMIN)) >= BURST + 3, 15)
    assert not any(FLOOD_NOTICE in m["text"] for m in fake_api.sent(ADMIN))
