"""Values people type (flags, batch input cells), checked against the sheet's bounds; messages name the field."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from ketacost import bounds
from ketacost.errors import BadInput

# An amount as people type it and as ketacost prints it: an optional leading $, digits grouped by commas in threes.
_TYPED_AMOUNT = r"^\$?\s*([0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?)$"


def money(flag: str, text: str | None) -> Decimal | None:
    """An amount such as ``650``, ``650.00``, ``1,000`` or ``$1,000.50``: 0.00-1,000,000.00, at most two decimals."""
    if text is None:
        return None
    typed = text.strip()
    grouped = re.match(_TYPED_AMOUNT, typed)
    plain = grouped.group(1).replace(",", "") if grouped else typed.removeprefix("$").lstrip()
    value = _number(flag, plain, "an amount such as 650 or 650.00", shown=text)
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise BadInput(f"{flag}: {text!r} has more than two decimals")
    if not 0 <= value <= bounds.MAX_AMOUNT:
        raise BadInput(f"{flag}: {text!r} must be between 0.00 and {bounds.MAX_AMOUNT:,}")
    return value


def percent(flag: str, text: str | None) -> Decimal | None:
    """A percentage such as ``24`` or ``24%`` or ``7.65``: 0-100.

    A number between 0 and 1 without a percent sign (``0.24``) is refused: it is far more often a fraction meant
    as 24% than a rate of 0.24%; ``0.24%`` says the latter."""
    if text is None:
        return None
    stripped = text.strip()
    value = _number(flag, stripped.removesuffix("%"), "a percentage such as 24 or 24%", shown=text)
    if not 0 <= value <= 100:
        raise BadInput(f"{flag}: {text!r} must be between 0 and 100")
    if 0 < value < 1 and not stripped.endswith("%"):
        meant = (value * 100).normalize()
        raise BadInput(
            f"{flag}: {text!r} looks like a fraction: percentages are written as 0-100, so for {meant:f}% "
            f"write {meant:f} (or {stripped}% if you mean {stripped} percent)"
        )
    return value


def sessions(flag: str, value: int | None) -> int | None:
    if value is not None and not bounds.MIN_SESSIONS <= value <= bounds.MAX_SESSIONS:
        raise BadInput(f"{flag}: {value} must be between {bounds.MIN_SESSIONS} and {bounds.MAX_SESSIONS}")
    return value


def _number(flag: str, text: str, example: str, shown: str | None = None) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise BadInput(f"{flag}: {shown or text!r} is not a number (expected {example})") from None
    if not value.is_finite():
        raise BadInput(f"{flag}: {shown or text!r} is not a finite number (expected {example})")
    return value


def whole(flag: str, text: str) -> int:
    """A whole number such as ``6``."""
    try:
        return int(text.strip())
    except ValueError:
        raise BadInput(f"{flag}: {text!r} is not a whole number") from None


def change_percent(flag: str, text: str) -> Decimal:
    """A relative change such as ``3.5%``, ``+10%`` or ``-2%``: the percent sign is required (it is not an amount)."""
    stripped = text.strip()
    if not stripped.endswith("%"):
        raise BadInput(f"{flag}: {text!r} needs a percent sign, e.g. 3.5% or -2%")
    value = _number(flag, stripped.removesuffix("%"), "a percentage such as 3.5% or -2%", shown=text)
    if not -100 < value <= 1000:
        raise BadInput(f"{flag}: {text!r} must be more than -100% and at most 1000%")
    return value


def step(flag: str, text: str) -> Decimal:
    """A rounding step such as ``0.01`` (cents), ``1`` (whole dollars) or ``5``."""
    value = money(flag, text) or Decimal(0)
    if not value:
        raise BadInput(f"{flag}: {text!r} must be more than 0 (0.01 rounds to cents, 1 to whole dollars)")
    return value


_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"  # compiled on first use (re caches it)
MAX_NAME_LENGTH = 100
MAX_AGE_YEARS = 130


def iso_date(flag: str, text: str | None) -> dt.date | None:
    """A calendar date written ``YYYY-MM-DD`` that exists (2026-02-30 does not)."""
    if text is None:
        return None
    value = text.strip()
    if not re.match(_ISO_DATE, value):
        raise BadInput(f"{flag}: {text!r} is not a date (expected YYYY-MM-DD, e.g. 1984-03-02)")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{flag}: {text!r} is not a real calendar date") from None
    return within_calendar(flag, day)


# Schedules and a quote's course run on from a date by at most a few decades (loan terms and promotions of 120
# months each, courses of 104 weeks): a century's margin keeps every date they reach inside Python's calendar,
# which ends with the year 9999.
LATEST_DATE = dt.date(9899, 12, 31)


def within_calendar(flag: str, day: dt.date) -> dt.date:
    """A date that a schedule or a course can run on from without passing the end of the calendar (year 9999)."""
    if day > LATEST_DATE:
        raise BadInput(f"{flag}: {day.isoformat()} is too far in the future (at most {LATEST_DATE.isoformat()})")
    return day


def birth_date(flag: str, text: str, today: dt.date) -> dt.date:
    """A date of birth: a real date, not in the future, and not absurdly long ago."""
    born = iso_date(flag, text)
    assert born is not None
    if born > today:
        raise BadInput(f"{flag}: {born.isoformat()} is in the future (today is {today.isoformat()})")
    if today.year - born.year > MAX_AGE_YEARS:
        raise BadInput(f"{flag}: {born.isoformat()} is more than {MAX_AGE_YEARS} years ago: check the year")
    return born


def person_name(flag: str, text: str) -> str:
    """A person's name as typed: stripped, non-empty, at most 100 characters, no control characters and nothing
    that hides itself (invisible or direction-changing characters, :mod:`ketacost.text`)."""
    import unicodedata

    from ketacost import text as hidden

    name = text.strip()
    if not name:
        raise BadInput(f"{flag}: must not be empty")
    if len(name) > MAX_NAME_LENGTH:
        raise BadInput(f"{flag}: is {len(name)} characters long; at most {MAX_NAME_LENGTH}")
    found = hidden.find_hidden(name)
    if found is not None:
        raise BadInput(f"{flag}: contains {hidden.describe(found[1])}")
    for char in name:
        if unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn"):
            raise BadInput(f"{flag}: contains a control character (U+{ord(char):04X}); type the name as plain text")
    return name


def diagnosis_codes(flag: str, texts: list[str] | None, billable: frozenset[str] | None = None) -> tuple[str, ...]:
    """ICD-10-CM codes, each checked and put in canonical form (``f332`` -> ``F33.2``), duplicates dropped. With
    ``billable`` (the codes the sheet lists), a 3-character category such as F33 is refused unless listed there."""
    from ketacost import codes

    codes_seen: dict[str, None] = {}
    for text in texts or ():
        try:
            code = codes.check_icd10(text)
            if billable is not None and code not in billable:
                code = codes.check_billable_icd10(text)
            codes_seen[code] = None
        except ValueError as error:
            raise BadInput(f"{flag}: {error}") from None
    return tuple(codes_seen)
