"""Running `talkwatch` as an operator does: a real process, with only the settings a test gives."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.config.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def talkwatch(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` with every Talkwatch setting of this environment removed first."""
    aliases = {f.alias for f in Settings.model_fields.values()}
    base = {k: v for k, v in os.environ.items() if k not in aliases}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env={**base, **(env or {})},
        cwd=cwd or ROOT,
        check=False,
    )
