"""Which addresses we may connect to: the SSRF guard of every fetch.

A feed URL comes from the operator or from an admin's `/addfeed`; article links
and redirect targets come from whoever runs the feed. Any of them may point at
loopback, the LAN or a cloud metadata endpoint (169.254.169.254). Checking the
URL's text is not enough (`127.1`, `2130706433`, `0x7f000001`, `[::ffff:7f00:1]`
and a DNS name that resolves to 10.0.0.5 all reach the inside), and checking a
name before connecting is not enough either (DNS rebinding answers a public
address to the check and a private one to the connect).

So the check sits in the network backend under httpx: it resolves the host
once, refuses internal addresses, and connects to exactly the address it
checked. Every connection (feed, article page, each redirect hop) passes here.
"""

from __future__ import annotations

import asyncio
import ipaddress
import select
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable
from enum import StrEnum
from typing import Any

import httpcore
import httpx

from bot.errors import FetchError
from bot.ingest.connections import LeanPool

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]
RESOLVE_TIMEOUT_SECONDS = 10.0
# NAT64 (RFC 6052) carries an IPv4 address in its low 32 bits.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class Internal(StrEnum):
    """Why an address is not fetched: the kinds of internal address, most specific first."""

    LOOPBACK = "loopback"
    UNSPECIFIED = "unspecified"
    LINK_LOCAL = "link-local"
    MULTICAST = "multicast"
    PRIVATE = "private"
    RESERVED = "reserved"
    NOT_GLOBAL = "not publicly routable"


class AddressRefused(FetchError):
    """The host resolves to an internal address and FETCH_ALLOW_PRIVATE is off."""


def _embedded_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address inside a v4-mapped, 6to4 or NAT64 IPv6 address, else `address`."""
    if not isinstance(address, ipaddress.IPv6Address):
        return address
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def internal_kind(address: IPAddress) -> Internal | None:
    """The kind of internal address this is; None for a public unicast address."""
    inner = _embedded_ipv4(address)
    checks = (
        (Internal.LOOPBACK, "is_loopback"),
        (Internal.UNSPECIFIED, "is_unspecified"),
        (Internal.LINK_LOCAL, "is_link_local"),
        (Internal.MULTICAST, "is_multicast"),
        (Internal.PRIVATE, "is_private"),
        (Internal.RESERVED, "is_reserved"),
    )
    for candidate in (inner, address):
        for kind, attribute in checks:
            if getattr(candidate, attribute):
                return kind
    return None if inner.is_global and address.is_global else Internal.NOT_GLOBAL


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (the system resolver, which also reads odd IPv4 forms)."""
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(RESOLVE_TIMEOUT_SECONDS):
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[IPAddress, None] = {}
    for _family, _type, _proto, _name, sockaddr in infos:
        seen[ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])] = None
    return list(seen)


Classifier = Callable[[IPAddress], Internal | None]


def allowed(
    host: str, addresses: Iterable[IPAddress], classify: Classifier = internal_kind
) -> list[IPAddress]:
    """The public addresses among `addresses`; AddressRefused naming the reason when none is."""
    addresses = list(addresses)
    public = [a for a in addresses if classify(a) is None]
    if public:
        return public
    if not addresses:
        raise FetchError(f"connection failed: {host[:100]} has no address")
    first = addresses[0]
    kind = classify(first)
    shown = host if host == str(first) else f"{host} ({first})"
    raise AddressRefused(
        f"refused: {shown[:160]} is a {kind} address; internal addresses are not fetched"
        " (FETCH_ALLOW_PRIVATE allows them)"
    )


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to checked, public addresses.

    `resolver` and `classify` are seams for tests (a name that rebinds, a local
    server that counts as public); production uses the system resolver and
    `internal_kind`.
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        resolver: Resolver = resolve,
        classify: Classifier = internal_kind,
    ) -> None:
        self.allow_private = allow_private
        self.resolver, self.classify = resolver, classify
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await self.resolver(host, port)
        except (OSError, TimeoutError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host[:100]}: {exc}") from None
        if not self.allow_private:
            addresses = allowed(host, addresses, self.classify)
        error: Exception | None = None
        for address in addresses:  # the checked address itself: no second lookup to rebind
            try:
                stream = await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
                return LeanStream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise AddressRefused("refused: unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class LeanStream(httpcore.AsyncNetworkStream):
    """A connection whose "has the server closed it?" check costs one syscall.

    httpcore asks every idle pooled connection that question on each request it
    places and each response it closes; anyio answers by building its whole
    attribute table (a `getpeername` call among them) every time. On a cycle of
    mostly bodiless 304s that was the largest single cost of a request. The
    socket and a poll object are looked up once here; everything else is the
    inner stream's.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket: socket.socket | None = inner.get_extra_info("socket")
        self._poll: Any = None
        if self._socket is not None and hasattr(select, "poll"):
            self._poll = select.poll()
            self._poll.register(self._socket.fileno(), select.POLLIN)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
    ) -> httpcore.AsyncNetworkStream:
        return LeanStream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and self._poll is not None:
            assert self._socket is not None
            # A closed socket reads as readable, as httpcore's own check answers.
            return self._socket.fileno() < 0 or bool(self._poll.poll(0))
        return self._inner.get_extra_info(info)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over `GuardedBackend`; environment proxies are never used.

    A proxy would resolve the host itself, out of the guard's sight, so the
    pool is rebuilt without one (httpx has no public seam for the backend), as a
    `LeanPool` (see there why not httpcore's).
    """

    def __init__(
        self,
        *,
        limits: httpx.Limits,
        allow_private: bool = False,
        backend: GuardedBackend | None = None,
    ) -> None:
        super().__init__(limits=limits)
        self._pool = LeanPool(  # type: ignore[assignment]  # httpx calls only its two methods
            network_backend=backend or GuardedBackend(allow_private=allow_private),
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections or 100,
            max_keepalive_connections=limits.max_keepalive_connections or 0,
            keepalive_expiry=limits.keepalive_expiry or 0.0,
        )
