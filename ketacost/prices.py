"""The price sheet as the estimate reads it: plain immutable records, free of pydantic.

The pydantic models in :mod:`ketacost.sheet.model` are the schema: they validate a sheet and explain what is
wrong with it. Once a sheet is valid, :func:`from_sheet` copies what pricing needs into these records. They cost a
fraction of the models to import and to load from the sheet cache, which is what keeps ``ketacost estimate``
quick to start, and they keep the estimate and finance layers independent of the validation library.

Each record's fields are named exactly as the model's, so :func:`from_sheet` copies them by name: a field added
here that the model lacks fails every test at once. A payment option's record is its kind's (ketacost.kinds),
and the sheet's model for it is made from that record; :func:`record_classes` lists every record class.
"""

import datetime as dt
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from ketacost import kinds
from ketacost.kinds.base import Option
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


class LineItem(Record):
    """A resolved line item as pricing reads it: its CPT/HCPCS code, how many at each price point, unit price."""

    service_code: str
    quantity: tuple[int, int, int]  # at low, typical, high
    price: PriceRange

    def quantity_at(self, point: PricePointName) -> int:
        return self.quantity[("low", "typical", "high").index(point)]

    def charge_at(self, point: PricePointName) -> Decimal:
        return self.price.at(point) * self.quantity_at(point)


class AddOn(Record):
    name: str
    price: PriceRange
    per: Literal["session", "course"]
    optional: bool
    line_items: tuple[LineItem, ...] = ()


class Treatment(Record):
    name: str
    unit: str
    price: PriceRange
    course: Course
    maintenance: Maintenance | None
    insurable: bool
    add_ons: Mapping[str, AddOn]
    line_items: tuple[LineItem, ...] = ()  # (a per-code allowed amount reads them: kinds.out_of_network)


class TaxYear(Record):
    year: int
    hsa_self_only_limit: Decimal
    hsa_family_limit: Decimal
    hsa_catch_up: Decimal
    fsa_limit: Decimal
    fica_rate: Decimal
    default_marginal_rate: Decimal
    hsa_taxed_states: tuple[str, ...] = ("CA", "NJ")


class Package(Record):
    name: str
    treatment: str
    sessions: int
    price: Decimal
    includes: tuple[str, ...]
    note: str


class Discount(Record):
    name: str
    pct: Decimal | None
    amount: Decimal | None
    first_session_price: Decimal | None
    income_max: Decimal | None
    treatments: tuple[str, ...] | None
    note: str


# The payment options' records live with their kinds (ketacost.kinds): each is an Option.
PaymentOption = Option


class PriceList(Record):
    """A validated sheet's prices, course rules, tax limits and payment options."""

    effective: dt.date
    default_treatment: str
    coverage_note: str
    tax: TaxYear
    treatments: Mapping[str, Treatment]
    options: Mapping[str, PaymentOption]
    packages: Mapping[str, Package] = {}
    discounts: Mapping[str, Discount] = {}


def _copy(record: type[Any], source: object) -> Any:
    """``record`` built from the same-named attributes of a model instance, nested records converted too."""
    values = {}
    for name in record._fields:
        value = getattr(source, name)
        if name in ("price", "course", "maintenance") and value is not None and not isinstance(value, Decimal):
            value = _copy({"price": PriceRange, "course": Course, "maintenance": Maintenance}[name], value)
        elif name == "add_ons":
            value = {key: _copy(AddOn, add_on) for key, add_on in value.items()}
        elif name == "line_items":
            value = tuple(_line_item(item) for item in value if item.price is not None and item.service_code)
        elif isinstance(value, list):  # a sheet's array (an option's treatments, a lender grid's terms)
            value = tuple(value)
        values[name] = value
    return record(**values)


def _line_item(item: Any) -> LineItem:
    points = ("low", "typical", "high")
    quantity = (item.quantity_at(points[0]), item.quantity_at(points[1]), item.quantity_at(points[2]))
    return LineItem(service_code=item.service_code, quantity=quantity, price=_copy(PriceRange, item.price))


def option_record(option: object) -> Option:
    """A payment option's record, copied from its sheet model."""
    record: Option = _copy(kinds.by_kind(option.kind).record, option)  # type: ignore[attr-defined]
    return record


def record_classes() -> dict[str, type[Record]]:
    """Every record class a :class:`PriceList` may hold, by class name: these and the kinds' option records."""
    own = {
        name: value
        for name, value in globals().items()
        if isinstance(value, type) and issubclass(value, Record) and value.__module__ == __name__
    }
    return {**own, **kinds.records()}


def from_sheet(sheet: "Sheet") -> PriceList:
    """What pricing needs of a validated sheet."""
    return PriceList(
        effective=sheet.effective,
        default_treatment=sheet.default_treatment,
        coverage_note=sheet.coverage_note,
        tax=_copy(TaxYear, sheet.tax),
        treatments={key: _copy(Treatment, treatment) for key, treatment in sheet.treatments.items()},
        options={key: option_record(option) for key, option in sheet.options.items()},
        packages={key: _copy(Package, package) for key, package in sheet.packages.items()},
        discounts={key: _copy(Discount, discount) for key, discount in sheet.discounts.items()},
    )
