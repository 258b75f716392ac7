"""What the user asked for: the inputs of an estimate, already parsed and checked against the bounds."""

from decimal import Decimal

from ketacost.record import Record


class Scenario(Record):
    """Which treatment, how many sessions, what the patient can pay with. ``None`` means "the sheet's"."""

    treatment: str | None = None
    sessions: int | None = None
    boosters: int | None = None
    price: Decimal | None = None  # one per-session price instead of the sheet's range
    tax_rate: Decimal | None = None  # marginal rate in percent
    hsa_balance: Decimal | None = None
    fsa_balance: Decimal | None = None
    down_payment: Decimal | None = None  # cash paid before any financing
    budget: Decimal | None = None  # the most the patient can pay in a month
    deductible_left: Decimal | None = None
    coinsurance: Decimal | None = None
    copay: Decimal | None = None
    oop_max_left: Decimal | None = None
    options: tuple[str, ...] = ()  # only these payment options; empty: all
    add_ons: tuple[str, ...] = ()  # optional add-ons to include
