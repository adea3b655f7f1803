"""The replay server: a stream's released articles served over HTTP on 127.0.0.1.

It is the stdlib threaded HTTP server, not asyncio, so one object works from
sync and async callers, and an async poller in the caller's event loop never
blocks it. Every handler thread is joined and every keep-alive connection is
closed on stop, so tests running with `filterwarnings = error` stay clean.

Articles are released in stream order and the server shows only released
ones; feeds and pages carry ETag and Last-Modified and answer conditional
requests with 304, like a polite real server.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import socket
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, quote, urlsplit

from bot.replay.pages import render_feed, render_index, render_page, rfc822
from bot.replay.stream import StreamArticle, StreamFeed, default_stream_dir, load_feeds, load_stream

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Response:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    last_modified: datetime | None = None
    location: str | None = None


class ReplayServer:
    """Serves a stream's released articles as feeds and pages on 127.0.0.1.

    Nothing is released at start unless `released` says how many to show. Use
    `async with ReplayServer(dir) as server:`, `with ...`, or start()/stop().
    """

    def __init__(
        self,
        stream_dir: Path | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        released: int = 0,
    ) -> None:
        directory = stream_dir or default_stream_dir()
        self.feeds: tuple[StreamFeed, ...] = tuple(load_feeds(directory))
        self.articles: tuple[StreamArticle, ...] = tuple(load_stream(directory))
        strays = sorted({a.feed for a in self.articles} - {f.slug for f in self.feeds})
        if strays:
            raise ValueError(f"articles name feeds missing from feeds.json: {strays}")
        self._feeds_by_slug = {f.slug: f for f in self.feeds}
        self._by_path = {a.url_path: i for i, a in enumerate(self.articles)}
        self._address = (host, port)
        self._lock = threading.Lock()
        self._released = max(0, min(released, len(self.articles)))
        # Requests per path: tests and benchmarks check how often each feed was fetched.
        self.hits: Counter[str] = Counter()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Bind and serve in a background thread; the port is known on return."""
        if self._httpd is not None:
            raise RuntimeError("ReplayServer already started")
        self._httpd = _HTTPServer(self._address, self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="replay-server",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving, close open keep-alive connections and join every thread."""
        httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        httpd.shutdown()
        httpd.close_connections()
        httpd.server_close()
        thread.join()
        self._httpd = self._thread = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>`; only while started."""
        if self._httpd is None:
            raise RuntimeError("ReplayServer is not started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def feed_urls(self) -> list[tuple[str, str]]:
        """(feed title, feed URL) for every feed, in feeds.json order."""
        return [(f.title, self.feed_url(f.slug)) for f in self.feeds]

    def feed_url(self, slug: str) -> str:
        return f"{self.base_url}/feeds/{quote(slug)}.xml"

    def article_url(self, article: StreamArticle) -> str:
        """Where the article's page is served (the aggregator's redirects land here)."""
        return self.base_url + article.url_path

    @property
    def released(self) -> tuple[StreamArticle, ...]:
        with self._lock:
            return self.articles[: self._released]

    @property
    def pending(self) -> tuple[StreamArticle, ...]:
        with self._lock:
            return self.articles[self._released :]

    def release_next(self, n: int = 1) -> list[StreamArticle]:
        """Release the next `n` articles in stream order; returns those newly shown."""
        with self._lock:
            start = self._released
            self._released = min(len(self.articles), start + max(0, n))
            return list(self.articles[start : self._released])

    def release_until(self, published: datetime) -> list[StreamArticle]:
        """Release every article published at or before `published` (timezone-aware)."""
        if published.tzinfo is None:
            raise ValueError("release_until needs a timezone-aware datetime")
        with self._lock:
            start = end = self._released
            while end < len(self.articles) and self.articles[end].published <= published:
                end += 1
            self._released = end
            return list(self.articles[start:end])

    def release_all(self) -> list[StreamArticle]:
        return self.release_next(len(self.articles))

    def respond(self, target: str) -> _Response:
        """Answer one GET target: a feed, a page, a redirect, the index or 404."""
        parts = urlsplit(target)
        with self._lock:
            shown = self._released
            self.hits[parts.path] += 1
        path = parts.path
        if path.startswith("/feeds/") and path.endswith(".xml"):
            feed = self._feeds_by_slug.get(path[len("/feeds/") : -len(".xml")])
            if feed is not None:
                items = [a for a in self.articles[:shown] if a.feed == feed.slug]
                kind = "atom" if feed.style == "atom" else "rss"
                text = render_feed(feed, items, self.base_url)
                newest = max((a.published for a in items), default=None)
                return _Response(
                    200, text.encode(), f"application/{kind}+xml; charset=utf-8", newest
                )
        elif path == "/r":
            return self._redirect(parse_qs(parts.query).get("u", [""])[0], shown)
        elif path == "/":
            page = render_index(self.feeds, self.base_url)
            return _Response(200, page.encode(), "text/html; charset=utf-8")
        index = self._by_path.get(path)
        if index is not None and index < shown:
            article = self.articles[index]
            page = render_page(self._feeds_by_slug[article.feed], article, self.base_url)
            return _Response(200, page.encode(), "text/html; charset=utf-8", article.published)
        return _Response(404, b"not found\n")

    def _redirect(self, target: str, shown: int) -> _Response:
        parts = urlsplit(target)
        index = self._by_path.get(parts.path)
        on_this_server = f"{parts.scheme}://{parts.netloc}" == self.base_url
        if not on_this_server or index is None or index >= shown:
            return _Response(404, b"unknown redirect target\n")
        return _Response(302, location=target)


class _HTTPServer(ThreadingHTTPServer):
    """Threaded server that joins its handler threads and can drop idle connections."""

    daemon_threads = False
    block_on_close = True

    def __init__(self, address: tuple[str, int], replay: ReplayServer) -> None:
        self.replay = replay
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def close_connections(self) -> None:
        """Wake handlers blocked on idle keep-alive connections so they can exit."""
        with self.connections_lock:
            for conn in self.connections:
                with contextlib.suppress(OSError):  # already closed by the peer
                    conn.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up mid-response are normal here; anything else is a bug to log."""
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):
            log.error("replay server failed answering %s", client_address, exc_info=error)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30  # an abandoned keep-alive connection frees its thread after this
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        super().finish()

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the demo prints what the channel receives, not access logs."""

    def _answer(self, *, send_body: bool) -> None:
        response = self.server.replay.respond(self.path)
        etag = f'"{hashlib.sha256(response.body).hexdigest()[:20]}"'
        cacheable = response.status == 200
        status = 304 if cacheable and self._fresh(etag, response.last_modified) else None
        self.send_response(status or response.status)
        if cacheable:
            self.send_header("ETag", etag)
            if response.last_modified is not None:
                self.send_header("Last-Modified", rfc822(response.last_modified))
            self.send_header("Cache-Control", "no-cache")
        if response.location is not None:
            self.send_header("Location", response.location)
        if status == 304:
            self.end_headers()
            return
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if send_body:
            self.wfile.write(response.body)

    def _fresh(self, etag: str, last_modified: datetime | None) -> bool:
        """RFC 9110: If-None-Match decides when present, else If-Modified-Since."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            return "*" in tags or etag in tags
        since = self.headers.get("If-Modified-Since")
        if since is None or last_modified is None:
            return False
        try:
            return last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
