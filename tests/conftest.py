"""Shared fixtures: run the CLI in-process, and copies of the default price sheet to break."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner, Result

from ketacost.cli.app import app

# No timing in the tests (a loaded CI machine is slow, not wrong): no per-example deadline, and no health check
# that fails a test because generating its inputs was slow. Each test's own settings still apply on top.
settings.register_profile("ketacost", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ketacost")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHEET = ROOT / "pricing.toml"
V1_SHEET = ROOT / "tests" / "data" / "pricing_v1.toml"  # the built-in sheet before schema version 2

Run = Callable[..., Result]

# What a caller's shell may hold that changes how ketacost prints; each test starts without it (tests that are
# about one of these set it themselves).
CALLER_ENVIRONMENT = (
    "NO_COLOR",
    "FORCE_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "COLUMNS",
    "LINES",
    "TERM",
    "COLORTERM",
    "LC_ALL",
    "LC_CTYPE",
    "LANG",
    "LANGUAGE",
    "PYTHONIOENCODING",
    "PYTHONUTF8",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "KETACOST_STORE",
    "KETACOST_CACHE_DIR",
    "XDG_CACHE_HOME",
    "XDG_DATA_HOME",
)


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's KETACOST_PRICING, pricing.toml in the working directory, cache or quotes, nor
    the caller's terminal settings: colour, width, terminal type and locale are the tests' own to set."""
    for name in CALLER_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.delenv("KETACOST_PRICING", raising=False)
    monkeypatch.delenv("KETACOST_CACHE", raising=False)
    monkeypatch.setenv("KETACOST_CACHE_DIR", str(tmp_path.parent / f"{tmp_path.name}-cache"))  # outside the cwd
    monkeypatch.setenv("KETACOST_STORE", str(tmp_path / "register" / "quotes.sqlite3"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def run() -> Run:
    """Invoke ``ketacost ARGS`` in-process; stdout and stderr stay separate."""

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(app, list(args), env={"COLUMNS": "80", **(env or {})})

    return invoke


@pytest.fixture
def run_json(run: Run) -> Callable[..., Any]:
    """Invoke a command with ``--format json`` and return the parsed document (asserting exit 0)."""

    def invoke(*args: str) -> Any:
        result = run(*args, "--format", "json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    return invoke


@pytest.fixture
def sheet_text() -> str:
    return DEFAULT_SHEET.read_text(encoding="utf-8")


@pytest.fixture
def sheet_v1_text() -> str:
    """The built-in sheet as it was in schema version 1 (prices on treatments and on line items): still loads."""
    return V1_SHEET.read_text(encoding="utf-8")


@pytest.fixture
def write_sheet(tmp_path: Path) -> Callable[[str], Path]:
    """Write a sheet's text to a file and return its path."""

    def write(text: str, name: str = "sheet.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


# Fuzz examples run in this session, per test (tests/test_fuzz.py counts them), printed at the end.
FUZZ_EXAMPLES: dict[str, int] = {}


@pytest.fixture(scope="session")
def fuzz_examples() -> dict[str, int]:
    return FUZZ_EXAMPLES


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FUZZ_EXAMPLES:
        terminalreporter.write_line(
            f"fuzz examples run: {sum(FUZZ_EXAMPLES.values())} ({len(FUZZ_EXAMPLES)} fuzz tests)"
        )
