"""The layering rules of STYLE.md, checked so they stay true.

- the assessment core imports no I/O (telegram, sqlalchemy, httpx, feedparser) and no other layer;
- only `bot/store` touches SQLAlchemy;
- only `bot/publish` and `bot/chat` touch the Telegram library;
- parsing and rendering do no network I/O;
- `bot/ingest` and `bot/publish` never import the store: stages hand them plain data;
- `bot/cli` is imported by nothing but the entry point;
- no two modules share a name, so a name says which room it is in.
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
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
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


@pytest.mark.parametrize("folder", ["ingest", "publish"])
def test_edge_stages_never_import_the_store(folder: str) -> None:
    offenders = {
        p.relative_to(PACKAGE).as_posix(): sorted(
            n for n in _imports(p) if n.startswith("bot.store")
        )
        for p in _modules(folder)
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_only_the_entry_point_imports_the_command_line() -> None:
    offenders = [
        p.relative_to(PACKAGE).as_posix()
        for p in _modules("")
        if "cli" not in p.relative_to(PACKAGE).parts
        and p.name != "__main__.py"
        and any(n == "bot.cli" or n.startswith("bot.cli.") for n in _imports(p))
    ]
    assert offenders == []


def test_no_two_modules_share_a_name() -> None:
    seen: dict[str, list[str]] = {}
    for path in _modules(""):
        if path.name != "__init__.py" and "migrations" not in path.parts:
            seen.setdefault(path.name, []).append(path.relative_to(PACKAGE).as_posix())
    assert {name: places for name, places in seen.items() if len(places) > 1} == {}
