"""One place builds a Telegram Bot: `build_bot` in bot/publish/channel.py.

Commands and alerts share that Bot and its send budget; a second construction
site would bring back a second, uncounted budget (issue 11) or a second copy
of the request settings (issue 8).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILDER = ROOT / "bot" / "publish" / "channel.py"
CONSTRUCTORS = {"Bot", "ExtBot", "HTTPXRequest"}


def _constructions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in CONSTRUCTORS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}(...)")
    return found


def test_only_build_bot_constructs_a_bot_or_its_transport() -> None:
    sources = [
        p for folder in ("bot", "tests", "benchmarks") for p in (ROOT / folder).rglob("*.py")
    ]
    elsewhere = [c for p in sources if p != BUILDER for c in _constructions(p)]
    assert elsewhere == []
    assert _constructions(BUILDER)  # and build_bot does
