"""The dispute check on the installed program under a faked clock (faketime), as the issue reproduces it: a quote
issued on 2026-11-27, a bill dated 2026-12-15, checked on 2027-04-15, the day after the 120-day window closed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli.test_entry_point import installed_ketacost


def at(day: str, directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    faketime = shutil.which("faketime")
    if faketime is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true and faketime is missing (Debian: apt-get install faketime)")
        pytest.skip("needs faketime (Debian: apt-get install faketime)")
    return subprocess.run(
        [faketime, f"{day} 12:00:00", installed_ketacost(), *args],
        cwd=directory,
        env={**os.environ, "KETACOST_STORE": str(directory / "quotes.sqlite3")},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_under_faketime_a_bill_past_the_window_is_not_eligible_with_the_closing_date(tmp_path: Path) -> None:
    issued = at("2026-11-27", tmp_path, "quote", "--patient", "Ana Diaz", "--dob", "1984-03-02")
    assert issued.returncode == 0, issued.stderr
    match = re.search(r"Quote (Q-20261127-[0-9A-Z]{4}) saved", issued.stderr)
    assert match, issued.stderr
    args = ("quotes", "check", match.group(1), "--billed", "clinic=7000", "--bill-date", "2026-12-15", "-f", "json")
    on_the_last_day = at("2027-04-14", tmp_path, *args)
    assert json.loads(on_the_last_day.stdout)["eligible"] is True
    late = at("2027-04-15", tmp_path, *args)
    assert late.returncode == 0, late.stderr
    document = json.loads(late.stdout)
    assert (document["eligible"], document["deadline"]) == (False, "2027-04-14")
    assert "closed on 2027-04-14" in document["notes"][0]
    early = at("2027-04-15", tmp_path, *args[:5], "--bill-date", "2026-11-01")
    assert early.returncode == 2
    assert early.stderr.startswith("--bill-date: 2026-11-01 is before quote")


SPRAVATO_TO_F = ("-t", "spravato", "--no-save", "--json", "F")


def test_the_installed_programs_spravato_gfe_has_no_payment_option_of_kind_insurance_or_va(tmp_path: Path) -> None:
    result = subprocess.run(
        [installed_ketacost(), "quote", "--patient", "Ana Diaz", "--dob", "1984-03-02", *SPRAVATO_TO_F],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads((tmp_path / "F").read_text(encoding="utf-8"))["payment_options"]["options"]
    kinds = {row["kind"] for row in rows}
    assert kinds and not kinds & {"insurance", "va", "out_of_network", "copay_program"}
    assert "self_pay" in kinds
