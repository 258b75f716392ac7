"""Properties of every estimate, for every option kind, over generated scenarios (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ketacost.estimator import POINTS, Outcome, estimate
from ketacost.money import cents
from ketacost.prices import from_sheet
from ketacost.render.fields import MONEY_FIELDS, point_figures
from ketacost.scenario import Scenario
from ketacost.sheet.load import EMBEDDED, parse_sheet

SHEET = from_sheet(parse_sheet(EMBEDDED.read_text(encoding="utf-8"), "pricing.toml"))
money = st.decimals(min_value=0, max_value=20_000, places=2)
optional_money = st.none() | money

scenarios = st.builds(
    Scenario,
    treatment=st.sampled_from(sorted(SHEET.treatments)),
    sessions=st.none() | st.integers(1, 200),
    boosters=st.none() | st.integers(0, 20),
    price=st.none() | st.decimals(min_value=0, max_value=5_000, places=2),
    tax_rate=st.none() | st.decimals(min_value=0, max_value=100, places=2),
    hsa_balance=optional_money,
    fsa_balance=optional_money,
    down_payment=optional_money,
    budget=optional_money,
    deductible_left=optional_money,
    coinsurance=st.none() | st.decimals(min_value=0, max_value=100, places=2),
    copay=optional_money,
    oop_max_left=optional_money,
    options=st.just(()),
    add_ons=st.just(()),
)


@settings(max_examples=150, deadline=None)
@given(scenarios)
def test_every_option_adds_up_exactly_and_never_goes_negative(scenario: Scenario) -> None:
    result = estimate(SHEET, scenario, source="test")
    for option in result.options:
        for point in POINTS:
            outcome = option.at(point)
            if not outcome.available:
                continue
            assert outcome.upfront + sum(outcome.installments, Decimal(0)) == outcome.total_paid
            assert outcome.net_cost == outcome.total_paid - outcome.tax_savings - outcome.reimbursed
            if outcome.reimbursements:  # out-of-network: each claim pays back at most what its session cost
                claims = zip(outcome.reimbursements, outcome.visits, strict=True)
                assert all(Decimal(0) <= back <= paid for (_, back), paid in claims)
            figures = (outcome.upfront, outcome.interest, outcome.fees, outcome.tax_savings, *outcome.installments)
            assert all(value >= 0 for value in figures)
            assert all(value == value.quantize(Decimal("0.01")) for value in figures)
            if outcome.schedule is not None and outcome.schedule.rows:
                assert outcome.schedule.rows[-1].balance == 0
                assert outcome.schedule.total_principal == outcome.schedule.financed
            # The clinic is paid in full: interest and fees only ever add to the course total.
            if option.kind in ("hsa", "fsa", "loan", "clinic_plan", "deferred_interest", "reduced_apr"):
                assert outcome.total_paid >= result.course.total.at(point)


@settings(max_examples=60, deadline=None)
@given(st.decimals(min_value=0, max_value=2_000, places=2), st.decimals(min_value=1, max_value=1_000, places=2))
def test_monthly_payment_falls_as_the_down_payment_rises(down: Decimal, more: Decimal) -> None:
    low = estimate(SHEET, Scenario(down_payment=down), source="t")
    high = estimate(SHEET, Scenario(down_payment=down + more), source="t")
    for a, b in zip(low.options, high.options, strict=True):
        if a.typical.available and b.typical.available and a.typical.months and b.typical.months:
            assert b.typical.monthly <= a.typical.monthly


@settings(max_examples=150, deadline=None)
@given(scenarios)
def test_figures_added_up_without_rows_are_the_rows_figures(scenario: Scenario) -> None:
    """Estimates add schedules up without building rows and try the note rate as the APR first; the rows (built
    on demand) and the plain APR of their payments are the oracle, to the exponent."""
    from ketacost.finance.apr import regz_apr

    result = estimate(SHEET, scenario, source="test")
    for option in result.options:
        for point in POINTS:
            outcome = option.at(point)
            if outcome.plan is None:
                assert outcome.schedule is None
                continue
            assert outcome.schedule is not None
            rows = outcome.schedule.rows
            assert repr(outcome.installments) == repr(tuple(row.payment for row in rows))
            assert repr(outcome.interest) == repr(outcome.schedule.total_interest)
            if outcome.apr is not None:
                fee = outcome.fees - outcome.schedule.total_fees  # a prepaid finance charge
                amount = outcome.schedule.financed - fee
                assert repr(outcome.apr) == repr(regz_apr(amount, [row.payment for row in rows]))
            if outcome.risk is not None:
                assert outcome.risk_schedule is not None
                assert repr(outcome.interest_at_risk) == repr(outcome.risk_schedule.total_interest)


def _plain_figures(outcome: Outcome) -> dict[str, object]:
    """A point's figures the straightforward way: each by name, rounded and formatted."""
    figures: dict[str, object] = {name: f"{cents(getattr(outcome, name)):.2f}" for name in MONEY_FIELDS}
    figures["months"] = outcome.months
    figures["financed"] = f"{cents(outcome.financed):.2f}" if outcome.schedule is not None else None
    figures["apr"] = None if outcome.apr is None else f"{outcome.apr:.2f}"
    risk = outcome.interest_at_risk
    figures["interest_at_risk"] = None if risk is None else f"{cents(risk):.2f}"
    return figures


@settings(max_examples=150, deadline=None)
@given(scenarios)
def test_point_figures_are_the_plain_figures(scenario: Scenario) -> None:
    result = estimate(SHEET, scenario, source="test")
    for option in result.options:
        for point in POINTS:
            outcome = option.at(point)
            if outcome.available:
                assert point_figures(outcome) == _plain_figures(outcome)
