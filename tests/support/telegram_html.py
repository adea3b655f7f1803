"""Telegram's HTML parse mode, as strictly as the Bot API applies it (for the fake server)."""

from __future__ import annotations

import html
import re

ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "span",
    "tg-spoiler",
    "blockquote",
    "tg-emoji",
}
_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'))*)\s*>"
)
_ATTR = re.compile(r"([a-zA-Z-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")


class EntityError(ValueError):
    """What the Bot API answers 400 "Can't parse entities: ..." for."""


def visible_text(markup: str) -> str:
    """The text a user sees, or EntityError where Telegram would refuse the markup."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(markup):
        ch = markup[i]
        if ch == "<":
            i = _tag(markup, i, stack)
        elif ch == "&":
            m = _ENTITY.match(markup, i)
            if m is None:
                raise EntityError(f"Can't parse entities: unsupported entity at byte offset {i}")
            out.append(html.unescape(m.group(0)))
            i = m.end()
        elif ch == ">":
            raise EntityError(f"Can't parse entities: unexpected end tag at byte offset {i}")
        else:
            out.append(ch)
            i += 1
    if stack:
        raise EntityError(
            f"Can't parse entities: can't find end tag corresponding to start tag \"{stack[-1]}\""
        )
    return "".join(out)


def _tag(markup: str, i: int, stack: list[str]) -> int:
    m = _TAG.match(markup, i)
    if m is None:
        raise EntityError(f"Can't parse entities: unsupported start tag at byte offset {i}")
    closing, name, attrs = m.group(1), m.group(2).lower(), m.group(3)
    if name not in ALLOWED_TAGS:
        raise EntityError(
            f'Can\'t parse entities: unsupported start tag "{name}" at byte offset {i}'
        )
    if closing:
        if not stack or stack[-1] != name:
            raise EntityError(
                f"Can't parse entities: unmatched end tag at byte offset {i}, found </{name}>"
            )
        stack.pop()
    else:
        if name == "a":
            href = {k: (v1 or v2) for k, v1, v2 in _ATTR.findall(attrs)}.get("href", "")
            for entity in re.findall(r"&[^;\s]*;?", href):
                if not _ENTITY.fullmatch(entity):
                    raise EntityError(
                        f"Can't parse entities: bad entity in href at byte offset {i}"
                    )
        stack.append(name)
    return m.end()


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
