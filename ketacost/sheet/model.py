"""The price sheet's schema: pydantic models with exact Decimal money and the cross-field rules.

A typo is an error (``extra='forbid'`` everywhere). Bounds catch absurd input: sessions 1-200, any single amount
0.00-1,000,000.00 with at most two decimals, percentages 0-100, terms 1-120 months, NaN and infinity refused.
The same bounds are used for command-line values (see :mod:`ketacost.bounds`).
"""

# No `from __future__ import annotations` here: with real annotation objects pydantic evaluates no strings,
# which makes building these classes measurably faster at every start-up.

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from ketacost import bounds
from ketacost.money import fmt

SCHEMA_VERSION = 1


class _Marker:
    """Tags a field type in its metadata, so tools that walk the schema can tell money from other numbers."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


MONEY = _Marker("money")

# JSON carries money as a string with exactly two decimals, as everywhere in ketacost.
Money = Annotated[
    Decimal,
    Field(
        ge=0,
        le=bounds.MAX_AMOUNT,
        decimal_places=2,
        allow_inf_nan=False,
        strict=False,
        description="US dollars, at most two decimals (400.00)",
    ),
    PlainSerializer(fmt, return_type=str, when_used="json"),
    MONEY,
]
Percent = Annotated[
    Decimal, Field(ge=0, le=100, decimal_places=4, allow_inf_nan=False, description="percent: 17.99 means 17.99%")
]
Months = Annotated[int, Field(ge=bounds.MIN_MONTHS, le=bounds.MAX_MONTHS, strict=True)]
Sessions = Annotated[int, Field(ge=bounds.MIN_SESSIONS, le=bounds.MAX_SESSIONS, strict=True)]
Weeks = Annotated[int, Field(ge=1, le=104, strict=True)]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Note = Annotated[str, StringConstraints(max_length=2000)]


def _rule(key: str, message: str) -> PydanticCustomError:
    """A broken cross-field rule, located at ``key`` inside the model (the loader points at that key)."""
    return PydanticCustomError("rule", message, {"key": key})


class Strict(BaseModel):
    """Base: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class PriceRange(Strict):
    """A per-unit price: low, typical and high."""

    low: Money
    typical: Money
    high: Money

    def at(self, point: str) -> Decimal:
        """The price at ``low``, ``typical`` or ``high``."""
        value: Decimal = getattr(self, point)
        return value

    @model_validator(mode="after")
    def _ordered(self) -> "PriceRange":
        if self.low > self.high:
            raise _rule("low", f"must not exceed high ({self.low} > {self.high})")
        if not self.low <= self.typical <= self.high:
            raise _rule("typical", f"must lie between low and high ({self.low}..{self.high})")
        return self


class Course(Strict):
    """How many sessions make a course and over how many weeks."""

    sessions: Sessions
    weeks_min: Weeks
    weeks_max: Weeks

    @model_validator(mode="after")
    def _ordered(self) -> "Course":
        if self.weeks_min > self.weeks_max:
            raise _rule("weeks_min", f"must not exceed weeks_max ({self.weeks_min} > {self.weeks_max})")
        return self


class AddOn(Strict):
    """An extra charged per session (e.g. integration therapy) or once per course (e.g. a consultation)."""

    name: Text
    price: PriceRange
    per: Literal["session", "course"]
    optional: bool = False


class Maintenance(Strict):
    """Booster sessions after the initial series: at most ``boosters``, every ``interval_weeks``, within the horizon."""

    boosters: Annotated[int, Field(ge=0, le=bounds.MAX_SESSIONS, strict=True)]
    interval_weeks: Weeks
    horizon_months: Annotated[int, Field(ge=1, le=12, strict=True)] = 12


class Treatment(Strict):
    """A modality with its per-session price range, its usual course and its add-ons."""

    name: Text
    unit: Text = "session"
    price: PriceRange
    course: Course
    maintenance: Maintenance | None = None
    insurable: bool = False
    add_ons: dict[Id, AddOn] = Field(default_factory=dict)
    note: Note = ""


class _Option(Strict):
    name: Text
    note: Note = ""
    treatments: list[Id] | None = None  # None: the option applies to every treatment


class SelfPay(_Option):
    """Pay the clinic in full, optionally with a prepay discount."""

    kind: Literal["self_pay"]
    prepay_discount_pct: Percent = Decimal(0)


class TaxAccount(_Option):
    """Pay with pre-tax money from a health savings account (HSA) or flexible spending account (FSA)."""

    kind: Literal["hsa", "fsa"]
    coverage: Literal["self_only", "family"] = "self_only"
    catch_up: bool = False
    payroll: bool = False  # funded by payroll deduction: also saves FICA


class Loan(_Option):
    """A medical or personal installment loan with level monthly payments."""

    kind: Literal["loan"]
    apr: Percent
    term_months: Months
    origination_fee_pct: Annotated[Decimal, Field(ge=0, lt=100, decimal_places=4, allow_inf_nan=False)] = Decimal(0)
    fee_handling: Literal["deducted", "financed"] = "deducted"


class ClinicPlan(_Option):
    """A clinic's own plan: a down payment, then monthly installments, with an optional APR or flat fee."""

    kind: Literal["clinic_plan"]
    down_payment_pct: Percent = Decimal(0)
    down_payment: Money | None = None
    months: Months
    apr: Percent = Decimal(0)
    setup_fee: Money = Decimal(0)

    @model_validator(mode="after")
    def _one_down_payment(self) -> "ClinicPlan":
        if self.down_payment is not None and self.down_payment_pct:
            raise _rule("down_payment", "give down_payment or down_payment_pct, not both")
        return self


class DeferredInterest(_Option):
    """A medical credit card's "no interest if paid in full" promotion, with its trap if it is not."""

    kind: Literal["deferred_interest"]
    promo_months: Months
    standard_apr: Percent
    min_payment_pct: Percent = Decimal(0)
    min_payment_floor: Money = Decimal(0)
    min_purchase: Money = Decimal(0)
    repay_months: Months


class ReducedApr(_Option):
    """A fixed-payment plan at a reduced APR, offered only above a minimum purchase."""

    kind: Literal["reduced_apr"]
    apr: Percent
    term_months: Months
    min_purchase: Money = Decimal(0)


class Insurance(_Option):
    """Health insurance for treatments the sheet marks insurable: what is left of the plan's cost-sharing."""

    kind: Literal["insurance"]
    deductible_left: Money
    coinsurance_pct: Percent
    copay: Money = Decimal(0)
    oop_max_left: Money


class VaCoverage(_Option):
    """Veterans Administration coverage for eligible veterans, with VA authorization; a copay per session."""

    kind: Literal["va"]
    copay_per_session: Money


PaymentOption = Annotated[
    SelfPay | TaxAccount | Loan | ClinicPlan | DeferredInterest | ReducedApr | Insurance | VaCoverage,
    Field(discriminator="kind"),
]
FINANCED_KINDS = frozenset({"loan", "clinic_plan", "deferred_interest", "reduced_apr"})


class TaxYear(Strict):
    """The tax year's IRS limits for pre-tax accounts, and the default marginal rate for savings."""

    year: Annotated[int, Field(ge=2000, le=2100, strict=True)]
    hsa_self_only_limit: Money
    hsa_family_limit: Money
    hsa_catch_up: Money
    fsa_limit: Money
    fica_rate: Percent
    default_marginal_rate: Percent


class Sheet(Strict):
    """A whole price sheet."""

    schema_version: Literal[1]
    effective: dt.date
    currency: Literal["USD"] = "USD"
    default_treatment: Id
    coverage_note: Note = ""
    tax: TaxYear
    treatments: Annotated[dict[Id, Treatment], Field(min_length=1)]
    options: Annotated[dict[Id, PaymentOption], Field(min_length=1)]


def reference_problems(data: object) -> list[tuple[tuple[str | int, ...], str]]:
    """Ids that name a treatment the sheet does not have, each with its location.

    Works on the raw TOML data, so these are reported together with any schema errors.
    """
    if not isinstance(data, dict):
        return []
    treatments = data.get("treatments")
    known = set(treatments) if isinstance(treatments, dict) else set()
    problems: list[tuple[tuple[str | int, ...], str]] = []
    default = data.get("default_treatment")
    if isinstance(default, str) and known and default not in known:
        problems.append((("default_treatment",), f"{default!r} is not a treatment ({', '.join(sorted(known))})"))
    options = data.get("options")
    for option_id, option in options.items() if isinstance(options, dict) else ():
        wanted = option.get("treatments") if isinstance(option, dict) else None
        for index, treatment_id in enumerate(wanted if isinstance(wanted, list) else ()):
            if isinstance(treatment_id, str) and known and treatment_id not in known:
                problems.append((("options", option_id, "treatments", index), f"{treatment_id!r} is not a treatment"))
    return problems


def all_models() -> tuple[type[Strict], ...]:
    """Every table type a sheet may contain (for suggesting the nearest key to a misspelt one)."""
    return (
        Sheet,
        TaxYear,
        Treatment,
        Course,
        AddOn,
        PriceRange,
        SelfPay,
        TaxAccount,
        Loan,
        ClinicPlan,
        VaCoverage,
    )
