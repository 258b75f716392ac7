"""Deferred interest by the card's own method (issue 11 item 6): declining balance or original amount, and a
pay-off monthly no lower than the card's minimum payment."""

import json
from decimal import Decimal as D

from ketacost.finance.deferred import PromoTerms, deferred_interest, paid_in_full_totals, payoff_monthly


def _terms(method: str) -> PromoTerms:
    return PromoTerms(12, D("26.99"), D("0"), D("0"), 24, method)


def test_original_amount_charges_more_than_declining_balance_domain_example() -> None:
    # DOMAIN.md section 8: 3,025 at 26.99% paying 200 a month leaves 625 at month 12 and triggers about 816
    # under the original-amount method, about 520 under declining-balance accrual.
    left, declining = deferred_interest(D("3025.00"), _terms("declining_balance"), D("200.00"))
    left_too, original = deferred_interest(D("3025.00"), _terms("original_amount"), D("200.00"))
    assert left == left_too == D("625.00")
    assert original == D("68.04") * 12 == D("816.48")  # 3,025 x 26.99% / 12 = 68.0394 each month
    assert abs(declining - 520) < 1
    assert original > declining


def test_paid_in_time_no_interest_under_either_method() -> None:
    for method in ("declining_balance", "original_amount"):
        assert deferred_interest(D("3025.00"), _terms(method), D("252.09")) == (D("0.00"), D("0"))


def test_payoff_monthly_is_at_least_the_cards_minimum() -> None:
    care = PromoTerms(12, D("32.99"), D("3.00"), D("30.00"), 24)
    assert payoff_monthly(D("300.00"), care) == D("30.00")  # 300 / 12 = 25.00 is below the 30.00 floor
    assert payoff_monthly(D("4800.00"), care) == D("400.00")
    totals = paid_in_full_totals(D("300.00"), care)
    assert totals.payments == (D("30.00"),) * 10 and totals.paid == D("300.00") and totals.interest == 0


def test_care_card_on_300_shows_at_least_30_a_month(run) -> None:  # type: ignore[no-untyped-def]
    result = run("estimate", "--price", "300", "-n", "1", "-o", "care_card", "--format", "json")
    assert result.exit_code == 0, result.output
    option = json.loads(result.stdout)["options"][0]
    for point in ("low", "typical", "high"):
        assert D(option[point]["monthly"]) >= D("30.00")
        assert D(option[point]["total_paid"]) == D("300.00")
    assert any("minimum payment is 30.00" in note for note in option["notes"])


def test_sheet_method_original_amount_raises_interest_at_risk(run, write_sheet, sheet_text) -> None:  # type: ignore[no-untyped-def]
    text = sheet_text
    original = text.replace("repay_months = 24 ", 'method = "original_amount"\nrepay_months = 24 ', 1)
    assert original != text
    at_risk = []
    for body in (text, original):
        path = write_sheet(body)
        result = run("--pricing", str(path), "estimate", "-o", "care_card", "--format", "json")
        assert result.exit_code == 0, result.output
        at_risk.append(D(json.loads(result.stdout)["options"][0]["typical"]["interest_at_risk"]))
    assert at_risk[1] > at_risk[0]
