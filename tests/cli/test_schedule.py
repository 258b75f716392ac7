"""``ketacost schedule``: the month-by-month rows behind every financed figure of ``estimate``."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy_financial as npf
import pytest

from tests.conftest import Run

D = Decimal
FINANCED = ("medical_loan", "clinic_plan", "care_card", "card_24", "card_60")


def estimate_point(run_json: Callable[..., Any], option: str, *args: str, point: str = "typical") -> Any:
    (found,) = run_json("estimate", "--option", option, *args)["options"]
    return found[point]


@pytest.mark.parametrize("option", FINANCED)
@pytest.mark.parametrize("args", [(), ("--hsa-balance", "1000"), ("-t", "kap", "--down-payment", "250.55")])
def test_rows_add_up_to_the_estimates_total_paid(
    run_json: Callable[..., Any], option: str, args: tuple[str, ...]
) -> None:
    plan = run_json("schedule", "--option", option, *args)
    point = estimate_point(run_json, option, *args)
    assert plan["rows"], "a financed option has monthly rows"
    # A fee inside the loan is month 0's own row (issue 12, item 4): the payments are the other rows.
    payments = [row for row in plan["rows"] if row["event"] is None]
    assert [row["month"] for row in payments] == list(range(1, len(payments) + 1))
    assert len(payments) == point["months"]
    assert plan["rows"][-1]["balance"] == "0.00"
    paid = D(plan["upfront"]) + sum(D(row["payment"]) for row in plan["rows"])
    assert paid == D(point["total_paid"]) == D(plan["total_paid"])
    assert sum(D(r["principal"]) for r in plan["rows"]) == D(plan["totals"]["principal"])
    assert D(plan["totals"]["fees"]) == D(point["fees"])
    for row in payments:
        assert D(row["payment"]) == D(row["interest"]) + D(row["principal"]) + D(row["fees"])


def test_loan_schedule_shows_note_rate_and_a_higher_apr_that_numpy_financial_agrees_with(
    run_json: Callable[..., Any],
) -> None:
    plan = run_json("schedule", "--option", "medical_loan")
    assert plan["note_rate"] == "17.99"
    apr = D(plan["apr"])
    assert apr > D("17.99")  # the 5% origination fee is a finance charge
    rows = [row for row in plan["rows"] if row["event"] is None]  # not month 0: the loan made, its fee kept
    payments = [float(row["payment"]) for row in rows[:-1]]
    net = float(D(plan["financed"]))  # what the clinic receives: the amount financed under Reg Z
    oracle = npf.rate(len(rows), payments[0], -net, 0, guess=0.01) * 12 * 100
    assert abs(float(apr) - oracle) < 0.01 + 0.005  # the oracle ignores the last payment's few cents of rounding


def test_estimate_json_carries_apr_per_price_point(run_json: Callable[..., Any]) -> None:
    options = {o["id"]: o for o in run_json("estimate")["options"]}
    assert options["medical_loan"]["typical"]["apr"] == run_json("schedule", "-o", "medical_loan")["apr"]
    assert options["self_pay"]["typical"]["apr"] is None
    assert options["clinic_plan"]["typical"]["apr"] is None  # no interest, no fee: credit costs nothing
    assert options["care_card"]["typical"]["apr"] is None  # paid in full within the promotion


def test_start_date_adds_monthly_dates_clamped_to_month_end(run_json: Callable[..., Any]) -> None:
    plan = run_json("schedule", "-o", "clinic_plan", "--start", "2027-01-31")
    assert [row["date"] for row in plan["rows"][:3]] == ["2027-02-28", "2027-03-31", "2027-04-30"]


def test_minimum_only_shows_the_deferred_interest_trap(run_json: Callable[..., Any]) -> None:
    plan = run_json("schedule", "-o", "care_card", "--minimum-only")
    point = estimate_point(run_json, "care_card")
    assert plan["minimum_only"] is True
    assert D(plan["totals"]["interest"]) == D(point["interest_at_risk"]) > 0
    assert plan["rows"][-1]["balance"] == "0.00"
    # All deferred interest lands at the promotion's end, on its own row after month 12's payment (issue 12).
    promo_end = plan["rows"][12]
    assert (promo_end["month"], promo_end["event"], promo_end["payment"]) == (12, "deferred_interest", "0.00")
    assert D(promo_end["interest"]) > 0 and D(plan["deferred_interest"]) == D(promo_end["interest"])
    assert all(D(row["principal"]) >= 0 for row in plan["rows"])


def test_schedule_of_an_option_paid_up_front_has_no_rows(run_json: Callable[..., Any]) -> None:
    plan = run_json("schedule", "-o", "self_pay")
    assert plan["rows"] == [] and plan["upfront"] == plan["total_paid"] == "3600.00"


def test_table_and_csv(run: Run) -> None:
    table = run("schedule", "-o", "medical_loan")
    assert table.exit_code == 0
    assert "counting fees (Regulation Z), interest rate 17.99%" in table.stdout
    assert table.stdout.splitlines()[-1].startswith("Total")
    csv_out = run("schedule", "-o", "medical_loan", "-f", "csv").stdout.splitlines()
    assert csv_out[0] == "month,date,payment,interest,principal,fees,balance,event"
    assert len(csv_out) == 1 + 1 + 24  # month 0: the loan made, its fee kept by the lender (issue 12, item 4)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-o", "nope"), "unknown payment option 'nope'"),
        (("-o", "medical_loan", "--start", "2027-02-30"), "--start: '2027-02-30' is not a date"),
        (("-o", "medical_loan", "--minimum-only"), "--minimum-only applies to deferred-interest options"),
        (("-o", "card_60", "--at", "low"), "card_60 is not available at the low price: needs at least 2,500.00"),
        (("-o", "medical_loan", "--down-payment", "-1"), "--down-payment: '-1' must be between"),
    ],
)
def test_bad_input_exits_2(run: Run, args: tuple[str, ...], message: str) -> None:
    result = run("schedule", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_option_is_required(run: Run) -> None:
    assert run("schedule").exit_code == 2


def test_costs_paid_at_each_visit_follow_the_sessions_month_by_month(run_json: Callable[..., Any]) -> None:
    plan = run_json(
        "schedule",
        "-o",
        "insurance",
        "-t",
        "spravato",
        "-n",
        "24",
        "--price",
        "100",
        "--deductible-left",
        "0",
        "--coinsurance",
        "10",
        "--copay",
        "0",
    )
    assert plan["per_visit"] is True and plan["upfront"] == "0.00"
    # A row per visit, dated by the visit (issue 12, item 4: they were summed by month, as "240.00").
    assert [row["paid_at_visit"] for row in plan["rows"]] == ["10.00"] * 24
    assert plan["totals"] == {"paid_at_visit": "240.00"}
    kap = run_json("schedule", "-o", "self_pay", "-t", "kap")
    assert kap["rows"] == []  # self-pay prepays the series: nothing monthly
    spread = run_json("schedule", "-o", "va", "-t", "iv", "-n", "6")
    assert sum(D(r["paid_at_visit"]) for r in spread["rows"]) == D(spread["total_paid"]) == D("300.00")
