"""The price sheet's schema: pydantic models with exact Decimal money and the cross-field rules.

A typo is an error (``extra='forbid'`` everywhere). Bounds catch absurd input: sessions 1-200, any single amount
0.00-1,000,000.00 with at most two decimals, percentages 0-100, terms 1-120 months, NaN and infinity refused.
The same bounds are used for command-line values (see :mod:`ketacost.bounds`).

For Good Faith Estimates a sheet may also carry the clinic (``[clinic]``), the other providers who bill
(``[providers.ID]``) and, per treatment and add-on, the GFE's line items. Each line item has its own per-unit
price range and a quantity per session; a treatment's (or add-on's) line items must add up exactly to its price at
low, typical and high, so a GFE's itemized charges always sum to the estimate's course total.

Schema version 2 keeps each price in one place: a fee schedule (``[fees.ID]``: description, code, provider, price
per unit) and line items that name a fee with a quantity (which may differ at low, typical and high); a
treatment's (or add-on's) price is then computed from them. Version 1 sheets still load, with the same figures.

The payment options' models are made from the payment kinds' records (:mod:`ketacost.kinds`): one table per kind,
told apart by ``kind``, each field validated as the sheet type its record declares.
"""

# No `from __future__ import annotations` here: with real annotation objects pydantic evaluates no strings,
# which makes building these classes measurably faster at every start-up.

import datetime as dt
import functools
import types
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
    create_model,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

from ketacost import bounds, codes, kinds, text
from ketacost.kinds import Kind
from ketacost.kinds.base import Option, Rule, SheetType

SCHEMA_VERSION = 2
VERSIONS = (1, 2)


class _Marker:
    """Tags a field type in its metadata, so tools that walk the schema can tell money from other numbers."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


MONEY = _Marker("money")

# Money is tagged MONEY, so that `pricing show --format json` can write it with exactly two decimals
# (ketacost.sheet.query); a pydantic serializer here would cost every start-up its import.
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
    MONEY,
]
Percent = Annotated[
    Decimal, Field(ge=0, le=100, decimal_places=4, allow_inf_nan=False, description="percent: 17.99 means 17.99%")
]
Months = Annotated[int, Field(ge=bounds.MIN_MONTHS, le=bounds.MAX_MONTHS, strict=True)]
Sessions = Annotated[int, Field(ge=bounds.MIN_SESSIONS, le=bounds.MAX_SESSIONS, strict=True)]
Weeks = Annotated[int, Field(ge=1, le=104, strict=True)]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]


def _shows_itself(value: object) -> object:
    """Refuses text that hides itself (:mod:`ketacost.text`); the position is in the value as the sheet spells
    it, before any stripping."""
    if isinstance(value, str):
        found = text.find_hidden(value)
        if found is not None:
            position, char = found
            raise PydanticCustomError("hidden_text", f"contains {text.describe(char)} at position {position}")
    return value


class _ShowsItself:
    """The same rule for editors: a JSON Schema "pattern" that matches only text without hidden characters."""

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        generated = handler(schema)
        generated["pattern"] = text.VISIBLE_PATTERN
        return generated


# Every free-text string of a sheet is one of these two types, so a new field gets the rule by its type.
Visible = (BeforeValidator(_shows_itself), _ShowsItself())
Text = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True), *Visible]
Note = Annotated[str, StringConstraints(max_length=2000), *Visible]  # may span lines


def _checked(check: Callable[[str], str]) -> AfterValidator:
    """A string checked (and put in canonical form) by one of :mod:`ketacost.codes`' checks."""

    def run(value: str) -> str:
        try:
            return check(value)
        except ValueError as error:
            raise PydanticCustomError("code", str(error)) from None

    return AfterValidator(run)


Npi = Annotated[str, _checked(codes.check_npi)]
Tin = Annotated[str, _checked(codes.check_tin)]
State = Annotated[str, _checked(codes.check_state)]
ServiceCode = Annotated[str, _checked(codes.check_service_code)]
DiagnosisCode = Annotated[str, _checked(codes.check_billable_icd10)]  # where a GFE needs a billable code
AnyDiagnosisCode = Annotated[str, _checked(codes.check_icd10)]
Quantity = Annotated[int, Field(ge=1, le=100, strict=True)]
CLINIC = "clinic"  # the provider id of the [clinic] table itself


def _rule(key: str, message: str) -> PydanticCustomError:
    """A broken cross-field rule, located at ``key`` inside the model (the loader points at that key)."""
    return PydanticCustomError("rule", message, {"key": key})


POINTS = ("low", "typical", "high")


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


def known(price: PriceRange | None) -> PriceRange:
    """A validated sheet's price: given, or computed from the line items (version 2), never missing."""
    if price is None:
        raise AssertionError("a validated sheet has every price")
    return price


class Course(Strict):
    """How many sessions make a course and over how many weeks (and, in words, how often: for a GFE's scope)."""

    sessions: Sessions
    weeks_min: Weeks
    weeks_max: Weeks
    frequency: Text | None = None  # e.g. "2-3 infusions a week"

    @model_validator(mode="after")
    def _ordered(self) -> "Course":
        if self.weeks_min > self.weeks_max:
            raise _rule("weeks_min", f"must not exceed weeks_max ({self.weeks_min} > {self.weeks_max})")
        return self


class Provider(Strict):
    """A provider or facility that bills for items on a Good Faith Estimate: who it is and where."""

    name: Text
    npi: Npi
    tin: Tin
    address: Text
    state: State
    phone: Text | None = None
    credentials: Text | None = None  # e.g. MD, LCSW (superbills)
    license: Text | None = None  # state license number (superbills)


class Clinic(Provider):
    """The convening provider or facility: it schedules the care and issues the GFE (provider id ``clinic``)."""

    phone: Text
    contact: Text  # who answers questions about an estimate and gives GFEs for separately scheduled items


def _price_may_be_left_out(schema: dict[str, Any]) -> None:
    """For editors: a lone line item may leave out its price (see _lone_item_takes_the_price)."""
    required = schema.get("required")
    if isinstance(required, list) and "price" in required:
        required.remove("price")


QuantityCount = Annotated[int, Field(ge=0, le=100, strict=True)]


class Quantities(Strict):
    """A quantity that differs between low, typical and high: a second infusion hour billed only sometimes."""

    low: QuantityCount
    typical: QuantityCount
    high: QuantityCount


PerPoint = Literal["low", "typical", "high"]


class LineItem(Strict):
    """One item or service a GFE lists: what, its CPT/HCPCS code, who bills it, how many per session, unit price.

    In schema version 1 a line item says all of that itself. In version 2 it names a fee of the fee schedule
    (``fee``), which says what, which code, who and the price, and gives only the quantity; once the sheet is
    validated, every line item carries its fee's values (so the estimate and the GFE read both versions alike).
    """

    model_config = ConfigDict(json_schema_extra=_price_may_be_left_out)

    fee: Id | None = None  # version 2: the fee schedule's entry this item bills
    description: Text | None = None  # version 1 (required there)
    service_code: ServiceCode | None = None  # version 1 (required there)
    provider: Id = CLINIC
    quantity: Quantity | Quantities = 1  # per session (per course for an add-on charged per course)
    price: PriceRange | None = None  # per unit; version 1 only

    def quantity_at(self, point: str) -> int:
        """How many units are billed at ``low``, ``typical`` or ``high``."""
        if isinstance(self.quantity, Quantities):
            count: int = getattr(self.quantity, point)
            return count
        return self.quantity

    def charge_at(self, point: str) -> Decimal:
        """Quantity x unit price at a price point (a resolved item: its price is known)."""
        assert self.price is not None
        return self.price.at(point) * self.quantity_at(point)


class Fee(Strict):
    """One entry of the clinic's fee schedule (schema version 2): the service or item, its CPT/HCPCS code, who
    bills it and its price per unit. Line items name it with ``fee``; each price lives here only."""

    description: Text
    service_code: ServiceCode
    provider: Id = CLINIC
    price: PriceRange


def _line_items_add_up(items: Sequence[LineItem], price: PriceRange | None, what: str) -> None:
    """Line items must add up to the price exactly, at every price point, or a GFE would not match the estimate."""
    if not items or price is None or any(item.price is None for item in items):
        return  # version 2 (the price is computed from the items) or a missing price, reported on its own
    for point in ("low", "typical", "high"):
        expected: Decimal = getattr(price, point)
        total = sum((item.charge_at(point) for item in items), Decimal(0))
        if total != expected:
            raise _rule(
                "line_items",
                f"line items add up to {total:.2f} at the {point} price, not the {what} {expected:.2f} "
                "(quantity x price of each item must sum to it exactly)",
            )


def _lone_item_takes_the_price(data: Any) -> Any:
    """A line item that stands alone with quantity 1 may leave out its price: it is the whole price.

    Then a clinic changing that treatment's price edits one line, and the GFE still lists the item's charge.
    """
    if isinstance(data, dict) and "price" in data:
        items = data.get("line_items")
        if isinstance(items, list) and len(items) == 1 and isinstance(items[0], dict):
            item = items[0]
            if "price" not in item and "fee" not in item and item.get("quantity", 1) == 1:
                return {**data, "line_items": [{**item, "price": data["price"]}]}
    return data


class AddOn(Strict):
    """An extra charged per session (e.g. integration therapy) or once per course (e.g. a consultation)."""

    name: Text
    price: PriceRange | None = None  # required unless computed from line items (schema version 2)
    per: Literal["session", "course"]
    optional: bool = False
    line_items: list[LineItem] = Field(default_factory=list)

    _lone_item = model_validator(mode="before")(_lone_item_takes_the_price)

    @model_validator(mode="after")
    def _items_add_up(self) -> "AddOn":
        _line_items_add_up(self.line_items, self.price, f"add-on's price per {self.per}")
        return self


class Maintenance(Strict):
    """Booster sessions after the initial series: at most ``boosters``, every ``interval_weeks``, within the horizon."""

    boosters: Annotated[int, Field(ge=0, le=bounds.MAX_SESSIONS, strict=True)]
    interval_weeks: Weeks
    horizon_months: Annotated[int, Field(ge=1, le=12, strict=True)] = 12


class Treatment(Strict):
    """A modality with its per-session price range, its usual course and its add-ons."""

    name: Text
    unit: Text = "session"
    price: PriceRange | None = None  # required unless computed from line items (schema version 2)
    course: Course
    maintenance: Maintenance | None = None
    insurable: bool = False
    add_ons: dict[Id, AddOn] = Field(default_factory=dict)
    note: Note = ""
    description: Note = ""  # the service in plain language, for a patient (GFE)
    line_items: list[LineItem] = Field(default_factory=list)
    diagnosis_codes: list[DiagnosisCode] = Field(default_factory=list)  # expected, unless a quote names its own
    separate_scheduling: list[Text] = Field(default_factory=list)  # expected items scheduled (and quoted) apart

    _lone_item = model_validator(mode="before")(_lone_item_takes_the_price)

    @model_validator(mode="after")
    def _items_add_up(self) -> "Treatment":
        _line_items_add_up(self.line_items, self.price, f"price per {self.unit}")
        return self


class _EveryKind:
    """The payment options' schema: one table per kind, told apart by ``kind``, each made from its kind's record
    (:mod:`ketacost.kinds`); a kind registered later is known once the sheet's model is rebuilt (on_change)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return handler.generate_schema(Annotated[Union[option_models()], Field(discriminator="kind")])  # noqa: UP007


EVERY_KIND = _EveryKind()

if TYPE_CHECKING:
    PaymentOption = Option  # each kind's model has its record's fields
else:
    PaymentOption = Annotated[Strict, EVERY_KIND]


def option_models() -> tuple[type[Strict], ...]:
    """Every payment kind's model, in the kinds' order."""
    return tuple(option_model(kind) for kind in kinds.kinds())


@functools.cache
def option_model(kind: Kind) -> type[Strict]:
    """A kind's sheet model: its record's fields, each validated as the sheet type it is declared with, and its
    cross-field rule; the record's docstring describes it (in the JSON Schema too)."""
    record = kind.record
    hints = get_type_hints(record, include_extras=True)
    fields: dict[str, Any] = {
        name: (_sheet_type(hints[name]), record._defaults.get(name, ...)) for name in record._fields
    }
    validators = {} if kind.check is None else {"_check": _rule_of(kind.check)}
    built: type[Strict] = create_model(
        record.__name__,
        __base__=Strict,
        __doc__=record.__doc__,
        __module__=record.__module__,
        __validators__=validators,
        **fields,
    )
    return built


def _sheet_type(annotation: Any) -> Any:
    """A record field's annotation -> the sheet's: SheetType marks become this module's types (or bounds), a tuple
    becomes an array."""
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *metadata = get_args(annotation)
        marks = [item for item in metadata if isinstance(item, SheetType)]
        rest = [item for item in metadata if not isinstance(item, SheetType)]
        if not marks:
            return Annotated[(_sheet_type(inner), *rest)]
        mark = marks[0]
        typed = globals()[mark.name] if mark.name else Annotated[inner, Field(**mark.bounds)]
        return Annotated[(typed, *rest)] if rest else typed
    if origin in (Union, types.UnionType):
        return Union[tuple(_sheet_type(arg) for arg in get_args(annotation))]  # noqa: UP007
    if origin is tuple:
        element, *_ = get_args(annotation)
        return list[_sheet_type(element)]  # type: ignore[misc]
    if origin in (dict, Mapping):  # a table of key = value (out_of_network's allowed_by_code)
        key, value = get_args(annotation)
        return dict[_sheet_type(key), _sheet_type(value)]  # type: ignore[misc]
    return annotation


def _rule_of(check: Callable[[Any], None]) -> Any:
    """A kind's ``check`` as a model validator: its :class:`Rule` becomes a located rule error."""

    def run(option: Strict) -> Strict:
        try:
            check(option)
        except Rule as rule:
            raise _rule(rule.key, str(rule)) from None
        return option

    return model_validator(mode="after")(run)


class Package(Strict):
    """A set number of sessions of one treatment for one price, perhaps with add-ons included; paid in full or
    through any payment option (what is financed is the package price). Fewer sessions: not available; more:
    the package plus the per-session price for the rest."""

    name: Text
    treatment: Id
    sessions: Sessions
    price: Money
    includes: list[Id] = Field(default_factory=list)  # add-ons of the treatment included in the price
    note: Note = ""


class Discount(Strict):
    """A discount a patient claims (``--discount ID``), applied to the course before any way of paying: a
    percentage off the sessions' price, an amount off the course, or an introductory price for the first
    session; exactly one of them."""

    name: Text
    pct: Percent | None = None
    amount: Money | None = None
    first_session_price: Money | None = None
    income_max: Money | None = None  # a sliding-scale tier: for a household income up to this
    treatments: list[Id] | None = None  # None: every treatment
    note: Note = ""

    @model_validator(mode="after")
    def _one_way(self) -> "Discount":
        given = [name for name in ("pct", "amount", "first_session_price") if getattr(self, name) is not None]
        if len(given) != 1:
            raise _rule("pct", "give exactly one of pct, amount or first_session_price")
        return self


class TaxYear(Strict):
    """The tax year's IRS limits for pre-tax accounts, and the default marginal rate for savings."""

    year: Annotated[int, Field(ge=2000, le=2100, strict=True)]
    hsa_self_only_limit: Money
    hsa_family_limit: Money
    hsa_catch_up: Money
    fsa_limit: Money
    fica_rate: Percent
    default_marginal_rate: Percent
    hsa_taxed_states: tuple[State, ...] = ("CA", "NJ")  # states whose income tax does not exempt HSA contributions


class Diagnosis(Strict):
    """A diagnosis code and the description a GFE prints beside it. A 3-character code listed here is billable as
    it stands (most are categories, refused where a billable code is needed)."""

    code: AnyDiagnosisCode
    description: Text


class Sheet(Strict):
    """A whole price sheet."""

    schema_version: Literal[1, 2]
    effective: dt.date
    currency: Literal["USD"] = "USD"
    default_treatment: Id
    coverage_note: Note = ""
    tax: TaxYear
    treatments: Annotated[dict[Id, Treatment], Field(min_length=1)]
    options: Annotated[dict[Id, PaymentOption], Field(min_length=1)]
    clinic: Clinic | None = None
    providers: dict[Id, Provider] = Field(default_factory=dict)
    packages: dict[Id, Package] = Field(default_factory=dict)
    discounts: dict[Id, Discount] = Field(default_factory=dict)
    diagnoses: list[Diagnosis] = Field(default_factory=list)
    fees: dict[Id, Fee] = Field(default_factory=dict)  # schema version 2: the fee schedule

    @property
    def diagnosis_names(self) -> dict[str, str]:
        """ICD-10-CM code -> its description, from ``[[diagnoses]]``."""
        return {entry.code: entry.description for entry in self.diagnoses}

    @model_validator(mode="after")
    def _computed_prices(self) -> "Sheet":
        """Version 2: each line item takes its fee's values, and each price with line items is computed from them.

        The rules that make this possible (every fee exists, no price given twice) are checked on the raw data by
        :func:`version_problems`, reported with the schema's errors; here an inconsistent sheet is left as it is.
        """
        if self.schema_version == 1:
            return self
        treatments = {}
        for treatment_id, treatment in self.treatments.items():
            add_ons = {}
            for add_on_id, add_on in treatment.add_ons.items():
                add_ons[add_on_id] = self._resolved(add_on, ("treatments", treatment_id, "add_ons", add_on_id))
            resolved = self._resolved(treatment, ("treatments", treatment_id))
            treatments[treatment_id] = resolved.model_copy(update={"add_ons": add_ons})
        object.__setattr__(self, "treatments", treatments)  # frozen for callers; built here once
        return self

    def _resolved(self, owner: "Treatment | AddOn", where: tuple[str, ...]) -> "Any":
        if not owner.line_items or any(item.fee not in self.fees for item in owner.line_items):
            return owner
        items = []
        for item in owner.line_items:
            fee = self.fees[item.fee or ""]
            items.append(
                item.model_copy(
                    update={
                        "description": fee.description,
                        "service_code": fee.service_code,
                        "provider": fee.provider,
                        "price": fee.price,
                    }
                )
            )
        computed = {point: sum((item.charge_at(point) for item in items), Decimal(0)) for point in POINTS}
        if not computed["low"] <= computed["typical"] <= computed["high"]:
            shown = " / ".join(f"{computed[point]:.2f}" for point in POINTS)
            raise _rule(
                ".".join((*where, "line_items")),
                f"the price computed from the fees and quantities is not ordered low <= typical <= high ({shown})",
            )
        price = PriceRange.model_construct(low=computed["low"], typical=computed["typical"], high=computed["high"])
        return owner.model_copy(update={"line_items": items, "price": price})

    def provider(self, provider_id: str) -> Provider:
        """The provider a line item names (``clinic`` is the [clinic] table); the loader checked it exists."""
        if provider_id == CLINIC and self.clinic is not None:
            return self.clinic
        return self.providers[provider_id]


def reference_problems(data: object) -> list[tuple[tuple[str | int, ...], str]]:
    """Ids that name a treatment the sheet does not have, each with its location.

    Works on the raw TOML data, so these are reported together with any schema errors. Also checks that every
    line item names a provider the sheet has (``clinic`` is the ``[clinic]`` table).
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
    problems.extend(_provider_problems(data))
    from ketacost.offers import reference_problems as offer_problems

    problems.extend(offer_problems(data))
    problems.extend(version_problems(data))
    problems.extend(_allowed_code_problems(data))
    return problems


def _allowed_code_problems(data: dict[str, object]) -> list[tuple[tuple[str | int, ...], str]]:
    """An option's ``allowed_by_code`` may name only codes the sheet bills: a fee's or a line item's (any of a
    code's alternatives, ``G2082/G2083``). A typo would otherwise leave the charge at the percentage unnoticed."""
    used: set[str] = set()

    def codes_of(owner: object) -> None:
        if isinstance(owner, dict) and isinstance(owner.get("service_code"), str):
            used.update(owner["service_code"].split("/"))

    fees = data.get("fees")
    for fee in fees.values() if isinstance(fees, dict) else ():
        codes_of(fee)
    treatments = data.get("treatments")
    for treatment in treatments.values() if isinstance(treatments, dict) else ():
        if not isinstance(treatment, dict):
            continue
        add_ons = treatment.get("add_ons")
        for owner in [treatment, *(add_ons.values() if isinstance(add_ons, dict) else ())]:
            items = owner.get("line_items") if isinstance(owner, dict) else None
            for item in items if isinstance(items, list) else ():
                codes_of(item)
    problems: list[tuple[tuple[str | int, ...], str]] = []
    options = data.get("options")
    for option_id, option in options.items() if isinstance(options, dict) else ():
        by_code = option.get("allowed_by_code") if isinstance(option, dict) else None
        for code in by_code if isinstance(by_code, dict) else ():
            if code not in used:
                where = ("options", option_id, "allowed_by_code", code)
                problems.append((where, f"{code!r} is not a service code of any fee or line item"))
    return problems


_FROM_FEE = ("description", "service_code", "provider", "price")  # what a version 2 line item takes from its fee


def version_problems(data: dict[str, object]) -> list[tuple[tuple[str | int, ...], str]]:
    """Where each price lives, by schema version: in version 1 on the treatment and on each line item (which
    must add up), in version 2 on the fee schedule only (line items name a fee; the treatment's price is
    computed). Works on the raw data, so every problem is reported with its location, all at once."""
    version = data.get("schema_version")
    if version not in VERSIONS or isinstance(version, bool):
        return []  # the schema reports it
    fees = data.get("fees")
    fee_ids = sorted(fees) if isinstance(fees, dict) else []
    problems: list[tuple[tuple[str | int, ...], str]] = []
    if version == 1 and fees is not None:
        problems.append((("fees",), "a fee schedule needs schema_version = 2 (`ketacost pricing migrate` upgrades it)"))
    for path, owner in _price_owners(data):
        items = owner.get("line_items")
        items = items if isinstance(items, list) else []
        if version == 1:
            if "price" not in owner:
                problems.append(((*path, "price"), "missing required key"))
            lone = len(items) == 1
            for index, item in enumerate(items):
                if not isinstance(item, dict):
                    continue
                where: tuple[str | int, ...] = (*path, "line_items", index)
                if "fee" in item:
                    problems.append(((*where, "fee"), "a fee needs schema_version = 2 (`ketacost pricing migrate`)"))
                    continue
                for key in ("description", "service_code"):
                    if key not in item:
                        problems.append(((*where, key), "missing required key"))
                if "price" not in item and not (lone and item.get("quantity", 1) == 1):
                    problems.append(((*where, "price"), "missing required key"))
            continue
        named = [item.get("fee") for item in items if isinstance(item, dict)]
        if items and "price" in owner:
            example = next((fee for fee in named if isinstance(fee, str)), "ID")
            problems.append(
                (
                    (*path, "price"),
                    "in schema version 2 a price with line items is computed from their fees: change a fee's price "
                    f"instead (ketacost pricing set fees.{example}.price.high=...), and remove this key",
                )
            )
        if not items and "price" not in owner:
            problems.append(((*path, "price"), "missing required key (or line items naming fees)"))
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            where = (*path, "line_items", index)  # (typed above)
            fee = item.get("fee")
            if fee is None:
                problems.append(((*where, "fee"), "missing required key (schema version 2: a line item names a fee)"))
            elif isinstance(fee, str) and fee not in fee_ids:
                choices = ", ".join(fee_ids) or "none: add [fees.ID] tables"
                problems.append(((*where, "fee"), f"{fee!r} is not a fee (choose from: {choices})"))
            for key in _FROM_FEE:
                if key in item:
                    problems.append(
                        (
                            (*where, key),
                            f"in schema version 2 this lives in the fee schedule ([fees.{fee}]): remove it here",
                        )
                    )
    return problems


def _price_owners(data: dict[str, object]) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every treatment and add-on table, with its path: what has a price and may have line items."""
    owners: list[tuple[tuple[str, ...], dict[str, Any]]] = []
    treatments = data.get("treatments")
    for treatment_id, treatment in treatments.items() if isinstance(treatments, dict) else ():
        if not isinstance(treatment, dict):
            continue
        owners.append((("treatments", treatment_id), treatment))
        add_ons = treatment.get("add_ons")
        for add_on_id, add_on in add_ons.items() if isinstance(add_ons, dict) else ():
            if isinstance(add_on, dict):
                owners.append((("treatments", treatment_id, "add_ons", add_on_id), add_on))
    return owners


def _provider_problems(data: dict[str, object]) -> list[tuple[tuple[str | int, ...], str]]:
    providers = data.get("providers")
    known = set(providers) if isinstance(providers, dict) else set()
    problems: list[tuple[tuple[str | int, ...], str]] = []
    if CLINIC in known:
        problems.append((("providers", CLINIC), f"{CLINIC!r} is reserved for the [clinic] table: use another id"))
    if isinstance(data.get("clinic"), dict):
        known.add(CLINIC)
    choices = ", ".join(sorted(known)) or "none: add a [clinic] table or [providers.ID]"
    treatments = data.get("treatments")
    for treatment_id, treatment in treatments.items() if isinstance(treatments, dict) else ():
        if not isinstance(treatment, dict):
            continue
        owners: list[tuple[tuple[str | int, ...], object]] = [(("treatments", treatment_id), treatment)]
        add_ons = treatment.get("add_ons")
        for add_on_id, add_on in add_ons.items() if isinstance(add_ons, dict) else ():
            owners.append((("treatments", treatment_id, "add_ons", add_on_id), add_on))
        for path, owner in owners:
            items = owner.get("line_items") if isinstance(owner, dict) else None
            for index, item in enumerate(items if isinstance(items, list) else ()):
                if isinstance(item, dict) and "fee" in item:
                    continue  # version 2: its fee names the provider (checked below)
                wanted = item.get("provider", CLINIC) if isinstance(item, dict) else None
                if isinstance(wanted, str) and wanted not in known:
                    where = (*path, "line_items", index, "provider")
                    if wanted == CLINIC:
                        problems.append((where, "'clinic' names the [clinic] table, which this sheet lacks"))
                    else:
                        problems.append((where, f"{wanted!r} is not a provider (choose from: {choices})"))
    fees = data.get("fees")
    for fee_id, fee in fees.items() if isinstance(fees, dict) else ():
        wanted = fee.get("provider", CLINIC) if isinstance(fee, dict) else None
        if isinstance(wanted, str) and wanted not in known:
            problems.append((("fees", fee_id, "provider"), f"{wanted!r} is not a provider (choose from: {choices})"))
    return problems


def _rebuild() -> None:
    """A kind registered after the sheet's model was built: build it again, with the new kind's table."""
    Sheet.model_rebuild(force=True)


kinds.on_change(_rebuild)
