"""The README is the operator's manual: every setting documented, its test command is CI's."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _fresh_machine_commands() -> list[str]:
    block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", README, re.S)
    assert block, "the README opens with a code block holding the fresh-machine commands"
    return [
        line.strip()
        for line in block.group(1).splitlines()
        if line.strip() and not line.startswith("#")
    ]


def test_every_setting_is_in_the_readme_table() -> None:
    for field in Settings.model_fields.values():
        assert field.alias is not None
        assert re.search(rf"^\|\s*`{field.alias}`\s*\|", README, re.M), (
            f"{field.alias} undocumented"
        )


def test_readme_opens_with_exactly_two_commands() -> None:
    assert len(_fresh_machine_commands()) == 2


def test_ci_runs_the_readme_test_command() -> None:
    test_command = _fresh_machine_commands()[1]
    ci_script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci_script.splitlines()


def test_fresh_venvs_get_a_current_pip() -> None:
    """Python 3.11's bundled pip (23.2) does not normalise extras (PEP 685), so justext's
    `lxml[html_clean]` warns on every install against lxml 6's `html-clean`."""
    for command in _fresh_machine_commands():
        assert command.startswith("python3 -m venv --upgrade-deps .venv && "), command


def test_the_suite_runs_in_parallel() -> None:
    assert re.search(r"\.venv/bin/pytest -n \d+$", _fresh_machine_commands()[1])
    assert '"pytest-xdist' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
