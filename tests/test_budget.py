"""Issue 12, item 2: the budget tests the monthly payments (money the patient said they have, paid first, is no
month's payment), and a suggestion followed literally (re-run with the flags it names) makes its option fit."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketacost.estimator import estimate
from ketacost.scenario import Scenario
from ketacost.sheet.load import EMBEDDED, parse_sheet

D = Decimal
SHEET = parse_sheet(EMBEDDED.read_text(encoding="utf-8"), "pricing.toml")


def test_money_paid_first_is_not_a_monthly_payment(run_json: Callable[..., Any]) -> None:
    doc = run_json("estimate", "--hsa-balance", "1500", "--tax-rate", "24", "--budget", "200")
    card = next(o for o in doc["options"] if o["id"] == "care_card")["typical"]
    assert (card["upfront"], card["monthly"], card["months"]) == ("1500.00", "175.00", 12)  # the HSA pays 1,500 first
    assert "care_card" in doc["budget"]["fits"]
    assert doc["budget"]["cheapest_that_fits"] is not None
    assert doc["budget"]["cheapest_that_fits"] == "care_card"


def test_a_plans_own_down_payment_is_a_months_payment(run_json: Callable[..., Any]) -> None:
    # 2,960 down leaves 640: the plan asks 25% of it (160.00) at the start, more than 80 a month.
    doc = run_json("estimate", "--budget", "80", "--down-payment", "2960", "-o", "clinic_plan")
    assert doc["budget"]["fits"] == []
    suggested = doc["budget"]["suggested"]
    assert suggested == {"option": "clinic_plan", "down_payment": "3279.99"}
    assert "--down-payment 3279.99" in doc["budget"]["suggestion"]
    again = run_json("estimate", "--budget", "80", "--down-payment", suggested["down_payment"], "-o", "clinic_plan")
    assert again["budget"]["fits"] == ["clinic_plan"]
    assert again["budget"]["cheapest_that_fits"] == "clinic_plan"


def test_the_table_says_the_suggestion_with_its_flag(run: Callable[..., Any]) -> None:
    out = " ".join(run("estimate", "--budget", "80").stdout.split())
    assert "Clinic payment plan fits with 3,279.99 down (--down-payment 3279.99; then 40.00 x 6)." in out


def test_visits_count_by_the_month_they_fall_in(run_json: Callable[..., Any]) -> None:
    # VA: six 50.00 copays in the first month of the series: 300.00 that month.
    assert run_json("estimate", "-o", "va", "--budget", "299.99")["budget"]["fits"] == []
    assert run_json("estimate", "-o", "va", "--budget", "300")["budget"]["fits"] == ["va"]


def _fits(scenario: Scenario, option_id: str) -> bool:
    result = estimate(SHEET, scenario, source="t")
    assert result.budget is not None
    return option_id in result.budget.fitting


money = st.decimals(min_value=0, max_value=20_000, places=2)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    treatment=st.sampled_from(["iv", "im", "spravato", "kap", "oral"]),
    sessions=st.integers(1, 30),
    price=st.none() | st.decimals(min_value=1, max_value=2000, places=2),
    hsa=st.none() | money,
    down=st.none() | money,
    budget=st.decimals(min_value=1, max_value=400, places=2),
    only=st.none() | st.sampled_from(["clinic_plan", "medical_loan", "care_card", "card_24", "card_60"]),
)
def test_a_suggestion_followed_literally_makes_its_option_fit(
    treatment: str,
    sessions: int,
    price: Decimal | None,
    hsa: Decimal | None,
    down: Decimal | None,
    budget: Decimal,
    only: str | None,
) -> None:
    scenario = Scenario(
        treatment=treatment,
        sessions=sessions,
        price=price,
        hsa_balance=hsa,
        down_payment=down,
        budget=budget,
        options=(only,) if only else (),
    )
    result = estimate(SHEET, scenario, source="t")
    assert result.budget is not None
    if result.budget.cheapest is not None:
        assert result.budget.cheapest in result.budget.fitting
        return
    if result.budget.suggested_option is None:
        return
    down_payment = result.budget.suggested_down
    assert down_payment is not None
    assert f"--down-payment {down_payment}" in (result.budget.suggestion or "")
    # Re-run with the flag the suggestion names: the option it names fits.
    assert _fits(scenario._replace(down_payment=down_payment), result.budget.suggested_option)
    # And it is the smallest such down payment, to the cent (where a cent less is still a down payment).
    if down_payment > (down or 0):
        assert not _fits(scenario._replace(down_payment=down_payment - D("0.01")), result.budget.suggested_option)
