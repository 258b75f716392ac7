"""Issue 12, item 4: schedules that add up on screen: the loan amount, the fee inside it and what the clinic is
paid; balances that only fall; fees equal to the estimate's; visits dated visit by visit; deferred interest on its
own row."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run

D = Decimal


def _estimate_fees(run_json: Callable[..., Any], option: str, *args: str) -> str:
    (point,) = run_json("estimate", "-o", option, *args)["options"]
    fees: str = point["typical"]["fees"]
    return fees


def _balances(plan: Any) -> list[Decimal]:
    return [D(row["balance"]) for row in plan["rows"]]


@pytest.mark.parametrize("args", [(), ("--price", "750", "-n", "8"), ("--hsa-balance", "1000", "--price", "455.55")])
def test_loan_fees_equal_the_estimates_and_the_balance_only_falls(
    run_json: Callable[..., Any], args: tuple[str, ...]
) -> None:
    plan = run_json("schedule", "-o", "medical_loan", *args)
    assert plan["totals"]["fees"] == _estimate_fees(run_json, "medical_loan", *args)
    balances = _balances(plan)
    assert all(later <= earlier for earlier, later in pairwise(balances))
    assert balances[-1] == 0


def test_the_issues_loan_shows_its_amount_fee_and_what_the_clinic_gets(run: Run, run_json: Callable[..., Any]) -> None:
    plan = run_json("schedule", "-o", "medical_loan", "--price", "750", "-n", "8")
    assert (plan["loan_amount"], plan["fee_in_loan"], plan["financed"]) == ("6315.79", "315.79", "6000.00")
    first = plan["rows"][0]
    assert (first["month"], first["event"], first["fees"], first["balance"]) == (0, "loan", "315.79", "6315.79")
    assert plan["rows"][1]["balance"] == "6095.19"  # below the loan amount: the balance falls from month 0
    out = run("schedule", "-o", "medical_loan", "--price", "750", "-n", "8").stdout
    assert "Loan 6,315.79: the clinic gets 6,000.00, the 315.79 fee is in the loan (month 0)" in out
    assert "Financed 6,000.00" not in out
    total = out.splitlines()[-1]
    assert total.startswith("Total")
    assert total.split()[-1] == "315.79"  # the Fees column adds up on screen


def test_a_financed_fee_and_a_plan_fee_are_month_0_too(
    run_json: Callable[..., Any], write_sheet: Any, sheet_text: str
) -> None:
    text = sheet_text.replace('fee_handling = "deducted"', 'fee_handling = "financed"').replace(
        "setup_fee = 0.00", "setup_fee = 49.00"
    )
    path = write_sheet(text)
    for option, event in (("medical_loan", "loan"), ("clinic_plan", "fee")):
        plan = run_json("--pricing", str(path), "schedule", "-o", option)
        assert plan["rows"][0]["event"] == event
        (point,) = run_json("--pricing", str(path), "estimate", "-o", option)["options"]
        assert plan["totals"]["fees"] == point["typical"]["fees"] != "0.00"
        assert D(plan["upfront"]) + D(plan["totals"]["payment"]) == D(point["typical"]["total_paid"])


def test_va_copays_are_dated_by_visit_and_labelled_so(run: Run, run_json: Callable[..., Any]) -> None:
    plan = run_json("schedule", "-o", "va", "--start", "2026-12-01")
    assert plan["per_visit"] is True and plan["upfront"] == "0.00"
    assert [(r["visit"], r["week"], r["date"], r["paid_at_visit"]) for r in plan["rows"]] == [
        (1, 1, "2026-12-01", "50.00"),
        (2, 1, "2026-12-04", "50.00"),
        (3, 2, "2026-12-08", "50.00"),
        (4, 2, "2026-12-11", "50.00"),
        (5, 3, "2026-12-15", "50.00"),
        (6, 3, "2026-12-18", "50.00"),
    ]
    assert plan["totals"] == {"paid_at_visit": "300.00"}
    out = run("schedule", "-o", "va", "--start", "2026-12-01").stdout
    assert "Visit by visit" in out and "Paid" in out and "at visit" in out
    assert "Upfront" not in out and "Principal" not in out and "Interest" not in out


def test_insurance_shares_are_per_visit_in_csv(run: Run) -> None:
    args = ("-t", "spravato", "--price", "900", "--deductible-left", "1000", "--coinsurance", "20")
    lines = run("schedule", "-o", "insurance", *args, "-f", "csv").stdout.splitlines()
    assert lines[0] == "visit,week,date,paid_at_visit,left_to_pay"
    assert lines[1] == "1,1,,900.00,1340.00"  # the deductible first
    assert lines[2] == "2,1,,260.00,1080.00"  # the 100.00 left of the deductible, then 20% of 800.00


def test_deferred_interest_is_its_own_row_at_the_promotions_end(run: Run, run_json: Callable[..., Any]) -> None:
    plan = run_json("schedule", "-o", "care_card", "--minimum-only")
    (point,) = run_json("estimate", "-o", "care_card")["options"]
    assert all(D(row["principal"]) >= 0 for row in plan["rows"])
    (end,) = [row for row in plan["rows"] if row["event"] == "deferred_interest"]
    assert (end["month"], end["payment"], end["principal"], end["interest"]) == (12, "0.00", "0.00", "991.68")
    assert plan["rows"][11]["balance"] == "2304.00" and end["balance"] == "3295.68"
    assert D(plan["totals"]["interest"]) == D(point["typical"]["interest_at_risk"])
    out = run("schedule", "-o", "care_card", "--minimum-only").stdout
    assert "promo end" in out and "-883.68" not in out
    assert "Promotion's end ('promo end'): 991.68 of deferred interest is charged" in out


def test_installed_schedule_fees_equal_the_estimates(tmp_path: Path) -> None:
    ketacost = str(Path(sys.executable).with_name("ketacost"))

    def run_json(*args: str) -> Any:
        done = subprocess.run([ketacost, *args], capture_output=True, text=True, cwd=tmp_path, check=True)
        return json.loads(done.stdout)

    plan = run_json("schedule", "-o", "medical_loan", "--format", "json")
    (point,) = run_json("estimate", "-o", "medical_loan", "--format", "json")["options"]
    assert plan["totals"]["fees"] == point["typical"]["fees"] == "189.47"
    balances = _balances(plan)
    assert all(later <= earlier for earlier, later in pairwise(balances))
