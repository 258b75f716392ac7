"""What the user asked for: the inputs of an estimate, defined once and checked here, in the library.

:data:`INPUTS` lists every input with its field, its flag, how it is read and its help. Flags (``estimate``,
``schedule``, ``quote``), batch cells and JSON Lines fields, and the Python API all go through :func:`parse`, so an
input added here reaches all of them; :func:`check` refuses a :class:`Scenario` built by hand with values out of
bounds (``sessions=0`` is an error, never "the sheet's").
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any, Literal

from ketacost import bounds, values
from ketacost.errors import BadInput, UnknownIds
from ketacost.record import Record

Reading = Literal["id", "ids", "sessions", "count", "money", "percent"]


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
    package: str | None = None  # price the course as this package of the sheet (ketacost.offers)
    discount: str | None = None  # a discount of the sheet the patient claims
    allowed: Decimal | None = None  # out-of-network: the plan's allowed amount per session
    oon_deductible_left: Decimal | None = None
    oon_coinsurance: Decimal | None = None
    oon_oop_max_left: Decimal | None = None
    plan_type: str | None = None  # the patient's health plan: one of PLAN_TYPES (None: commercial)
    have: tuple[str, ...] = ()  # what the patient has that some options need (HAVE): an HSA, an FSA, VA eligibility
    state: str | None = None  # two-letter state, for state tax on HSA money
    state_tax_rate: Decimal | None = None  # state marginal income tax rate in percent


class Input(Record):
    """One input: the :class:`Scenario` field, its flag, how its text is read, and its help."""

    field: str
    flag: str
    reading: Reading
    metavar: str
    help: str
    short: str | None = None

    @property
    def repeatable(self) -> bool:
        return self.reading == "ids"


INPUTS: tuple[Input, ...] = (
    Input("treatment", "--treatment", "id", "ID", "Treatment id (ketacost pricing show). Default: the sheet's.", "-t"),
    Input("sessions", "--sessions", "sessions", "N", "Sessions in the course (1-200). Default: the sheet's.", "-n"),
    Input("boosters", "--boosters", "count", "N", "Booster sessions after the series (0-200). Default: the sheet's."),
    Input("price", "--price", "money", "AMOUNT", "One per-session price instead of the sheet's low-high range."),
    Input("add_ons", "--add-on", "ids", "ID", "Include an optional add-on (e.g. consultation). Repeatable."),
    Input(
        "tax_rate", "--tax-rate", "percent", "PCT", "Your marginal tax rate for HSA/FSA savings. Default: the sheet's."
    ),
    Input("hsa_balance", "--hsa-balance", "money", "AMOUNT", "What your HSA holds: caps the pre-tax part."),
    Input("fsa_balance", "--fsa-balance", "money", "AMOUNT", "What your FSA holds: caps the pre-tax part."),
    Input("down_payment", "--down-payment", "money", "AMOUNT", "Cash paid first; financed options finance the rest."),
    Input(
        "budget",
        "--budget",
        "money",
        "AMOUNT",
        "Most you can pay in a month (money you have is spent first): marks what fits.",
    ),
    Input("deductible_left", "--deductible-left", "money", "AMOUNT", "Insurance: deductible still to meet this year."),
    Input("coinsurance", "--coinsurance", "percent", "PCT", "Insurance: your share after the deductible, percent."),
    Input("copay", "--copay", "money", "AMOUNT", "Insurance: copay per session."),
    Input(
        "oop_max_left", "--oop-max-left", "money", "AMOUNT", "Insurance: out-of-pocket maximum still left this year."
    ),
    Input("options", "--option", "ids", "ID", "Only this option (ketacost pricing show). Repeatable.", "-o"),
    Input("package", "--package", "id", "ID", "Price every option on this package of the sheet (e.g. iv_six)."),
    Input(
        "discount",
        "--discount",
        "id",
        "ID",
        "Claim a discount from the sheet (e.g. veteran), before any way of paying.",
    ),
    Input("allowed", "--allowed", "money", "AMOUNT", "Out-of-network: the plan's allowed amount per session."),
    Input(
        "oon_deductible_left", "--oon-deductible-left", "money", "AMOUNT", "Out-of-network deductible still to meet."
    ),
    Input("oon_coinsurance", "--oon-coinsurance", "percent", "PCT", "Out-of-network coinsurance: your share, percent."),
    Input("oon_oop_max_left", "--oon-oop-max-left", "money", "AMOUNT", "Out-of-network out-of-pocket maximum left."),
    Input(
        "plan_type",
        "--plan-type",
        "id",
        "TYPE",
        "Your health plan: commercial (default), medicare, medicaid, tricare or other_government. "
        "Manufacturer copay programs are for commercial plans only.",
    ),
    Input(
        "have",
        "--have",
        "ids",
        "WHAT",
        "What you have: hsa, hsa-payroll (an HSA funded through payroll), fsa, va (VA eligibility), insurance "
        "(a plan that covers it). Repeatable. The cheapest is chosen among what you can use.",
    ),
    Input("state", "--state", "id", "XX", "Your state (two letters): CA and NJ tax HSA contributions."),
    Input("state_tax_rate", "--state-tax-rate", "percent", "PCT", "Your state income tax rate, for HSA/FSA savings."),
)
PLAN_TYPES = ("commercial", "medicare", "medicaid", "tricare", "other_government")
BY_FIELD: Mapping[str, Input] = {each.field: each for each in INPUTS}
HAVE: tuple[str, ...] = ("hsa", "hsa-payroll", "fsa", "va", "insurance", "eligibility")  # --have's words
# Flags that say the patient has a health plan (in or out of network).
_INSURANCE = (
    "deductible_left",
    "coinsurance",
    "copay",
    "oop_max_left",
    "allowed",
    "oon_deductible_left",
    "oon_coinsurance",
    "oon_oop_max_left",
    "plan_type",
)


def held(scenario: Scenario) -> frozenset[str]:
    """What the patient said they have: ``--have``, and what a balance or an insurance flag implies."""
    have = set(scenario.have)
    if "hsa-payroll" in have or scenario.hsa_balance is not None:
        have.add("hsa")
    if scenario.fsa_balance is not None:
        have.add("fsa")
    if any(getattr(scenario, field) is not None for field in _INSURANCE):
        have.add("insurance")
    return frozenset(have)


MAX_IDS = 100  # ids in one list or cell: a sheet has a dozen

_SEPARATORS = r"[\s,;]+"  # ids in one text: spaces, commas or semicolons (compiled by re on first use)


def parse(
    given: Mapping[str, Any],
    *,
    base: Scenario | None = None,
    name: Callable[[Input], str] = lambda each: each.flag,
) -> Scenario:
    """The scenario ``given`` describes (field -> text, number or list), over ``base``; ``None`` is "not given".

    Every problem is reported at once, each line named by ``name`` (the flag by default; batch input names the
    field). An unknown field is a programming error of the caller (KeyError).
    """
    changes: dict[str, Any] = {}
    problems: list[str] = []
    for field, raw in given.items():
        each = BY_FIELD[field]
        if raw is None:
            continue
        try:
            changes[field] = read(each, raw, name(each))
        except BadInput as error:
            problems.extend(error.lines)
    if problems:
        raise BadInput(*problems)
    start = base if base is not None else Scenario()
    return start._replace(**changes) if changes else start


def read(each: Input, raw: Any, label: str) -> Any:
    """One input's value from what a person or a script gave: text, a number, or (for ids) a list."""
    if each.reading == "ids":
        return tuple(part.lower() for part in _ids(label, raw))  # the sheet's ids are lower case: `-o Care_Card`
    if each.reading in ("sessions", "count"):
        count = raw if isinstance(raw, int) and not isinstance(raw, bool) else values.whole(label, _text(label, raw))
        return _count(each, count, label)
    text = _text(label, raw)
    if each.reading == "id":
        ident = text.strip().lower()  # ids are read in any case (`-t IV`)
        if each.field == "plan_type" and ident not in PLAN_TYPES:
            raise BadInput(f"{label}: unknown plan type {text.strip()!r} (choose from: {', '.join(PLAN_TYPES)})")
        return ident
    if each.reading == "money":
        return values.money(label, text)
    return values.percent(label, text)


def check(scenario: Scenario) -> Scenario:
    """``scenario`` itself, once every value is within its bounds (a Scenario built in Python is checked too)."""
    problems: list[str] = []
    for each in INPUTS:
        value = getattr(scenario, each.field)
        if value is None or (each.reading == "ids" and value == ()):
            continue
        try:
            if each.reading == "ids":
                if isinstance(value, str) or not all(isinstance(item, str) for item in value):
                    raise BadInput(f"{each.field}: expected a list of ids, got {value!r}")
                _ids(each.field, list(value))
            elif each.reading == "id":
                if not isinstance(value, str):
                    raise BadInput(f"{each.field}: expected an id, got {value!r}")
                if each.field == "plan_type" and value not in PLAN_TYPES:
                    raise BadInput(f"{each.field}: unknown plan type {value!r} (choose from: {', '.join(PLAN_TYPES)})")
            elif each.reading in ("sessions", "count"):
                if isinstance(value, bool) or not isinstance(value, int):
                    raise BadInput(f"{each.field}: expected a whole number, got {value!r}")
                _count(each, value, each.field)
            elif not isinstance(value, Decimal) or not value.is_finite():
                raise BadInput(f"{each.field}: expected a finite Decimal, got {type(value).__name__} {value!r}")
            elif each.reading == "money":
                if value.as_tuple().exponent < -2 or not 0 <= value <= bounds.MAX_AMOUNT:  # type: ignore[operator]
                    raise BadInput(f"{each.field}: {value} must be 0.00-{bounds.MAX_AMOUNT:,}, at most two decimals")
            elif not 0 <= value <= 100:
                raise BadInput(f"{each.field}: {value} must be between 0 and 100")
        except BadInput as error:
            problems.extend(error.lines)
    if problems:
        raise BadInput(*problems)
    return scenario


def _count(each: Input, count: int, label: str) -> int:
    if each.reading == "sessions":
        checked = values.sessions(label, count)
        assert checked is not None
        return checked
    if not 0 <= count <= bounds.MAX_SESSIONS:
        raise BadInput(f"{label}: {count} must be between 0 and {bounds.MAX_SESSIONS}")
    return count


def _text(label: str, value: Any) -> str:
    """A value as the text a flag would carry; JSON numbers are fine, JSON booleans are not numbers."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        import json

        raise BadInput(f"{label}: expected text or a number, got {json.dumps(value, default=str)[:100]}")
    return str(value)


def _ids(label: str, value: Any) -> tuple[str, ...]:
    """Ids as a list, or one text with ids separated by spaces, commas or semicolons."""
    # Split no further than one id past the limit: a 10 MB cell must not become a million strings.
    if isinstance(value, list | tuple):
        ids = tuple(_text(label, item).strip() for item in value[: MAX_IDS + 1])
    else:
        ids = tuple(
            part for part in re.split(_SEPARATORS, _text(label, value), maxsplit=MAX_IDS + 1)[: MAX_IDS + 1] if part
        )
    if len(ids) > MAX_IDS:
        raise BadInput(f"{label}: more than {MAX_IDS} ids")
    return ids


@contextlib.contextmanager
def naming_ids(name: Callable[[Input], str] = lambda each: each.field) -> Iterator[None]:
    """Ids the sheet lacks are reported with the input that gave them: ``--option: unknown payment option 'x'``
    on the command line (``name`` gives the flag), ``options: ...`` in the library."""
    try:
        yield
    except UnknownIds as error:
        lines = (
            f"{name(BY_FIELD[field]) if field in BY_FIELD else field}: {line}"
            for field, line in zip(error.fields, error.lines, strict=True)
        )
        raise BadInput(*lines) from None
