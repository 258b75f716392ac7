"""Values people type (flags, batch input cells), checked against the sheet's bounds; messages name the field."""

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
