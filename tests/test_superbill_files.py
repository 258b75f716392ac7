"""The superbill through the one flow of document commands (ketacost.cli.documents), on the paths the superbill's
own tests do not take: a file not written after saving (exit 5, the command that writes it), a draft whose file
fails (nothing saved, the refusal itself), ``superbills show`` with a file that fails, and the order of files,
preview and report."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from ketacost import output
from ketacost.errors import SystemRefused
from tests.conftest import Run

PATIENT = ("--patient", "Ana Diaz", "--dob", "1984-03-02")
ONE = ("--session", "2026-11-02=600.00")
WRITE = output.write_atomic


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ketacost.cli.quote.today", lambda: dt.date(2026, 11, 27))


def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path, text: str) -> None:
        raise SystemRefused(f"{path}: cannot write: No space left on device")

    monkeypatch.setattr("ketacost.output.write_atomic", refuse)


def test_a_file_not_written_after_saving_exits_5_and_says_how_to_get_it(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    full_disk(monkeypatch)
    result = run("superbill", *PATIENT, *ONE, "--html", "sb.html")
    assert result.exit_code == 5
    last = result.stderr.strip().splitlines()[-1]
    found = re.fullmatch(
        r"superbill (S-\d{8}-[0-9A-Z]{4}) is saved in (.+); sb\.html was not written: cannot write: No space left "
        r"on device; `ketacost superbills show (S-\S+) --html sb\.html` writes it",
        last,
    )
    assert found and found.group(1) == found.group(3), last
    assert result.stdout  # the preview is still printed
    monkeypatch.setattr("ketacost.output.write_atomic", WRITE)  # the disk has room again
    assert run("superbills", "show", found.group(1), "--html", "sb.html").exit_code == 0
    assert Path("sb.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_draft_whose_file_fails_is_refused_and_nothing_is_saved(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    full_disk(monkeypatch)
    result = run("superbill", *PATIENT, *ONE, "--no-save", "--json", "sb.json")
    assert result.exit_code == 4
    assert result.stderr.strip().splitlines()[-1] == "sb.json: cannot write: No space left on device"
    assert "Superbill" not in result.stderr
    assert run("superbills", "list", "--json").stdout == "[]\n"


def test_superbills_show_prints_the_preview_and_then_fails_for_a_file_not_written(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = run("superbill", *PATIENT, *ONE)
    superbill_id = re.search(r"Superbill (S-\S+) saved", issued.stderr)
    assert superbill_id
    full_disk(monkeypatch)
    result = run("superbills", "show", superbill_id.group(1), "--markdown", "sb.md")
    assert result.exit_code == 4
    assert result.stdout == issued.stdout  # the same preview as when it was issued
    assert result.stderr.strip() == "sb.md: cannot write: No space left on device"


def test_files_are_written_before_the_report(run: Run) -> None:
    result = run("superbill", *PATIENT, *ONE, "--json", "sb.json", "--markdown", "sb.md")
    assert result.exit_code == 0
    lines = result.stderr.strip().splitlines()
    assert lines[:2] == ["Wrote sb.md", "Wrote sb.json"]
    assert re.fullmatch(r"Superbill S-\d{8}-[0-9A-Z]{4} saved in .+\.", lines[2])
