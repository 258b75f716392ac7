"""The fast path of ``ketacost estimate`` (ketacost.cli.fast) prints what Typer's path prints, byte for byte, and
leaves to Typer every command line it does not take."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ketacost.cli import fast
from tests.cli.test_entry_point import installed_ketacost
from tests.conftest import Run

TAKEN = [
    ["estimate"],
    ["estimate", "--format", "json"],
    ["estimate", "-f", "csv", "--timeline"],
    ["estimate", "--format=markdown"],
    ["estimate", "--timeline"],
    ["estimate", "--timeline", "-f", "json"],
    ["estimate", "-n", "8", "--boosters", "2", "-t", "im", "--price", "450", "--hsa-balance", "1500"],
    ["estimate", "--tax-rate", "24", "--budget", "300", "--down-payment", "500", "--fsa-balance", "100"],
    ["estimate", "--coinsurance", "20", "--copay", "30", "--deductible-left", "500", "--oop-max-left", "2000"],
    [
        "estimate",
        "--allowed",
        "150",
        "--oon-deductible-left",
        "800",
        "--oon-coinsurance",
        "30",
        "--plan-type",
        "tricare",
    ],
    ["estimate", "-t", "spravato", "--oon-oop-max-left", "900", "--plan-type", "nope"],
    ["estimate", "--option", "self_pay", "-o", "hsa", "--add-on", "consultation", "-f", "json"],
    ["estimate", "--option=self_pay", "--sessions=4", "--treatment=iv"],
    ["estimate", "--have", "fsa", "--have", "va", "--state", "ny", "--state-tax-rate", "6.85", "-f", "json"],
    ["estimate", "-n", "3", "-n", "4", "--format", "csv", "--format", "json"],  # the last one wins, as in Typer
    ["estimate", "--sessions", "0"],  # the scenario's own errors (exit 2), from the library either way
    ["estimate", "--sessions", "999", "--boosters", "201", "--price", "abc", "--tax-rate", "101"],
    ["estimate", "--treatment", "nope"],
    ["estimate", "--option", "nope", "--add-on", "nope"],
    ["estimate", "--price", ""],
    ["--debug", "estimate", "-o", "hsa"],
    ["--pricing", "missing.toml", "estimate"],
    ["--pricing", "missing.toml", "estimate", "--pricing", "also-missing.toml"],
    ["estimate", "--pricing", "missing.toml"],
    ["estimate", "--package", "iv_six", "--discount", "veteran", "-f", "json"],  # issue 11: packages, discounts
    ["estimate", "--package", "nope", "--discount", "nope"],
]

LEFT_TO_TYPER = [
    [],
    ["--version"],
    ["--help"],
    ["-h", "estimate"],
    ["estimate", "--help"],
    ["estimate", "-h"],
    ["estimate", "--input", "scenarios.csv"],
    ["estimate", "-i", "-"],
    ["estimate", "-n5"],
    ["estimate", "--sessions", "007"],
    ["estimate", "--sessions", "abc"],
    ["estimate", "--sessions", " 5"],
    ["estimate", "--format", "xml"],
    ["estimate", "--format", "JSON"],
    ["estimate", "--price", "-5"],
    ["estimate", "--price"],
    ["estimate", "--timeline=yes"],
    ["estimate", "extra"],
    ["estimate", "--", "-n"],
    ["estimate", "--unknown"],
    ["--pricing", "estimate"],
    ["--debug=1", "estimate"],
    ["schedule"],
    ["quote", "--patient", "A"],
    ["pricing", "show"],
]


def _pricing_files(args: list[str], tmp_path: Path) -> None:
    """A real sheet behind the first missing.toml, so both the global and the command's --pricing are used."""
    if "also-missing.toml" in args:
        (tmp_path / "missing.toml").write_text("schema_version = 1\n", encoding="utf-8")


@pytest.mark.parametrize("args", TAKEN, ids=" ".join)
def test_the_fast_path_prints_what_typer_prints(
    args: list[str], run: Run, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _pricing_files(args, tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    expected = run(*args)
    code = fast.run(args)
    out, err = capsys.readouterr()
    assert code is not None, "this command line should take the fast path"
    assert (code, out, err) == (expected.exit_code, expected.stdout, expected.stderr)


@pytest.mark.parametrize("args", LEFT_TO_TYPER, ids=lambda args: " ".join(args) or "(nothing)")
def test_anything_else_is_left_to_typer(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert fast.run(args) is None
    assert capsys.readouterr() == ("", "")


def test_a_completion_request_is_left_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_KETACOST_COMPLETE", "complete_bash")
    assert fast.run(["estimate"]) is None


def test_the_installed_program_takes_the_fast_path_without_importing_pydantic(tmp_path: Path) -> None:
    """What the fast path is for: a cached `ketacost estimate` never builds Typer's pydantic validators."""
    program = installed_ketacost()
    subprocess.run([program, "estimate"], cwd=tmp_path, capture_output=True, check=True)  # warms the sheet cache
    shown = subprocess.run(
        [sys.executable, "-X", "importtime", program, "estimate", "-f", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert '"options"' in shown.stdout
    assert " pydantic\n" not in shown.stderr and "typer._adapters" not in shown.stderr


def test_every_option_the_fast_path_takes_is_compared_with_typer() -> None:
    """An input added to the scenario reaches the fast path by itself: it must reach the comparison above too."""
    compared = {word.partition("=")[0] for args in TAKEN for word in args}
    assert set(fast.ESTIMATE) - compared == set()
    assert set(fast.ROOT) - compared == set()
