"""The layering rules of STYLE.md, checked so they stay true.

- the assessment core imports no I/O (telegram, sqlalchemy, httpx, feedparser) and no other layer;
- only `bot/store` touches SQLAlchemy;
- only `bot/publish` and `bot/chat` touch the Telegram library;
- parsing and rendering do no network I/O.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "bot"
IO_LIBRARIES = {
    "telegram",
    "sqlalchemy",
    "alembic",
    "httpx",
    "feedparser",
    "aiohttp",
    "asyncpg",
    "aiosqlite",
    "requests",
    "urllib",
    "socket",
    "trafilatura",
    "apscheduler",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py")) if folder else sorted(PACKAGE.rglob("*.py"))


def _top(name: str) -> str:
    return name.split(".", 1)[0]


@pytest.mark.parametrize("path", _modules("assess"), ids=lambda p: p.name)
def test_the_core_imports_no_io(path: Path) -> None:
    imports = _imports(path)
    bad = {n for n in imports if _top(n) in IO_LIBRARIES}
    bad |= {
        n
        for n in imports
        if n.startswith("bot.") and not n.startswith(("bot.assess", "bot.domain"))
    }
    assert not bad, f"{path.name} imports {sorted(bad)}"


def test_only_the_store_touches_sqlalchemy() -> None:
    offenders = [
        p.relative_to(PACKAGE).as_posix()
        for p in _modules("")
        if "store" not in p.relative_to(PACKAGE).parts
        and any(_top(n) in {"sqlalchemy", "alembic", "asyncpg", "aiosqlite"} for n in _imports(p))
    ]
    assert offenders == []


def test_only_publish_and_chat_touch_telegram() -> None:
    allowed = {"publish", "chat"}
    offenders = [
        p.relative_to(PACKAGE).as_posix()
        for p in _modules("")
        if not allowed & set(p.relative_to(PACKAGE).parts)
        and any(_top(n) == "telegram" for n in _imports(p))
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "module", ["ingest/parse.py", "ingest/extract.py", "ingest/identity.py", "publish/render.py"]
)
def test_parsing_and_rendering_do_no_network_io(module: str) -> None:
    imports = _imports(PACKAGE / module)
    assert not {n for n in imports if _top(n) in {"httpx", "socket", "telegram", "sqlalchemy"}}
