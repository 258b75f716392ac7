"""The price sheet as the estimate reads it: plain immutable records, free of pydantic.

The pydantic models in :mod:`ketacost.sheet.model` are the schema: they validate a sheet and explain what is
wrong with it. Once a sheet is valid, :func:`from_sheet` copies what pricing needs into these records. They cost a
fraction of the models to import and to load from the sheet cache, which is what keeps ``ketacost estimate``
quick to start, and they keep the estimate and finance layers independent of the validation library.

Each record's fields are named exactly as the model's, so :func:`from_sheet` copies them by name: a field added
here that the model lacks fails every test at once.
"""

import datetime as dt
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from ketacost.record import Record

if TYPE_CHECKING:
    from ketacost.sheet.model import Sheet

PricePointName = Literal["low", "typical", "high"]


class PriceRange(Record):
    """A figure at the low, typical and high price: a sheet's price range, and every amount worked out from one
    (``course.Range``)."""

    low: Decimal
    typical: Decimal
    high: Decimal

    def __iter__(self) -> Iterator[Decimal]:
        """low, typical, high, in that order (a range reads as a triple)."""
        return iter((self.low, self.typical, self.high))

    def at(self, point: PricePointName) -> Decimal:
        """The figure at ``low``, ``typical`` or ``high``."""
        value: Decimal = getattr(self, point)
        return value


class Course(Record):
    sessions: int
    weeks_min: int
    weeks_max: int


class Maintenance(Record):
    boosters: int
    interval_weeks: int
    horizon_months: int


class AddOn(Record):
    name: str
    price: PriceRange
    per: Literal["session", "course"]
    optional: bool


class Treatment(Record):
    name: str
    unit: str
    price: PriceRange
    course: Course
    maintenance: Maintenance | None
    insurable: bool
    add_ons: Mapping[str, AddOn]


class TaxYear(Record):
    year: int
    hsa_self_only_limit: Decimal
    hsa_family_limit: Decimal
    hsa_catch_up: Decimal
    fsa_limit: Decimal
    fica_rate: Decimal
    default_marginal_rate: Decimal


class SelfPay(Record):
    kind: Literal["self_pay"]
    name: str
    note: str
    treatments: tuple[str, ...] | None
    prepay_discount_pct: Decimal


class TaxAccount(Record):
    kind: Literal["hsa", "fsa"]
    name: str
    note: str
    treatments: tuple[str, ...] | None
    coverage: Literal["self_only", "family"]
    catch_up: bool
    payroll: bool


class Loan(Record):
    kind: Literal["loan"]
    name: str
    note: str
    treatments: tuple[str, ...] | None
    apr: Decimal
    term_months: int
    origination_fee_pct: Decimal
    fee_handling: Literal["deducted", "financed"]


class ClinicPlan(Record):
    kind: Literal["clinic_plan"]
    name: str
    note: str
    treatments: tuple[str, ...] | None
    down_payment_pct: Decimal
    down_payment: Decimal | None
    months: int
    apr: Decimal
    setup_fee: Decimal


class DeferredInterest(Record):
    kind: Literal["deferred_interest"]
    name: str
    note: str
    treatments: tuple[str, ...] | None
    promo_months: int
    standard_apr: Decimal
    min_payment_pct: Decimal
    min_payment_floor: Decimal
    min_purchase: Decimal
    repay_months: int


class ReducedApr(Record):
    kind: Literal["reduced_apr"]
    name: str
    note: str
    treatments: tuple[str, ...] | None
    apr: Decimal
    term_months: int
    min_purchase: Decimal


class Insurance(Record):
    kind: Literal["insurance"]
    name: str
    note: str
    treatments: tuple[str, ...] | None
    deductible_left: Decimal
    coinsurance_pct: Decimal
    copay: Decimal
    oop_max_left: Decimal


class VaCoverage(Record):
    kind: Literal["va"]
    name: str
    note: str
    treatments: tuple[str, ...] | None
    copay_per_session: Decimal


PaymentOption = SelfPay | TaxAccount | Loan | ClinicPlan | DeferredInterest | ReducedApr | Insurance | VaCoverage

OPTION_RECORDS: dict[str, type[Any]] = {
    "self_pay": SelfPay,
    "hsa": TaxAccount,
    "fsa": TaxAccount,
    "loan": Loan,
    "clinic_plan": ClinicPlan,
    "deferred_interest": DeferredInterest,
    "reduced_apr": ReducedApr,
    "insurance": Insurance,
    "va": VaCoverage,
}


class PriceList(Record):
    """A validated sheet's prices, course rules, tax limits and payment options."""

    effective: dt.date
    default_treatment: str
    coverage_note: str
    tax: TaxYear
    treatments: Mapping[str, Treatment]
    options: Mapping[str, PaymentOption]


def _copy(record: type[Any], source: object) -> Any:
    """``record`` built from the same-named attributes of a model instance, nested records converted too."""
    values = {}
    for name in record._fields:
        value = getattr(source, name)
        if name in ("price", "course", "maintenance") and value is not None:
            value = _copy({"price": PriceRange, "course": Course, "maintenance": Maintenance}[name], value)
        elif name == "add_ons":
            value = {key: _copy(AddOn, add_on) for key, add_on in value.items()}
        elif name == "treatments" and isinstance(value, list):
            value = tuple(value)
        values[name] = value
    return record(**values)


def from_sheet(sheet: "Sheet") -> PriceList:
    """What pricing needs of a validated sheet."""
    return PriceList(
        effective=sheet.effective,
        default_treatment=sheet.default_treatment,
        coverage_note=sheet.coverage_note,
        tax=_copy(TaxYear, sheet.tax),
        treatments={key: _copy(Treatment, treatment) for key, treatment in sheet.treatments.items()},
        options={key: _copy(OPTION_RECORDS[option.kind], option) for key, option in sheet.options.items()},
    )
