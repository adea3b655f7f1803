"""Canonical URLs and identity keys, so one article is stored once.

The same story reaches us through several feeds and decorated links
(tracking parameters, fragments, aggregator redirects, upper-case hosts).
Deduplication compares canonical forms, never the raw strings.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that only say where a click came from; they never select content.
_TRACKING_NAMES = """
    fbclid gclid dclid gbraid wbraid msclkid yclid igshid mc_cid mc_eid _ga _gl
    _hsenc _hsmi mkt_tok ocid cmpid smid smtyp ito ref ref_src ref_url ns_mchannel
    ns_source ns_campaign ns_linkname ns_fee at_medium at_campaign at_custom1
    at_custom2 at_custom3 at_custom4 taid guccounter soc_src soc_trk sr_share spm
    vero_id oly_anon_id oly_enc_id rb_clickid s_cid
"""
TRACKING_PARAMS = frozenset(_TRACKING_NAMES.split())
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "at_")
DEFAULT_PORTS = {"http": 80, "https": 443}
# Query parameters aggregators use to carry the real article URL.
REDIRECT_PARAMS = ("u", "url", "q", "target", "dest", "destination", "redirect", "to", "link")
MAX_REDIRECT_UNWRAP = 3
MAX_KEY_LENGTH = 600
# Query parameters whose values are credentials (matched as whole words in the name).
_SECRET_PARAM = re.compile(
    r"(?i)(^|[_.-])(token|key|apikey|secret|password|passwd|pwd|auth|sig|signature|session)"
    r"($|[_.-])"
)
_QUERY_PAIR = re.compile(r"([^&=;]+)=([^&;]*)")
MASK = "***"


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in DEFAULT_PORTS and bool(parts.hostname)


def mask_url(url: str) -> str:
    """The URL as logs and tables may show it: userinfo and secret query values masked."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority_end = min((i for i in map(rest.find, "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:authority_end], rest[authority_end:]
    if "@" in authority:
        authority = f"{MASK}@{authority.rpartition('@')[2]}"
    path, qmark, query = tail.partition("?")
    if qmark:
        query, hash_mark, fragment = query.partition("#")
        query = _QUERY_PAIR.sub(_mask_pair, query) + hash_mark + fragment
    return f"{scheme}{sep}{authority}{path}{qmark}{query}"


def _mask_pair(match: re.Match[str]) -> str:
    name = match.group(1)
    return f"{name}={MASK}" if _SECRET_PARAM.search(name) else match.group(0)


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str | None:
    """The URL with tracking, fragment, default port and case noise removed; None if not http(s)."""
    if not is_web_url(url):
        return None
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:
        return None
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    )
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def resolve_redirect(url: str) -> str:
    """The article URL an aggregator link carries (`/r?u=...`, `?url=...`), else `url`."""
    current = url.strip()
    for _ in range(MAX_REDIRECT_UNWRAP):
        target = _redirect_target(current)
        if target is None:
            break
        current = target
    return current


def _redirect_target(url: str) -> str | None:
    try:
        params = dict(parse_qsl(urlsplit(url).query))
    except ValueError:
        return None
    for name in REDIRECT_PARAMS:
        value = params.get(name, "").strip()
        if value and is_web_url(value):
            return value
    return None


def article_url(link: str | None) -> str | None:
    """The canonical URL of the real article behind a feed link."""
    if not link:
        return None
    return canonical_url(resolve_redirect(link))


def _bounded(prefix: str, value: str) -> str:
    key = f"{prefix}:{value}"
    if len(key) <= MAX_KEY_LENGTH:
        return key
    return f"{prefix}#sha256:{hashlib.sha256(value.encode('utf-8')).hexdigest()}"


def content_hash(title: str, text: str) -> str:
    """A fingerprint of an item's words, whitespace- and case-insensitive."""
    normal = " ".join(f"{title}\n{text}".lower().split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def cheap_identity(guid: str | None, url: str | None) -> str | None:
    """The identity key when the guid or link decides it (no text needed), else None."""
    return identity_key(guid, url, "", "") if (guid or "").strip() or url else None


def identity_key(guid: str | None, url: str | None, title: str, text: str) -> str:
    """Stable identity: guid (canonical if a permalink), else canonical link, else a hash."""
    guid = (guid or "").strip()
    if guid:
        as_url = article_url(guid) if is_web_url(guid) else None
        return _bounded("url", as_url) if as_url else _bounded("guid", guid)
    if url:
        return _bounded("url", url)
    return f"hash:{content_hash(title, text)}"


# Bytes of one identity fingerprint: at 8 bytes, the chance that one of a feed's
# new items collides with one of its ~50 stored ones is about 50 / 2**64 per item.
_PRINT_BYTES = 8


class StoredPrints:
    """Fingerprints of identities known to be stored, packed (8 bytes each).

    The poller remembers, per feed, which entries of the last document are
    stored, so parsing can skip converting them (two thirds of a 50-item
    parse) and only the new ones cross to the parse process and the store.
    Packed because it is kept for every feed between polls: 400 bytes for 50
    items, where a set of key strings would take about 5 KB.
    """

    __slots__ = ("_set", "packed")

    def __init__(self, packed: bytes = b"") -> None:
        self.packed = packed
        self._set: frozenset[bytes] | None = None

    @classmethod
    def of(cls, keys: Iterable[str]) -> StoredPrints:
        return cls(b"".join(dict.fromkeys(identity_print(key) for key in keys)))

    def with_keys(self, keys: Iterable[str]) -> StoredPrints:
        """These prints and those of `keys`."""
        return StoredPrints(self.packed + StoredPrints.of(keys).packed)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        if self._set is None:
            packed, step = self.packed, _PRINT_BYTES
            self._set = frozenset(packed[i : i + step] for i in range(0, len(packed), step))
        return identity_print(key) in self._set

    def __len__(self) -> int:
        return len(self.packed) // _PRINT_BYTES

    def __reduce__(self) -> tuple[type[StoredPrints], tuple[bytes]]:
        return StoredPrints, (self.packed,)  # the lookup set is rebuilt where it is used


def identity_print(key: str) -> bytes:
    """A short fingerprint of an identity key (see `StoredPrints`)."""
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=_PRINT_BYTES).digest()
