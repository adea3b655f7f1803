"""One database whatever folder a command starts in (issue: `data/` made in every folder)."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import talkwatch


def test_commands_from_two_folders_share_one_database_and_say_which(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg")}
    expected = tmp_path / "xdg" / "talkwatch" / "talkwatch.db"
    for name in ("first", "second"):
        folder = tmp_path / name
        folder.mkdir()
        result = talkwatch("db", "upgrade", cwd=folder, env=env)
        assert result.returncode == 0, result.stderr
        assert result.stderr.splitlines() == [f"talkwatch: database sqlite:///{expected}"]
        assert list(folder.iterdir()) == [], "nothing is created in the current folder"
    assert expected.is_file()


def test_the_database_line_masks_the_password(tmp_path: Path) -> None:
    env = {"DATABASE_URL": "postgresql://tw:hunter2@127.0.0.1:1/tw"}
    result = talkwatch("feeds", cwd=tmp_path, env=env)
    assert result.returncode == 3
    assert "hunter2" not in result.stdout + result.stderr
    assert (
        result.stderr.splitlines()[0] == "talkwatch: database postgresql://tw:****@127.0.0.1:1/tw"
    )
    assert result.stderr.splitlines()[1].startswith("talkwatch: storage error:")
