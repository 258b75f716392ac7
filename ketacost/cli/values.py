"""Command-line values checked against the same bounds as the price sheet, with messages naming the flag."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ketacost import bounds
from ketacost.errors import BadInput


def money(flag: str, text: str | None) -> Decimal | None:
    """An amount such as ``650`` or ``650.00``: 0.00-1,000,000.00, at most two decimals."""
    if text is None:
        return None
    value = _number(flag, text, "an amount such as 650 or 650.00")
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise BadInput(f"{flag}: {text!r} has more than two decimals")
    if not 0 <= value <= bounds.MAX_AMOUNT:
        raise BadInput(f"{flag}: {text!r} must be between 0.00 and {bounds.MAX_AMOUNT:,}")
    return value


def percent(flag: str, text: str | None) -> Decimal | None:
    """A percentage such as ``24`` or ``24%`` or ``7.65``: 0-100."""
    if text is None:
        return None
    value = _number(flag, text.strip().removesuffix("%"), "a percentage such as 24 or 24%")
    if not 0 <= value <= 100:
        raise BadInput(f"{flag}: {text!r} must be between 0 and 100")
    return value


def sessions(flag: str, value: int | None) -> int | None:
    if value is not None and not bounds.MIN_SESSIONS <= value <= bounds.MAX_SESSIONS:
        raise BadInput(f"{flag}: {value} must be between {bounds.MIN_SESSIONS} and {bounds.MAX_SESSIONS}")
    return value


def _number(flag: str, text: str, example: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise BadInput(f"{flag}: {text!r} is not a number (expected {example})") from None
    if not value.is_finite():
        raise BadInput(f"{flag}: {text!r} is not a finite number (expected {example})")
    return value
