"""An option's notes in words. Pricing records notes as data (what, at which price point, with which values);
each kind words its own (its ``NOTES``), and a note that differs between price points is said once per point,
labelled with the points it holds at."""

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from ketacost import kinds
from ketacost.estimator import FUNDING, POINTS, SAID, SHORTENED, OptionEstimate, PricePointName
from ketacost.money import fmt_grouped


def _funding(parts: tuple[tuple[str, Decimal, Decimal], ...]) -> str:
    """What is paid first: each part as (what, amount, its tax savings)."""
    shown = ", ".join(f"{what} {fmt_grouped(amount)}" for what, amount, _ in parts)
    return f"{shown} paid first; the rest is financed"


def _shortened(months: int, term: int, payment: Decimal) -> str:
    return (
        f"paid off in {months} month{'s' if months != 1 else ''}, not {term}: the amount is small and an installment "
        f"is at least a cent ({fmt_grouped(payment)} a month)"
    )


_SHARED: dict[str, Callable[..., str]] = {SAID: str, FUNDING: _funding, SHORTENED: _shortened}  # any option's


def label(points: Sequence[PricePointName]) -> str:
    """``at the low price``, ``at the typical and high prices``."""
    named = [point for point in POINTS if point in points]
    if len(named) == 1:
        return f"At the {named[0]} price"
    return f"At the {', '.join(named[:-1])} and {named[-1]} prices"


def worded(option: OptionEstimate) -> tuple[str, ...]:
    """What to know about an option, each note once, in the order they came up."""
    try:
        words = kinds.by_kind(option.kind).notes
    except KeyError:  # a row that is no payment kind's (a package: ketacost.offers)
        words = {}
    said: dict[str, dict[tuple[Any, ...], list[PricePointName]]] = {}
    for what, points, values in option.notes:
        said.setdefault(what, {}).setdefault(values, []).extend(points)
    lines = []
    for what, by_values in said.items():
        word = _SHARED.get(what) or words[what]
        if len(by_values) == 1:
            lines.append(word(*next(iter(by_values))))
        else:  # it differs between price points: say at which
            lines += [f"{label(points)}: {word(*values)}" for values, points in by_values.items()]
    return tuple(dict.fromkeys(lines))
