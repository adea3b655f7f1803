"""Polite, bounded HTTP for feeds and article pages.

Every request says who we are, carries the validators from the last poll
(so unchanged feeds cost a 304 and no parsing), follows at most
`MAX_REDIRECTS` redirects, and stops reading once the *decoded* body passes
the size cap, which keeps a gzip bomb from ever being inflated in memory.
Expected failures become `FetchError` with a short message for `last_error`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import zlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import httpx

from bot.errors import FetchError, TooLarge
from bot.ingest.addresses import GuardedTransport
from bot.ingest.identity import is_web_url, mask_url

USER_AGENT = "Talkwatch/0.1 (+https://github.com/talkwatch/talkwatch)"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
MAX_REDIRECTS = 5
DEFAULT_MAX_BYTES = 10_000_000
# A slow-drip server can keep every read under the read timeout; this bounds the whole fetch.
DEFAULT_DEADLINE_SECONDS = 60.0
MAX_RETRY_AFTER_SECONDS = 24 * 3600
_INFLATE_STEP = 64 * 1024
_DRAIN_BYTES = 64 * 1024
# Most polls of a feed host are 304s a few minutes apart: keep their connections open.
KEEPALIVE_SECONDS = 30.0
# Idle connections kept (the most recently used hosts'): `ingest.connections` looks at an idle
# connection only when a request to its host takes it, so this bounds sockets, not CPU.
KEEPALIVE_CONNECTIONS = 8


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One successful (2xx or 304) response, body fully read and decoded."""

    url: str
    status: int
    body: bytes
    headers: Mapping[str, str]
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def build_client(
    *,
    connect_timeout: float = 10.0,
    read_timeout: float = 20.0,
    max_connections: int = 64,
    allow_private: bool = False,
) -> httpx.AsyncClient:
    """The HTTP client the composition root hands to `Fetcher`.

    Explicit timeouts, our UA, and the address guard under every connection
    (`allow_private` lets an operator's intranet feeds, and the tests, through).
    """
    timeout = httpx.Timeout(read_timeout, connect=connect_timeout, pool=read_timeout * 3)
    limits = httpx.Limits(
        max_connections=max_connections,
        max_keepalive_connections=min(max_connections, KEEPALIVE_CONNECTIONS),
        keepalive_expiry=KEEPALIVE_SECONDS,
    )
    transport = GuardedTransport(limits=limits, allow_private=allow_private)
    return httpx.AsyncClient(
        timeout=timeout,
        transport=transport,
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
        trust_env=False,
    )


class Fetcher:
    """Fetches one URL at a time through a shared `httpx.AsyncClient`."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        deadline_seconds: float = DEFAULT_DEADLINE_SECONDS,
    ) -> None:
        self.client = client
        self.max_bytes = max_bytes
        self.deadline_seconds = deadline_seconds

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
    ) -> FetchResult:
        """GET `url` politely; raise FetchError for anything but 2xx/304."""
        if not is_web_url(url):
            raise FetchError(f"not an http(s) URL: {mask_url(url)[:200]}")
        headers = _request_headers(etag, last_modified, accept)
        try:
            async with asyncio.timeout(self.deadline_seconds):
                return await self._follow(url, headers)
        except TimeoutError:
            raise FetchError(f"timed out after {self.deadline_seconds:g} s") from None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise FetchError(_describe(exc)) from None

    async def fetch_page(self, url: str) -> FetchResult:
        """An article page (no validators: pages are fetched once)."""
        return await self.fetch(url, accept=PAGE_ACCEPT)

    async def _follow(self, url: str, headers: dict[str, str]) -> FetchResult:
        seen = {url}
        for _ in range(MAX_REDIRECTS + 1):
            response = await self._send(url, headers)
            try:
                target = _redirect_target(response, url)
                if target is None:
                    return await self._finish(response, url)
                await _drain(response)
            finally:
                await response.aclose()
            if target in seen:
                raise FetchError(f"redirect loop at {mask_url(target)[:200]}")
            seen.add(target)
            url = target
        raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})")

    async def _send(self, url: str, headers: dict[str, str]) -> httpx.Response:
        """One GET, straight to the client's transport; the body is left unread.

        `AsyncClient.send` would add a cookie jar (read and written on every
        request, though feeds need none and should not share them), auth and
        redirect machinery we do not use (redirects are followed above, each hop
        through the address guard): a quarter of the CPU of a 304. The client's
        transport (with its connection pool) and timeouts are used as they are.
        """
        timeout = {"timeout": self.client.timeout.as_dict()}
        request = httpx.Request("GET", url, headers=headers, extensions=timeout)
        if request.url.username or request.url.password:  # as the client would: Basic auth
            request.headers["Authorization"] = _basic_auth(request.url)
        transport = self.client._transport_for_url(request.url)
        response = await transport.handle_async_request(request)
        response.request = request
        return response

    async def _finish(self, response: httpx.Response, url: str) -> FetchResult:
        status = response.status_code
        if not 200 <= status < 300:
            await _drain(response)
        if status == 304:
            return _result(response, url, b"")
        if status in (429, 503):
            wait = retry_after_seconds(response.headers.get("retry-after"))
            raise FetchError(f"HTTP {status} {response.reason_phrase}".strip(), retry_after=wait)
        if not 200 <= status < 300:
            raise FetchError(f"HTTP {status} {response.reason_phrase}".strip())
        body = await read_capped(response, self.max_bytes)
        return _result(response, url, body)


def _basic_auth(url: httpx.URL) -> str:
    """The Authorization header for a URL's userinfo (its own hop only, never a redirect's)."""
    pair = f"{url.username}:{url.password}".encode()
    return f"Basic {base64.b64encode(pair).decode('ascii')}"


async def _drain(response: httpx.Response) -> None:
    """Read a small unwanted body so the keep-alive connection can be reused."""
    # Too big or undecodable: the connection is simply closed instead.
    with contextlib.suppress(FetchError):
        await read_capped(response, _DRAIN_BYTES)


def _request_headers(etag: str | None, last_modified: str | None, accept: str) -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _redirect_target(response: httpx.Response, url: str) -> str | None:
    if response.status_code not in (301, 302, 303, 307, 308):
        return None
    location = str(response.headers.get("location", "")).strip()
    if not location:
        raise FetchError(f"HTTP {response.status_code} without a Location header")
    target = urljoin(url, location)
    if not is_web_url(target):
        raise FetchError(f"redirect to a non-http(s) URL: {mask_url(target)[:200]}")
    return target


def _result(response: httpx.Response, url: str, body: bytes) -> FetchResult:
    headers = {k.lower(): v for k, v in response.headers.items()}
    headers.pop("content-encoding", None)  # the body we hand on is decoded
    return FetchResult(
        url=url,
        status=response.status_code,
        body=body,
        headers=headers,
        etag=headers.get("etag"),
        last_modified=headers.get("last-modified"),
    )


async def read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """Read and decode the body, failing as soon as the decoded size passes `max_bytes`."""
    declared = response.headers.get("content-length", "")
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity") and declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(f"body too large ({int(declared):,} bytes > {max_bytes:,})")
    chunks: list[bytes] = []
    total = 0
    async for chunk in _decoded(response.aiter_raw(), encoding, max_bytes):
        total += len(chunk)
        if total > max_bytes:
            raise TooLarge(f"body too large (over {max_bytes:,} bytes)")
        chunks.append(chunk)
    return b"".join(chunks)


async def _decoded(raw: AsyncIterator[bytes], encoding: str, limit: int) -> AsyncIterator[bytes]:
    if encoding in ("", "identity"):
        async for chunk in raw:
            yield chunk
        return
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(f"unsupported Content-Encoding {encoding[:40]!r}")
    inflater = zlib.decompressobj(47 if encoding != "deflate" else 15)
    async for chunk in raw:
        try:
            for piece in _inflate(inflater, chunk, limit):
                yield piece
        except zlib.error as exc:
            raise FetchError(f"corrupt {encoding} body: {exc}") from None


def _inflate(inflater: zlib._Decompress, data: bytes, limit: int) -> list[bytes]:
    """Inflate in bounded steps so a bomb never expands past `limit` in memory."""
    pieces: list[bytes] = []
    produced = 0
    while data and produced <= limit:
        piece = inflater.decompress(data, _INFLATE_STEP)
        pieces.append(piece)
        produced += len(piece)
        data = inflater.unconsumed_tail
    return pieces


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date; None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), MAX_RETRY_AFTER_SECONDS))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delta = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, min(delta, float(MAX_RETRY_AFTER_SECONDS)))


def _describe(exc: Exception) -> str:
    kinds: list[tuple[type[Exception], str]] = [
        (httpx.ConnectTimeout, "connect timeout"),
        (httpx.ReadTimeout, "read timeout"),
        (httpx.TimeoutException, "timeout"),
        (httpx.ConnectError, "connection failed"),
        (httpx.RemoteProtocolError, "connection closed by the server"),
        (httpx.ReadError, "connection reset"),
        (httpx.UnsupportedProtocol, "unsupported URL"),
        (httpx.InvalidURL, "invalid URL"),
    ]
    label = next((text for kind, text in kinds if isinstance(exc, kind)), type(exc).__name__)
    detail = str(exc).splitlines()[0][:160] if str(exc) else ""
    return f"{label}: {detail}" if detail else label
