"""Lender offer grids (issue 11 item 5): one partner, several terms, each its own row; every fee in the APR;
clinic plans with a minimum monthly amount."""

import json
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import numpy_financial as npf

GRID = """
[options.icare]
kind = "lender_grid"
name = "iCare"
months = [6, 12, 18]
apr = [0.00]
fee_pct = [15.00]
monthly_fee = [0.00, 4.00, 0.00]
down_payment_pct = [30.00, 0.00, 0.00]
min_amount = 300.00
max_amount = 5000.00
"""


def _sheet(sheet_text: str, extra: str = GRID) -> str:
    return sheet_text + extra


def _rows(run, path: Path, *args: str) -> list[dict]:  # type: ignore[no-untyped-def, type-arg]
    result = run("--pricing", str(path), "estimate", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["options"]  # type: ignore[no-any-return]


def test_each_term_is_its_own_json_entry_with_offer_and_months(run, write_sheet, sheet_text) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(run, write_sheet(_sheet(sheet_text)), "--price", "1000", "-n", "1", "-o", "icare")
    assert [(row["id"], row["offer"], row["months"]) for row in rows] == [
        ("icare_6", "icare", 6),
        ("icare_12", "icare", 12),
        ("icare_18", "icare", 18),
    ]
    assert [row["typical"]["months"] for row in rows] == [6, 12, 18]
    # A row is chosen by its own id too.
    one = _rows(run, write_sheet(_sheet(sheet_text)), "--price", "1000", "-n", "1", "-o", "icare_12")
    assert [row["id"] for row in one] == ["icare_12"]


def test_flat_admin_fee_and_monthly_fee_raise_the_apr_above_the_note_rate(run, write_sheet, sheet_text) -> None:  # type: ignore[no-untyped-def]
    # DOMAIN.md section 9 (iCare): "0%" with a flat 15% administration fee plus 4 a month: about 26.6% APR on
    # 1,000 over 12 months, about 34.7% with the monthly fee. Oracle: numpy-financial's rate.
    no_monthly = GRID.replace("monthly_fee = [0.00, 4.00, 0.00]", "monthly_fee = [0.00]")
    without = _rows(run, write_sheet(_sheet(sheet_text, no_monthly)), "--price", "1000", "-n", "1", "-o", "icare_12")[0]
    typical = without["typical"]
    assert D(typical["monthly"]) == D("95.83") and D(typical["total_paid"]) == D("1150.00")
    oracle = npf.rate(12, -95.83, 1000, 0) * 1200  # the final payment differs by cents: within Reg Z's 1/8 point
    assert abs(D(typical["apr"]) - D(str(oracle))) < D("0.125")
    assert abs(D(typical["apr"]) - D("26.6")) < D("0.1")
    with_fee = _rows(run, write_sheet(_sheet(sheet_text)), "--price", "1000", "-n", "1", "-o", "icare_12")[0]["typical"]
    assert D(with_fee["monthly"]) == D("99.83") and D(with_fee["total_paid"]) == D("1198.00")
    assert abs(D(with_fee["apr"]) - D(str(npf.rate(12, -99.83, 1000, 0) * 1200))) < D("0.125")
    assert abs(D(with_fee["apr"]) - D("34.7")) < D("0.1")
    assert D(with_fee["apr"]) > D(typical["apr"]) > 0  # the note rate is 0%


def test_required_down_payment_and_amount_limits(run, write_sheet, sheet_text) -> None:  # type: ignore[no-untyped-def]
    rows = {row["id"]: row for row in _rows(run, write_sheet(_sheet(sheet_text)), "--price", "1000", "-n", "1")}
    six = rows["icare_6"]["typical"]
    assert D(six["upfront"]) == D("300.00") and D(six["financed"]) == D("700.00")
    assert D(six["upfront"]) + D(six["monthly"]) * 5 + D(six["final_payment"]) == D(six["total_paid"])
    assert "30% down payment required" in rows["icare_6"]["notes"]
    small = _rows(run, write_sheet(_sheet(sheet_text)), "--price", "250", "-n", "1", "-o", "icare_12")[0]
    assert small["typical"] == {"available": False, "reason": "needs at least 300.00 financed (this would be 250.00)"}
    large = _rows(run, write_sheet(_sheet(sheet_text)), "--price", "6000", "-n", "1", "-o", "icare_18")[0]
    assert large["typical"]["reason"] == "finances at most 5,000.00 (this would be 6,000.00)"


def test_a_grid_with_mismatched_lists_is_refused_at_its_key(run, write_sheet, sheet_text) -> None:  # type: ignore[no-untyped-def]
    bad = GRID.replace("monthly_fee = [0.00, 4.00, 0.00]", "monthly_fee = [0.00, 4.00]")
    result = run("pricing", "validate", str(write_sheet(_sheet(sheet_text, bad))))
    assert result.exit_code == 2
    assert "options.icare.monthly_fee: give one value, or one per term (3), not 2" in result.stderr


def test_clinic_plan_minimum_monthly_shortens_the_plan(run, write_sheet, sheet_text) -> None:  # type: ignore[no-untyped-def]
    text = sheet_text.replace("setup_fee = 0.00 ", "min_monthly = 375.00\nsetup_fee = 0.00 ", 1)
    assert text != sheet_text
    row = _rows(run, write_sheet(text), "--price", "500", "-o", "clinic_plan")[0]  # 3,000: 750 down, 2,250 left
    typical = row["typical"]
    assert typical["months"] == 6 and D(typical["monthly"]) == D("375.00")
    row = _rows(run, write_sheet(text), "--price", "400", "-o", "clinic_plan")[0]  # 2,400: 600 down, 1,800 left
    assert row["typical"]["months"] == 4 and D(row["typical"]["monthly"]) == D("450.00")
    assert "At least 375.00 a month: 4 months" in row["notes"]


def test_built_in_grid_installed_program(tmp_path: Path) -> None:
    program = Path(sys.executable).parent / "ketacost"
    done = subprocess.run(
        [str(program), "estimate", "-o", "partner", "--format", "json"], capture_output=True, text=True, check=True
    )
    rows = json.loads(done.stdout)["options"]
    assert len(rows) >= 3 and {row["offer"] for row in rows} == {"partner"}
    assert [row["months"] for row in rows] == sorted(row["months"] for row in rows)
