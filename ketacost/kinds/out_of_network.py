"""Out-of-network reimbursement: the patient pays the clinic at each visit, files a superbill, and the plan pays
back part of its allowed amount, weeks later: the out-of-network deductible first, then (1 - coinsurance).

Per session, in order: the plan's allowed amount (a fixed amount, never more than the charge, or a percentage of
the charge) is shared as in-network insurance is (:func:`ketacost.finance.insurance.patient_shares`, no copay);
what the plan pays back is the allowed amount less the patient's share. The scenario's ``--allowed`` and
``--oon-*`` flags replace the sheet's terms.

With ``allowed_by_code`` the allowed amount is worked out per line item: min(charge, amount for its code x
quantity), the rest of the charge at ``allowed_pct`` (or 100%); per-course items count on the first session only.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal

from ketacost.finance.insurance import CostSharing, patient_shares
from ketacost.kinds.base import Money, Option, Percent, Rule, SheetType, pct
from ketacost.money import HUNDRED, ZERO, cents, fmt_grouped
from ketacost.outcome import Outcome

if TYPE_CHECKING:
    from ketacost.estimator import Pricer
    from ketacost.prices import LineItem, PricePointName, Treatment
    from ketacost.scenario import Scenario

RANK = 75
REQUIRES = "insurance"  # a plan with out-of-network benefits: cheapest only for those who say they have one
COVERAGE = True  # a claim on a health plan: a self-pay GFE (45 CFR 149.610) never lists it

Weeks = Annotated[int, SheetType(ge=0, le=52, strict=True)]
Code = Annotated[str, SheetType("ServiceCode")]


class OutOfNetwork(Option):
    """Out-of-network benefits: the patient pays the clinic, then the plan reimburses its allowed amount less the
    out-of-network deductible and coinsurance, up to the out-of-pocket maximum, weeks after each claim."""

    kind: Literal["out_of_network"]
    allowed: Money | None = None  # the plan's allowed amount per session (never more than the charge)
    allowed_pct: Percent | None = None  # or: the allowed amount as a percentage of the charge (neither: 100%)
    # or per CPT/HCPCS code, per unit (codes not listed: allowed_pct of their charge)
    allowed_by_code: Mapping[Code, Money] = {}
    deductible_left: Money
    coinsurance_pct: Percent
    oop_max_left: Money
    claim_weeks: Weeks = 6  # from the visit to the reimbursement


RECORD = OutOfNetwork


def check(option: OutOfNetwork) -> None:
    if option.allowed is not None and option.allowed_pct is not None:
        raise Rule("allowed", "give allowed or allowed_pct, not both")
    if option.allowed is not None and option.allowed_by_code:
        raise Rule("allowed", "give allowed (one amount a session) or allowed_by_code, not both")


def allowed_amounts(charges: list[Decimal], allowed: Decimal | None, allowed_pct: Decimal | None) -> list[Decimal]:
    """The plan's allowed amount for each session's charge."""
    if allowed is not None:
        return [min(charge, cents(allowed)) for charge in charges]
    share = HUNDRED if allowed_pct is None else allowed_pct
    return [cents(charge * share / HUNDRED) for charge in charges]


Items = tuple[tuple["LineItem", ...], tuple["LineItem", ...]]  # (every session's, the first session's only)


def session_items(treatment: "Treatment", scenario: "Scenario") -> Items:
    """The line items billed at every session and those billed once (on the first), as the course includes its
    add-ons (not optional, or named). A ``--price`` replaces the treatment's own price: its items are then not
    known to add up to it, so they are left to the percentage."""
    every: list[LineItem] = [] if scenario.price is not None else list(treatment.line_items)
    once: list[LineItem] = []
    for add_on_id, add_on in treatment.add_ons.items():
        if add_on.optional and add_on_id not in scenario.add_ons:
            continue
        (every if add_on.per == "session" else once).extend(add_on.line_items)
    return tuple(every), tuple(once)


def allowed_by_code(
    charges: list[Decimal],
    items: Items,
    point: "PricePointName",
    by_code: Mapping[str, Decimal],
    allowed_pct: Decimal | None,
) -> list[Decimal]:
    """Each session's allowed amount: for each item with a listed code, min(its charge, amount x quantity); the
    rest of the session's charge at ``allowed_pct`` (or 100%), rounded half-up to cents once per session."""
    share = HUNDRED if allowed_pct is None else allowed_pct
    every, once = items
    amounts = []
    for index, charge in enumerate(charges):
        listed = ZERO
        listed_charge = ZERO
        for item in every + (once if index == 0 else ()):
            code = next((c for c in item.service_code.split("/") if c in by_code), None)
            if code is None:
                continue
            item_charge = item.charge_at(point)
            listed_charge += item_charge
            listed += min(item_charge, by_code[code] * item.quantity_at(point))
        amounts.append(cents(listed + (charge - listed_charge) * share / HUNDRED))
    return amounts


def price(pricer: "Pricer", option: OutOfNetwork, total: Decimal, point: "PricePointName") -> Outcome:
    s = pricer.scenario
    course = pricer.course
    charges = list(course.session_charges(point))
    if s.allowed is not None:
        allowed = allowed_amounts(charges, s.allowed, None)
    elif option.allowed_by_code:
        treatment = pricer.sheet.treatments[course.treatment_id]
        items = session_items(treatment, s)  # the add-ons included as ketacost.course.price_course includes them
        allowed = allowed_by_code(charges, items, point, option.allowed_by_code, option.allowed_pct)
    else:
        allowed = allowed_amounts(charges, option.allowed, option.allowed_pct)
    plan = CostSharing(
        deductible_left=option.deductible_left if s.oon_deductible_left is None else s.oon_deductible_left,
        coinsurance_pct=option.coinsurance_pct if s.oon_coinsurance is None else s.oon_coinsurance,
        copay=ZERO,
        oop_max_left=option.oop_max_left if s.oon_oop_max_left is None else s.oon_oop_max_left,
    )
    shares = patient_shares(allowed, plan)
    series_weeks = course.weeks[1]
    back = tuple(
        (index * series_weeks // course.sessions + option.claim_weeks, amount - share)
        for index, (amount, share) in enumerate(zip(allowed, shares, strict=True))
    )
    returned = sum((amount for _, amount in back), ZERO)
    paid = sum(charges, ZERO)
    pricer.note("terms", plan.deductible_left, plan.coinsurance_pct, plan.oop_max_left)
    pricer.note("back", returned, option.claim_weeks, paid - returned)
    return Outcome(
        upfront=paid,
        installments=(),
        interest=ZERO,
        fees=ZERO,
        tax_savings=ZERO,
        visits=tuple(charges),
        reimbursements=back,
    )


def terms(option: OutOfNetwork) -> list[str]:
    if option.allowed is not None:
        allowed = f"allowed {fmt_grouped(option.allowed)} a session"
    elif option.allowed_by_code:
        listed = ", ".join(f"{code} {fmt_grouped(amount)}" for code, amount in option.allowed_by_code.items())
        rest = pct(HUNDRED if option.allowed_pct is None else option.allowed_pct)
        allowed = f"allowed per code ({listed}), other charges {rest}"
    else:
        allowed = f"allowed {pct(HUNDRED if option.allowed_pct is None else option.allowed_pct)} of the charge"
    return [
        allowed,
        f"{fmt_grouped(option.deductible_left)} deductible left",
        f"{pct(option.coinsurance_pct)} coinsurance",
        f"{fmt_grouped(option.oop_max_left)} out-of-pocket maximum left",
        f"paid back about {option.claim_weeks} weeks after each visit",
    ]


def _terms_note(deductible_left: Decimal, coinsurance_pct: Decimal, oop_max_left: Decimal) -> str:
    return (
        f"Out-of-network: deductible left {fmt_grouped(deductible_left)}, coinsurance {pct(coinsurance_pct)}, "
        f"out-of-pocket maximum left {fmt_grouped(oop_max_left)}; you pay the clinic and file a superbill"
    )


def _back_note(returned: Decimal, weeks: int, net: Decimal) -> str:
    return (
        f"The plan pays back {fmt_grouped(returned)}, each claim about {weeks} weeks after the visit; "
        f"net cost {fmt_grouped(net)}"
    )


NOTES = {"terms": _terms_note, "back": _back_note}
