"""TAB completion from the sheet in use: treatment ids, payment option ids, add-ons and the sheet's dotted keys.

Each completer is a Typer ``autocompletion`` callback; it reads the sheet the command line names (its --pricing,
the global one, $KETACOST_PRICING, ./pricing.toml, else the built-in sheet) and offers nothing when that sheet
cannot be read: completion must never print an error into the shell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from ketacost.prices import PriceList

Completion = list[tuple[str, str]]  # (value, help shown beside it by shells that show help: zsh, fish)


def _pricing(ctx: typer.Context) -> str | None:
    """The --pricing given so far: the command's own, else the global one."""
    here: Any = ctx
    while here is not None:
        given = here.params.get("pricing")
        if given:
            return str(given)
        here = here.parent
    return None


def _prices(ctx: typer.Context) -> PriceList | None:
    from ketacost.errors import KetacostError
    from ketacost.sheet.load import discover, load_prices

    try:
        return load_prices(discover(_pricing(ctx)))
    except (KetacostError, OSError, ValueError):
        return None


def _matching(pairs: Mapping[str, str], incomplete: str) -> Completion:
    start = incomplete.lower()  # ids are read in any case (`-t IV`)
    return [(value, name) for value, name in pairs.items() if value.startswith(start)]


def treatments(ctx: typer.Context, incomplete: str) -> Completion:
    prices = _prices(ctx)
    return [] if prices is None else _matching({i: t.name for i, t in prices.treatments.items()}, incomplete)


def options(ctx: typer.Context, incomplete: str) -> Completion:
    prices = _prices(ctx)
    return [] if prices is None else _matching({i: o.name for i, o in prices.options.items()}, incomplete)


def add_ons(ctx: typer.Context, incomplete: str) -> Completion:
    """The add-ons of the treatment chosen so far (else the sheet's default treatment)."""
    prices = _prices(ctx)
    if prices is None:
        return []
    chosen = str(ctx.params.get("treatment") or prices.default_treatment).lower()
    treatment = prices.treatments.get(chosen)
    if treatment is None:
        return []
    return _matching({i: a.name for i, a in treatment.add_ons.items()}, incomplete)


def packages(ctx: typer.Context, incomplete: str) -> Completion:
    prices = _prices(ctx)
    return [] if prices is None else _matching({i: p.name for i, p in prices.packages.items()}, incomplete)


def discounts(ctx: typer.Context, incomplete: str) -> Completion:
    prices = _prices(ctx)
    return [] if prices is None else _matching({i: d.name for i, d in prices.discounts.items()}, incomplete)


def _walk(value: object, path: str) -> Iterator[str]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list) and any(isinstance(item, Mapping) for item in value):
        for index, item in enumerate(value):  # an array of tables is entered by index
            yield from _walk(item, f"{path}.{index}")
    else:
        yield path


def _keys(ctx: typer.Context) -> list[str]:
    from ketacost.errors import KetacostError
    from ketacost.sheet import query
    from ketacost.sheet.load import discover, load

    try:
        return list(_walk(query.values(load(discover(_pricing(ctx)))), ""))
    except (KetacostError, OSError, ValueError):
        return []


def pricing_keys(ctx: typer.Context, incomplete: str) -> list[str]:
    """The sheet's dotted keys, for ``pricing get`` (every key that has a value, arrays of tables by index)."""
    return [key for key in _keys(ctx) if key.startswith(incomplete)]


def pricing_assignments(ctx: typer.Context, incomplete: str) -> list[str]:
    """``KEY=`` for ``pricing set`` (the value is the user's to type)."""
    if "=" in incomplete:
        return []
    return [f"{key}=" for key in _keys(ctx) if key.startswith(incomplete)]


# The scenario inputs that name ids of the sheet (ketacost.scenario.INPUTS fields), and how to complete them.
BY_FIELD: dict[str, Callable[[typer.Context, str], Completion]] = {
    "treatment": treatments,
    "options": options,
    "add_ons": add_ons,
    "package": packages,
    "discount": discounts,
}
