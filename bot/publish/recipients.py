"""Who receives an alert: the story's channel plus every active subscriber whose words match.

A pure decision over plain data, so the rule can be read and tested without a database; the
assessment stage reads the subscribers, asks here, and the store records one outbox row per chat.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bot.domain import Assessment, Subscriber

_WORD = re.compile(r"\w[\w'-]*", re.UNICODE)


def words_of(text: str) -> list[str]:
    """The lower-cased words of `text`, as keywords and alerts are compared."""
    return _WORD.findall(text.lower())


def keyword_match(keywords: Iterable[str], text: str) -> bool:
    """Whether any keyword occurs as a word of `text` (no keywords: everything matches)."""
    wanted = tuple(keywords)
    if not wanted:
        return True
    words = set(words_of(text))
    return any(k in words for k in wanted)


def alert_recipients(
    verdict: Assessment, channel: str | None, subscribers: Sequence[Subscriber]
) -> tuple[str, ...]:
    """The channel first, then each matching subscriber once, in the order given.

    A subscriber's words are matched against what the alert will say: its headline, summary
    and new facts.
    """
    text = " ".join((verdict.headline, verdict.summary, *verdict.new_facts))
    chats = [channel] if channel else []
    chats += [s.chat_id for s in subscribers if keyword_match(s.keywords, text)]
    return tuple(dict.fromkeys(chats))
