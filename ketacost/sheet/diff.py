"""What changed between two price sheets, by meaning: each value old -> new (with the percent change of numbers),
and the treatments, add-ons and payment options that were added or removed. Formatting and comments do not count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ketacost.money import HUNDRED
from ketacost.sheet import keys, query

if TYPE_CHECKING:
    from ketacost.sheet.model import Sheet

MISSING = object()


@dataclass(frozen=True, slots=True)
class ValueChange:
    """One key whose value differs; ``old`` or ``new`` is :data:`MISSING` when only one sheet sets it."""

    key: str
    old: Any
    new: Any
    money: bool = False  # an amount: shown with two decimals

    @property
    def percent(self) -> Decimal | None:
        """The relative change of a number, exact (round it for display); None when it has none."""
        old, new = self.old, self.new
        numbers = all(isinstance(v, int | Decimal) and not isinstance(v, bool) for v in (old, new))
        if not numbers or not old:
            return None
        return (Decimal(new) - Decimal(old)) / Decimal(old) * HUNDRED


@dataclass(frozen=True, slots=True)
class SheetDiff:
    """Ids added and removed (``treatments.x``, ``treatments.iv.add_ons.y``, ``options.z``) and values changed."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[ValueChange, ...]

    @property
    def same(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff(old: Sheet, new: Sheet) -> SheetDiff:
    """Compare two validated sheets, defaults included: spelling out a default value is no change."""
    added: list[str] = []
    removed: list[str] = []
    changed: list[ValueChange] = []

    def walk(node: keys.Node, a: Any, b: Any, path: tuple[str, ...]) -> None:
        key = ".".join(path)
        if node.kind == "ids" and node.item is not None and isinstance(a, Mapping) and isinstance(b, Mapping):
            for name in a:
                if name not in b:
                    removed.append(f"{key}.{name}")
            for name in b:
                if name not in a:
                    added.append(f"{key}.{name}")
            for name in a:
                if name in b:
                    walk(node.item, a[name], b[name], (*path, name))
        elif node.kind == "array" and node.item is not None and isinstance(a, list) and isinstance(b, list):
            for index in range(max(len(a), len(b))):  # an array of tables (line items): item by item
                old = a[index] if index < len(a) else MISSING
                new = b[index] if index < len(b) else MISSING
                walk(node.item, old, new, (*path, str(index)))
        elif node.kind == "table" and isinstance(a, Mapping) and isinstance(b, Mapping):
            fields = dict(node.keys_for(a))
            fields.update(node.keys_for(b))  # a payment option whose kind changed has the keys of both kinds
            for name, child in fields.items():
                walk(child, a.get(name, MISSING), b.get(name, MISSING), (*path, name))
        elif not _equal(a, b):
            changed.append(ValueChange(key, a, b, node.money))

    walk(keys.root(), query.values(old), query.values(new), ())
    return SheetDiff(tuple(added), tuple(removed), tuple(changed))


def _equal(a: Any, b: Any) -> bool:
    # 950 and 950.00 are the same amount; True and 1 are not the same value.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)
