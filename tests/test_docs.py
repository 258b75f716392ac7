"""The README tells the truth: its Quick start is what CI runs, its transcript is real, every command is documented."""

from __future__ import annotations

import re
from typing import Any

import typer
from typer.main import get_command

from ketacost.cli.app import app
from tests.conftest import ROOT, Run

README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.S | re.M)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def quick_start_commands() -> list[str]:
    block = re.search(r"```sh\n(.*?)```", section("Quick start"), re.S)
    assert block
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_has_exactly_two_commands_install_and_run_then_test() -> None:
    first, second = quick_start_commands()
    assert first.endswith("ketacost estimate")
    assert "pip install" in first
    assert "'.[test]'" in second and second.endswith("pytest")


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start_commands()[1] in ci.splitlines()
    assert "set -euo pipefail" in ci


def test_readme_transcript_is_what_estimate_prints(run: Run) -> None:
    block = re.search(r"```console\n\$ ketacost estimate\n(.*?)```", README, re.S)
    assert block
    actual = run("estimate").stdout
    assert block.group(1).rstrip() == "\n".join(line.rstrip() for line in actual.splitlines()).rstrip()


def _commands(group: typer.Typer) -> dict[str, object]:
    command = get_command(group)
    found: dict[str, object] = {}

    def walk(prefix: str, cmd: Any) -> None:
        if hasattr(cmd, "list_commands"):  # a group, maybe lazy: ask it, as `ketacost --help` does
            with typer.Context(cmd) as ctx:
                for name in cmd.list_commands(ctx):
                    walk(f"{prefix} {name}".strip(), cmd.get_command(ctx, name))
        else:
            found[prefix] = cmd

    walk("", command)
    return found


def test_every_command_has_help_and_is_in_the_readme() -> None:
    commands = _commands(app)
    assert "estimate" in commands
    for name, command in commands.items():
        assert getattr(command, "help", None), f"ketacost {name} has no help text"
        assert f"`ketacost {name}" in README, f"ketacost {name} is not documented in the README"


def test_exit_codes_are_documented() -> None:
    table = section("Exit codes")
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |"):
        assert code in table


def test_every_help_page_is_plain_text_within_80_columns(run: Run) -> None:
    # Plain like `ketacost --help`: no boxes to break when piped or pasted into a ticket, and no Rich to import.
    for name in ["", "quotes", "pricing", *_commands(app)]:
        result = run(*name.split(), "--help")
        assert result.exit_code == 0, (name, result.stderr)
        assert result.stdout.startswith("Usage: ketacost"), name
        assert not set(result.stdout) & set("╭│╰─"), f"ketacost {name} --help draws boxes"
        assert max(len(line) for line in result.stdout.splitlines()) <= 80, name
