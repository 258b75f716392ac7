"""Patient cost-sharing per session: deductible, then copay plus coinsurance, capped by the OOP maximum."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacost.finance.insurance import CostSharing, patient_shares
from ketacost.money import ZERO

D = Decimal


def plan(deductible: str, coinsurance: str, copay: str, oop: str) -> CostSharing:
    return CostSharing(D(deductible), D(coinsurance), D(copay), D(oop))


def test_deductible_first_then_coinsurance() -> None:
    shares = patient_shares([D("400.00")] * 3, plan("500", "20", "0", "10000"))
    # 400 all deductible; 100 deductible + 20% of 300; 20% of 400
    assert shares == (D("400.00"), D("160.00"), D("80.00"))


def test_copay_applies_only_after_the_deductible_is_met() -> None:
    shares = patient_shares([D("400.00")] * 3, plan("500", "20", "30", "10000"))
    # 400 within the deductible (no copay); 100 + 30 + 20% of 300; 30 + 20% of 400
    assert shares == (D("400.00"), D("190.00"), D("110.00"))


def test_copay_only_plan_with_no_deductible() -> None:
    assert patient_shares([D("450.00"), D("450.00")], plan("0", "0", "40", "10000")) == (D("40.00"),) * 2


def test_out_of_pocket_maximum_caps_the_total_then_the_patient_pays_nothing() -> None:
    shares = patient_shares([D("400.00")] * 5, plan("500", "20", "30", "700"))
    # 400 + 190 + 110 reaches the 700 maximum exactly; after that the patient pays 0.00
    assert shares == (D("400.00"), D("190.00"), D("110.00"), ZERO, ZERO)
    shares = patient_shares([D("400.00")] * 3, plan("500", "20", "30", "650"))
    assert shares == (D("400.00"), D("190.00"), D("60.00"))


def test_a_charge_smaller_than_the_copay_costs_only_the_charge() -> None:
    assert patient_shares([D("25.00")], plan("0", "20", "30", "10000")) == (D("25.00"),)


def test_coinsurance_is_rounded_half_up_to_the_cent() -> None:
    # 12.5% of 100.20 = 12.525 -> 12.53 (half-to-even would give 12.52)
    assert patient_shares([D("100.20")], plan("0", "12.5", "0", "10000")) == (D("12.53"),)


def test_no_sessions_no_shares_and_free_sessions_cost_nothing() -> None:
    assert patient_shares([], plan("500", "20", "30", "1000")) == ()
    assert patient_shares([D("0.00")], plan("500", "20", "30", "1000")) == (ZERO,)


def test_invalid_inputs_are_rejected() -> None:
    with pytest.raises(ValueError):
        patient_shares([D("-1.00")], plan("0", "20", "0", "100"))
    with pytest.raises(ValueError):
        patient_shares([D("1.00")], plan("0", "120", "0", "100"))


charges = st.lists(st.integers(0, 300_000).map(lambda c: D(c).scaleb(-2)), max_size=40)
plans = st.builds(
    CostSharing,
    deductible_left=st.integers(0, 1_000_000).map(lambda c: D(c).scaleb(-2)),
    coinsurance_pct=st.integers(0, 10_000).map(lambda c: D(c).scaleb(-2)),
    copay=st.integers(0, 20_000).map(lambda c: D(c).scaleb(-2)),
    oop_max_left=st.integers(0, 2_000_000).map(lambda c: D(c).scaleb(-2)),
)


@given(session_charges=charges, cost_sharing=plans)
def test_the_patient_never_pays_more_than_the_charge_or_the_out_of_pocket_maximum(
    session_charges: list[Decimal], cost_sharing: CostSharing
) -> None:
    shares = patient_shares(session_charges, cost_sharing)
    assert len(shares) == len(session_charges)
    assert all(ZERO <= share <= charge for share, charge in zip(shares, session_charges, strict=True))
    assert sum(shares, ZERO) <= cost_sharing.oop_max_left
    within_deductible = min(sum(session_charges, ZERO), cost_sharing.deductible_left)
    assert sum(shares, ZERO) >= min(within_deductible, cost_sharing.oop_max_left)
