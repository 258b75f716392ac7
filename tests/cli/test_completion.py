"""Ids you can find (issue 12 item 9): TAB completion from the sheet in use, through the documented protocol
(``_KETACOST_COMPLETE=complete_bash`` with COMP_WORDS and COMP_CWORD) run on the installed program; the ids in
help; the nearest command suggested."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.test_entry_point import installed_ketacost
from tests.conftest import Run


def complete(words: str, cwd: Path, shell: str = "bash", **extra: str) -> list[str]:
    """What the shell would offer for the last word of ``words`` (a trailing space: a new, empty word)."""
    parts = words.split()
    cword = len(parts) if words.endswith(" ") else len(parts) - 1
    environment = {**os.environ, "_KETACOST_COMPLETE": f"complete_{shell}", **extra}
    environment.update(COMP_WORDS=words, COMP_CWORD=str(cword))
    if shell == "zsh":
        environment["_TYPER_COMPLETE_ARGS"] = words
    shown = subprocess.run(
        [installed_ketacost()], env=environment, cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )
    assert shown.returncode == 0 and shown.stderr == "", shown.stderr
    return shown.stdout.split()


def test_treatment_completes_the_sheets_ids(tmp_path: Path) -> None:
    assert complete("ketacost estimate -t ", tmp_path) == ["iv", "im", "spravato", "kap", "oral"]
    assert complete("ketacost estimate --treatment s", tmp_path) == ["spravato"]


def test_option_and_add_on_complete_from_the_sheet(tmp_path: Path) -> None:
    assert complete("ketacost estimate -o ca", tmp_path) == ["care_card", "card_24", "card_60", "carepath"]
    assert complete("ketacost schedule -o medical", tmp_path) == ["medical_loan"]
    assert complete("ketacost quote --option h", tmp_path) == ["hsa"]
    assert complete("ketacost estimate -t kap --add-on ", tmp_path) == ["integration"]
    assert complete("ketacost estimate --add-on ", tmp_path) == ["consultation"]  # the default treatment's


def test_package_and_discount_complete_from_the_sheet(tmp_path: Path) -> None:
    assert complete("ketacost estimate --package iv", tmp_path) == ["iv_six"]
    assert "veteran" in complete("ketacost estimate --discount ", tmp_path)
    assert complete("ketacost estimate --discount zz", tmp_path) == []


def test_completion_reads_the_sheet_the_command_line_names(
    tmp_path: Path, sheet_text: str, write_sheet: Callable[..., Path]
) -> None:
    other = write_sheet(sheet_text.replace("treatments.oral", "treatments.lozenge"), "other.toml")
    assert "lozenge" in complete(f"ketacost --pricing {other} estimate -t ", tmp_path)
    assert "lozenge" in complete(f"ketacost estimate --pricing {other} -t ", tmp_path)
    assert "lozenge" in complete("ketacost estimate -t ", tmp_path, KETACOST_PRICING=str(other))
    assert "lozenge" not in complete("ketacost estimate -t ", tmp_path)


def test_a_broken_sheet_completes_nothing_and_prints_no_error(tmp_path: Path) -> None:
    (tmp_path / "pricing.toml").write_text("schema_version = [\n", encoding="utf-8")
    assert complete("ketacost estimate -t ", tmp_path) == []


def test_pricing_keys_complete(tmp_path: Path) -> None:
    assert complete("ketacost pricing get treatments.iv.price.", tmp_path) == [
        "treatments.iv.price.low",
        "treatments.iv.price.typical",
        "treatments.iv.price.high",
    ]
    assert "treatments.iv.line_items.0.price.high" in complete("ketacost pricing get treatments.iv.line", tmp_path)
    assert complete("ketacost pricing set options.medical_loan.ap", tmp_path) == ["options.medical_loan.apr="]


def test_zsh_shows_each_ids_name(tmp_path: Path) -> None:
    offered = " ".join(complete("ketacost estimate -t sp", tmp_path, shell="zsh"))
    assert '"spravato":"Spravato (esketamine nasal spray)"' in offered


def test_estimate_help_points_to_the_ids(run: Run) -> None:
    shown = " ".join(run("estimate", "--help").stdout.split())
    assert "Treatment id (ketacost pricing show). Default" in shown
    assert '"ketacost pricing show" lists them, TAB completes them' in shown
    listed = run("pricing", "show").stdout.splitlines()
    for each in ("iv *", "spravato", "medical_loan", "care_card", "  + consultation"):
        assert any(line.startswith(f"{each}:") for line in listed), each


@pytest.mark.parametrize(
    ("typed", "meant"), [(["estimat"], "estimate"), (["qoute"], "quote"), (["pricing", "shw"], "show")]
)
def test_a_mistyped_command_names_the_nearest(run: Run, typed: list[str], meant: str) -> None:
    shown = run(*typed)
    assert shown.exit_code == 2
    assert f"No such command {typed[-1]!r}. Did you mean {meant!r}" in shown.stderr


def test_an_unlike_command_is_refused_as_before(run: Run) -> None:
    shown = run("zzzz")
    assert shown.exit_code == 2
    assert "No such command 'zzzz'." in shown.stderr and "Did you mean" not in shown.stderr
