"""Ways of paying as patients really pay: money paid first, a monthly budget, insurance, boosters, a timeline."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import Run

D = Decimal


def options(doc: Any) -> dict[str, Any]:
    return {option["id"]: option for option in doc["options"]}


def test_hsa_balance_goes_first_and_each_financed_option_finances_the_rest(run_json: Callable[..., Any]) -> None:
    doc = run_json("estimate", "--hsa-balance", "1500", "--tax-rate", "24")
    assert doc["funding"] == [{"source": "HSA", "amount": "1500.00"}]
    by_id = options(doc)
    for option_id in ("medical_loan", "card_24", "care_card"):
        point = by_id[option_id]["typical"]
        assert point["upfront"] == "1500.00"
        assert point["financed"] == "2100.00"  # 3,600 - 1,500
        assert point["tax_savings"] == "360.00"  # 1,500 x 24%, on the pre-tax part only
        assert any("HSA 1,500.00 paid first" in note for note in by_id[option_id]["notes"])
    plan = by_id["clinic_plan"]["typical"]
    assert plan["upfront"] == "2025.00"  # HSA 1,500 + 25% down on the 2,100 left


def test_hsa_and_fsa_and_cash_are_used_in_that_order(run_json: Callable[..., Any]) -> None:
    doc = run_json(
        "estimate", "-o", "medical_loan", "--hsa-balance", "1000", "--fsa-balance", "500", "--down-payment", "100"
    )
    assert [f["source"] for f in doc["funding"]] == ["HSA", "FSA", "down payment"]
    point = doc["options"][0]["typical"]
    assert (point["upfront"], point["financed"]) == ("1600.00", "2000.00")
    # 1,000 x 22% + 500 x (22% + 7.65% FICA) = 220.00 + 148.25
    assert point["tax_savings"] == "368.25"


def test_larger_down_payment_lowers_every_monthly_payment(run_json: Callable[..., Any]) -> None:
    before = options(run_json("estimate", "--down-payment", "500"))
    after = options(run_json("estimate", "--down-payment", "1500"))
    for option_id in ("medical_loan", "clinic_plan", "care_card", "card_24"):
        assert D(after[option_id]["typical"]["monthly"]) < D(before[option_id]["typical"]["monthly"])


def test_budget_marks_what_fits_and_names_the_cheapest(run: Run, run_json: Callable[..., Any]) -> None:
    doc = run_json("estimate", "--budget", "200")
    assert doc["budget"]["fits"] == ["medical_loan", "card_24", "card_60", "partner_24"]  # partner_24: issue 11
    assert doc["budget"]["cheapest_that_fits"] == "card_24"
    assert options(doc)["card_24"]["typical"]["fits_budget"] is True
    assert options(doc)["self_pay"]["typical"]["fits_budget"] is False
    table = run("estimate", "--budget", "200").stdout
    assert "Card: 24 payments [fits budget]" in table
    assert "Cheapest that fits: Card: 24 payments." in " ".join(table.split())  # a longer line now wraps (issue 11)


def test_budget_that_nothing_meets_suggests_the_smallest_down_payment(run_json: Callable[..., Any]) -> None:
    doc = run_json("estimate", "--budget", "80")
    assert doc["budget"]["fits"] == []
    suggestion = doc["budget"]["suggestion"]
    # The cheapest financed option by net cost is the interest-free clinic plan.
    assert suggestion.startswith("No option you can use fits 80.00 a month. Clinic payment plan fits with ")
    down = D(suggestion.split("fits with ")[1].split(" down")[0].replace(",", ""))
    # The plan's own down payment (25% of the rest) is a month's payment too (issue 12, item 2: it was not counted).
    plan = run_json("estimate", "--down-payment", str(down), "--budget", "80")
    assert "clinic_plan" in plan["budget"]["fits"]
    short = run_json("estimate", "--down-payment", str(down - D("0.01")), "--budget", "80")
    assert "clinic_plan" not in short["budget"]["fits"]
    assert "The longest term offered is 60 months" in suggestion


def test_insurance_applies_session_by_session_for_insurable_treatments(run_json: Callable[..., Any]) -> None:
    args = ("-t", "spravato", "-o", "insurance", "--price", "900")
    (plan,) = run_json(
        "estimate", *args, "--deductible-left", "1000", "--coinsurance", "20", "--copay", "25", "--oop-max-left", "1500"
    )["options"]
    # 8 sessions x 900: session 1: 900 deductible; session 2: 100 deductible + 25 copay + 20% of 800 = 285;
    # sessions 3-8: 25 + 180 = 205 each until the 1,500 cap: 900 + 285 = 1,185; + 205 = 1,390; + 110 (cap) = 1,500.
    assert plan["typical"]["total_paid"] == "1500.00"
    (none_left,) = run_json("estimate", *args, "--deductible-left", "0", "--coinsurance", "0", "--copay", "0")[
        "options"
    ]
    assert none_left["typical"]["total_paid"] == "0.00"


def test_insurance_is_not_offered_for_iv_ketamine(run_json: Callable[..., Any]) -> None:
    (plan,) = run_json("estimate", "-o", "insurance")["options"]
    assert plan["typical"]["available"] is False
    assert "rarely covered by insurance" in plan["typical"]["reason"]


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--coinsurance", "101", "--coinsurance: '101' must be between 0 and 100"),
        ("--copay", "abc", "--copay: 'abc' is not a number"),
        ("--deductible-left", "-1", "--deductible-left: '-1' must be between"),
        ("--oop-max-left", "1e9", "--oop-max-left: '1e9' must be between"),
        ("--budget", "0.001", "--budget: '0.001' has more than two decimals"),
        ("--boosters", "-1", "--boosters: -1 must be between 0 and 200"),
    ],
)
def test_new_flags_refuse_bad_values(run: Run, flag: str, value: str, message: str) -> None:
    result = run("estimate", flag, value)
    assert result.exit_code == 2
    assert message in result.stderr


def test_boosters_add_a_twelve_month_total(run_json: Callable[..., Any]) -> None:
    course = run_json("estimate")["course"]
    assert course["boosters"] == 6  # every 6 weeks after a 3-week series: weeks 9, 15, ..., 39
    assert course["horizon_total"] == {"low": "4800.00", "typical": "7200.00", "high": "12000.00"}
    assert run_json("estimate", "--boosters", "0")["course"]["horizon_total"]["typical"] == "3600.00"
    # Only boosters inside the 12 months count: 3 + 8 x 6 = 51 weeks fits, a 9th at week 57 does not.
    assert run_json("estimate", "--boosters", "20")["course"]["boosters"] == 8


def test_timeline_shows_cumulative_cost_by_month(run: Run, run_json: Callable[..., Any]) -> None:
    doc = run_json("estimate", "--timeline")
    timeline = doc["timeline"]
    assert [row["month"] for row in timeline] == list(range(1, 13))
    assert timeline[0]["cumulative"] == "3600.00"
    assert timeline[-1]["cumulative"] == doc["course"]["horizon_total"]["typical"]
    assert sum(D(row["spending"]) for row in timeline) == D(timeline[-1]["cumulative"])
    out = run("estimate", "--timeline").stdout
    assert "Cumulative cost of care by month" in out
    assert "Month 12  " in out and "7,200.00" in out
    rich_out = run("estimate", "--timeline", env={"FORCE_COLOR": "1"}).stdout
    assert "█" in rich_out


def test_deferred_interest_at_risk_is_shown_in_the_table(run: Run) -> None:
    out = run("estimate", "-o", "care_card").stdout
    assert "paying 300.00 every month costs no interest" in " ".join(out.split())
