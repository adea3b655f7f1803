"""Replay a sample article stream as live feeds on 127.0.0.1, offline.

`talkwatch demo`, the evaluation and the tests need real feeds without the
internet. `ReplayServer` serves a stream in the dev-set format
(`stream.jsonl` + `feeds.json`) in the four styles the poller must handle and
releases its articles step by step, so a caller can poll, release more and
poll again as a live feed grows:

    async with ReplayServer(stream_dir) as server:   # nothing released yet
        server.release_next(3)
        ... poll server.feed_urls ...

`load_stream` is the one reader of the stream format; `stream.py` holds the
data, `render.py` the feed and page markup, `server.py` the HTTP side.
"""

from bot.replay.server import ReplayServer
from bot.replay.stream import (
    STYLES,
    ArticleLabels,
    StreamArticle,
    StreamFeed,
    default_stream_dir,
    load_feeds,
    load_stream,
    second_stream_dir,
)

__all__ = [
    "STYLES",
    "ArticleLabels",
    "ReplayServer",
    "StreamArticle",
    "StreamFeed",
    "default_stream_dir",
    "load_feeds",
    "load_stream",
    "second_stream_dir",
]
