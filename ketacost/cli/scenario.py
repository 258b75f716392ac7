"""Course flags shared by `estimate`, `schedule` and `quote`, turned into a checked Scenario."""

from __future__ import annotations

from ketacost import bounds, values
from ketacost.errors import BadInput
from ketacost.scenario import Scenario


def build_scenario(
    *,
    treatment: str | None = None,
    sessions: int | None = None,
    boosters: int | None = None,
    price: str | None = None,
    add_on: list[str] | None = None,
    tax_rate: str | None = None,
    hsa_balance: str | None = None,
    fsa_balance: str | None = None,
    down_payment: str | None = None,
    budget: str | None = None,
    deductible_left: str | None = None,
    coinsurance: str | None = None,
    copay: str | None = None,
    oop_max_left: str | None = None,
    option: list[str] | None = None,
) -> Scenario:
    """Parse every flag; a bad one stops here with a message naming it (exit 2)."""
    if boosters is not None and not 0 <= boosters <= bounds.MAX_SESSIONS:
        raise BadInput(f"--boosters: {boosters} must be between 0 and {bounds.MAX_SESSIONS}")
    return Scenario(
        treatment=treatment,
        sessions=values.sessions("--sessions", sessions),
        boosters=boosters,
        price=values.money("--price", price),
        tax_rate=values.percent("--tax-rate", tax_rate),
        hsa_balance=values.money("--hsa-balance", hsa_balance),
        fsa_balance=values.money("--fsa-balance", fsa_balance),
        down_payment=values.money("--down-payment", down_payment),
        budget=values.money("--budget", budget),
        deductible_left=values.money("--deductible-left", deductible_left),
        coinsurance=values.percent("--coinsurance", coinsurance),
        copay=values.money("--copay", copay),
        oop_max_left=values.money("--oop-max-left", oop_max_left),
        options=tuple(option or ()),
        add_ons=tuple(add_on or ()),
    )
