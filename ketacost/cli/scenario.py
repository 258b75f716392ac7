"""Course flags shared by `estimate`, `schedule` and `quote`, turned into a checked Scenario."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TypeVar

from ketacost import bounds, values
from ketacost.errors import BadInput, UnknownIds
from ketacost.scenario import Scenario

T = TypeVar("T")

# The flag that gives each scenario field that names ids in the sheet.
ID_FLAGS = {"treatment": "--treatment", "options": "--option", "add_ons": "--add-on"}


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
    """Parse every flag; bad ones stop here, all of them at once, each line naming its flag (exit 2)."""
    problems: list[str] = []

    def check(parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except BadInput as error:
            problems.extend(error.lines)
            return None

    def booster_count() -> int | None:
        if boosters is not None and not 0 <= boosters <= bounds.MAX_SESSIONS:
            raise BadInput(f"--boosters: {boosters} must be between 0 and {bounds.MAX_SESSIONS}")
        return boosters

    scenario = Scenario(
        treatment=treatment,
        sessions=check(lambda: values.sessions("--sessions", sessions)),
        boosters=check(booster_count),
        price=check(lambda: values.money("--price", price)),
        tax_rate=check(lambda: values.percent("--tax-rate", tax_rate)),
        hsa_balance=check(lambda: values.money("--hsa-balance", hsa_balance)),
        fsa_balance=check(lambda: values.money("--fsa-balance", fsa_balance)),
        down_payment=check(lambda: values.money("--down-payment", down_payment)),
        budget=check(lambda: values.money("--budget", budget)),
        deductible_left=check(lambda: values.money("--deductible-left", deductible_left)),
        coinsurance=check(lambda: values.percent("--coinsurance", coinsurance)),
        copay=check(lambda: values.money("--copay", copay)),
        oop_max_left=check(lambda: values.money("--oop-max-left", oop_max_left)),
        options=tuple(option or ()),
        add_ons=tuple(add_on or ()),
    )
    if problems:
        raise BadInput(*problems)
    return scenario


@contextlib.contextmanager
def naming_flags() -> Iterator[None]:
    """Ids the sheet lacks are reported with the flag that named them: ``--option: unknown payment option 'x' ...``."""
    try:
        yield
    except UnknownIds as error:
        lines = (f"{ID_FLAGS.get(field, field)}: {line}" for field, line in zip(error.fields, error.lines, strict=True))
        raise BadInput(*lines) from None
