"""ketacost uses only the public APIs of typer, click, tomlkit, rich and pydantic, and the command line still
parses, checks and explains its options as Typer does."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Run

SOURCES = sorted((ROOT / "ketacost").rglob("*.py"))
DEPENDENCIES = r"(?:typer|click|tomlkit|rich|pydantic|pydantic_core)"

# What reaches into a dependency's internals: overriding how Typer coerces a value, swapping the class of a live
# object, importing or reading a dependency's underscore names (typer._click is Typer's vendored, private Click).
FORBIDDEN = {
    "a process_value override": re.compile(r"\bprocess_value\b"),
    "a __class__ assignment": re.compile(r"\.__class__\s*="),
    "an import of a private module or name": re.compile(
        rf"^\s*(?:from\s+{DEPENDENCIES}(?:\.\w+)*\s+import\s+_|from\s+{DEPENDENCIES}(?:\.\w+)*\._|import\s+{DEPENDENCIES}(?:\.\w+)*\._)",
        re.MULTILINE,
    ),
    "a dependency's private attribute": re.compile(rf"\b{DEPENDENCIES}(?:\.[a-z]\w*)*\._\w+"),
    "Typer's private runtime parameter": re.compile(r"\b_runtime_param\b|\bget_runtime_param\b"),
    "tomlkit's private trivia": re.compile(r"\._trivia\b"),
    "an undocumented Typer builder": re.compile(r"\bget_group\s*\("),
}


def _code(path: Path) -> str:
    """The file without its comments, so a comment that names what is forbidden does not count."""
    return "\n".join(line.split("#", 1)[0] for line in path.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("what", sorted(FORBIDDEN))
def test_no_private_internals_of_dependencies(what: str) -> None:
    pattern = FORBIDDEN[what]
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
        for path in SOURCES
        for match in pattern.finditer(_code(path))
    ]
    assert not found, f"{what} in ketacost/: {found}"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["estimate", "--sessions", "abc"], "Invalid value for '--sessions' / '-n'"),
        (["estimate", "--boosters", "1.5"], "Invalid value for '--boosters'"),
        (["estimate", "--format", "xml"], "Invalid value for '--format' / '-f'"),
        (["schedule", "--format", "yaml"], "Invalid value for '--format' / '-f'"),
        (["pricing", "show", "--format", "pdf"], "Invalid value for '--format' / '-f'"),
    ],
)
def test_a_bad_option_value_gets_typers_usage_error(run: Run, args: list[str], expected: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert expected in result.stderr
    assert f"Try 'ketacost {args[0]}" in result.stderr  # the usual pointer to the command's help
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_options_not_given_take_their_defaults(run: Run) -> None:
    """No flags at all: every option arrives as its default (None, nothing repeated, table), as before."""
    result = run("estimate")
    assert result.exit_code == 0, result.stderr
    assert "Course total" in result.stdout


def test_repeatable_options_collect_every_value(run_json: Callable[..., Any]) -> None:
    document = run_json("estimate", "--option", "self_pay", "-o", "hsa")
    assert [option["id"] for option in document["options"]] == ["self_pay", "hsa"]


def test_only_the_root_offers_shell_completion(run: Run) -> None:
    """Commands are built one at a time, when they run; completion stays the root's, as before."""
    assert "--install-completion" in run("--help").stdout
    for command in (["estimate"], ["schedule"], ["quote"], ["pricing"], ["pricing", "show"], ["quotes"]):
        result = run(*command, "--help")
        assert result.exit_code == 0, result.stderr
        assert "--install-completion" not in result.stdout
