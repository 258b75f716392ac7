"""A manufacturer's copay program (e.g. Janssen CarePath for Spravato), used with commercial insurance: the patient
pays a fixed amount per treatment for the part the program covers (the drug, not administration or monitoring),
until the program's annual maximum is spent; never with Medicare, Medicaid or other government insurance.

Per session, in order: the insurance share (the sheet's insurance terms, or the scenario's flags) is split into
the drug's part (``drug_pct`` of the share, rounded half-up) and the rest; of the drug's part the patient pays at
most ``per_treatment`` and the program pays the remainder while its annual maximum lasts. The rest of the share
(administration, monitoring) is the patient's as with insurance alone.
"""

from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from ketacost.finance.insurance import patient_shares
from ketacost.kinds.base import Money, Option, Percent, pct
from ketacost.money import HUNDRED, ZERO, cents, fmt_grouped
from ketacost.outcome import Outcome, unavailable

if TYPE_CHECKING:
    from ketacost.estimator import Pricer
    from ketacost.kinds.insurance import Insurance
    from ketacost.prices import PricePointName

RANK = 72
REQUIRES = "insurance"  # commercial insurance and enrolment in the program: cheapest only for those who say so
COVERAGE = True  # works through commercial insurance: a self-pay GFE (45 CFR 149.610) never lists it
GOVERNMENT = ("medicare", "medicaid", "tricare", "other_government")


class CopayProgram(Option):
    """A manufacturer's copay program with commercial insurance: a fixed amount per treatment for the drug, up to
    an annual program maximum; never with government insurance."""

    kind: Literal["copay_program"]
    per_treatment: Money  # what the patient pays for the drug at each treatment
    annual_max: Money  # what the program pays at most in a year
    drug_pct: Percent = Decimal(100)  # the drug's part of each session's charge: what the program covers


RECORD = CopayProgram


def program_shares(
    shares: list[Decimal], drug_pct: Decimal, per_treatment: Decimal, annual_max: Decimal
) -> tuple[tuple[Decimal, ...], tuple[Decimal, ...]]:
    """(what the patient pays, what the program pays) at each session, given the insurance share of each."""
    left = cents(annual_max)
    paid, covered = [], []
    for share in shares:
        drug = cents(share * drug_pct / HUNDRED)
        program = min(max(drug - cents(per_treatment), ZERO), left)
        left -= program
        paid.append(share - program)
        covered.append(program)
    return tuple(paid), tuple(covered)


def _insurance(pricer: "Pricer") -> "Insurance | None":
    for option in pricer.sheet.options.values():
        if option.kind == "insurance":
            insurance: Insurance = option  # type: ignore[assignment]
            return insurance
    return None


def price(pricer: "Pricer", option: CopayProgram, total: Decimal, point: "PricePointName") -> Outcome:
    from ketacost.kinds.insurance import cost_sharing

    course = pricer.course
    if not course.insurable:
        return unavailable(f"{course.treatment} is not insurable in the sheet: the program works with insurance")
    if pricer.scenario.plan_type in GOVERNMENT:
        return unavailable("not with Medicare, Medicaid or other government insurance")
    insurance = _insurance(pricer)
    if insurance is None:
        return unavailable("needs the sheet's health insurance terms (an option of kind insurance)")
    shares = list(patient_shares(list(course.session_charges(point)), cost_sharing(insurance, pricer.scenario)))
    paid, covered = program_shares(shares, option.drug_pct, option.per_treatment, option.annual_max)
    saved = sum(covered, ZERO)
    spent_at = next((n for n in range(1, len(covered) + 1) if sum(covered[:n], ZERO) >= option.annual_max), None)
    pricer.note("saving", saved, sum(shares, ZERO), option.per_treatment)
    if spent_at is not None:
        pricer.note("maximum", option.annual_max, spent_at)
    return Outcome(upfront=sum(paid, ZERO), installments=(), interest=ZERO, fees=ZERO, tax_savings=ZERO, visits=paid)


def terms(option: CopayProgram) -> list[str]:
    return [
        f"{fmt_grouped(option.per_treatment)} per treatment for the drug",
        f"{fmt_grouped(option.annual_max)} a year at most",
        f"the drug is {pct(option.drug_pct)} of a session",
        "commercial insurance only",
    ]


def _saving_note(saved: Decimal, insured: Decimal, per_treatment: Decimal) -> str:
    return (
        f"The program pays {fmt_grouped(saved)} of the {fmt_grouped(insured)} insurance leaves you "
        f"(you pay {fmt_grouped(per_treatment)} per treatment for the drug, plus administration and monitoring)"
    )


def _maximum_note(annual_max: Decimal, session: int) -> str:
    return (
        f"The program's annual maximum ({fmt_grouped(annual_max)}) is reached at session {session}: "
        "after it you pay the insurance share in full"
    )


NOTES = {"saving": _saving_note, "maximum": _maximum_note}
