"""Issue 12, item 6: taxes as they fall. An HSA balance already held is not capped by this year's contribution
limit; payroll contributions save FICA (7.65%), direct ones do not; a state income tax rate adds to the saving,
except on HSA money in the states that tax HSA contributions (California, New Jersey: a sheet figure); an FSA
election is available in full on day one (uniform coverage). Figures: DOMAIN.md sections 4 and 11."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Run


def _option(doc: Any, option_id: str) -> Any:
    return next(o for o in doc["options"] if o["id"] == option_id)


def test_an_hsa_balance_is_not_capped_by_the_contribution_limit(run_json: Callable[..., Any]) -> None:
    # A 6,000.00 course and 5,000.00 already in the HSA: all 5,000.00 is pre-tax money (was capped at 4,400.00).
    doc = run_json("estimate", "--price", "1000", "--hsa-balance", "5000")
    hsa = _option(doc, "hsa")
    assert hsa["typical"]["tax_savings"] == "1100.00"  # 22% of 5,000.00 (was 968.00: 22% of 4,400.00)
    assert hsa["notes"][0].startswith("Pays up to 5,000.00 from the HSA (its balance: not capped")
    assert doc["funding"] == [{"source": "HSA", "amount": "5000.00"}]  # paid first for financed options too


def test_without_a_balance_this_years_limit_caps_the_hsa(run_json: Callable[..., Any]) -> None:
    hsa = _option(run_json("estimate", "--price", "1000"), "hsa")
    assert hsa["typical"]["tax_savings"] == "968.00"  # 22% of the 4,400.00 limit


def test_an_fsa_balance_stays_within_the_election_limit(run_json: Callable[..., Any]) -> None:
    fsa = _option(run_json("estimate", "--price", "1000", "--fsa-balance", "5000"), "fsa")
    assert fsa["typical"]["tax_savings"] == "1008.10"  # 29.65% of the 3,400.00 limit


@pytest.mark.parametrize(
    ("flags", "savings", "words"),
    [
        ((), "792.00", "(income tax only: direct contributions)"),  # 22% of 3,600.00
        (("--have", "hsa-payroll"), "1067.40", "(income tax + FICA: payroll contributions)"),  # 29.65%
    ],
)
def test_payroll_hsa_money_saves_fica_and_direct_money_does_not(
    run_json: Callable[..., Any], flags: tuple[str, ...], savings: str, words: str
) -> None:
    hsa = _option(run_json("estimate", *flags), "hsa")
    assert hsa["typical"]["tax_savings"] == savings
    assert hsa["notes"][0].endswith(words)


def test_hsa_payroll_means_the_patient_has_an_hsa(run_json: Callable[..., Any]) -> None:
    doc = run_json("estimate", "--have", "hsa-payroll")
    assert doc["have"] == ["hsa", "hsa-payroll"]
    assert doc["cheapest"] == "hsa"


@pytest.mark.parametrize(
    ("state", "hsa", "fsa"),
    [
        ("NY", "1152.00", "1348.10"),  # 3,600.00 x (22 + 10)%, 3,400.00 x (29.65 + 10)%
        ("ca", "792.00", "1348.10"),  # California taxes HSA contributions: no state saving on HSA money
        ("NJ", "792.00", "1348.10"),
    ],
)
def test_a_state_rate_adds_to_the_saving_except_on_hsa_money_in_ca_and_nj(
    run_json: Callable[..., Any], state: str, hsa: str, fsa: str
) -> None:
    doc = run_json("estimate", "--state", state, "--state-tax-rate", "10")
    assert _option(doc, "hsa")["typical"]["tax_savings"] == hsa
    assert _option(doc, "fsa")["typical"]["tax_savings"] == fsa


def test_the_state_note_says_why(run_json: Callable[..., Any]) -> None:
    doc = run_json("estimate", "-o", "hsa", "--state", "CA", "--state-tax-rate", "9.3")
    assert "No state saving: CA taxes HSA contributions" in doc["options"][0]["notes"]
    doc = run_json("estimate", "-o", "hsa", "--state-tax-rate", "5")
    assert (
        "Includes 5% state income tax, if your state exempts these contributions (give --state)"
        in (doc["options"][0]["notes"])
    )


def test_the_states_that_tax_hsa_money_are_a_sheet_figure(
    run_json: Callable[..., Any], write_sheet: Any, sheet_text: str
) -> None:
    path = write_sheet(sheet_text.replace('hsa_taxed_states = ["CA", "NJ"]', 'hsa_taxed_states = ["NJ"]'))
    doc = run_json("--pricing", str(path), "estimate", "-o", "hsa", "--state", "CA", "--state-tax-rate", "10")
    assert doc["options"][0]["typical"]["tax_savings"] == "1152.00"


def test_fsa_uniform_coverage_is_said(run_json: Callable[..., Any]) -> None:
    fsa = _option(run_json("estimate"), "fsa")
    assert (
        "The whole FSA election is available from the first day of the plan year (uniform coverage)." in (fsa["notes"])
    )


def test_a_state_that_is_not_one_is_refused(run: Run) -> None:
    result = run("estimate", "--state", "XX", "--state-tax-rate", "5")
    assert result.exit_code == 2
    assert result.stderr.strip() == "--state: 'XX' is not a US state's two-letter postal code (e.g. CA, NY, TX)"


def test_a_state_rate_out_of_bounds_is_refused(run: Run) -> None:
    result = run("estimate", "--state-tax-rate", "101")
    assert result.exit_code == 2
    assert result.stderr.startswith("--state-tax-rate: ")
