"""What changed between two price sheets, by meaning: each value old -> new (with the percent change of numbers),
and the treatments, add-ons and payment options that were added, removed or renamed. Formatting and comments do not
count. An id that went while another came with mostly the same values is a rename, and the changes inside it are
shown under its new id.
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
    renamed: tuple[tuple[str, str], ...] = ()  # (old key, new key)

    @property
    def same(self) -> bool:
        return not (self.added or self.removed or self.changed or self.renamed)


def diff(old: Sheet, new: Sheet) -> SheetDiff:
    """Compare two validated sheets, defaults included: spelling out a default value is no change."""
    added: list[str] = []
    removed: list[str] = []
    changed: list[ValueChange] = []
    renamed: list[tuple[str, str]] = []

    def walk(node: keys.Node, a: Any, b: Any, path: tuple[str, ...]) -> None:
        key = ".".join(path)
        if node.kind == "ids" and node.item is not None and isinstance(a, Mapping) and isinstance(b, Mapping):
            gone = [name for name in a if name not in b]
            came = [name for name in b if name not in a]
            pairs = _renames({name: a[name] for name in gone}, {name: b[name] for name in came})
            removed.extend(f"{key}.{name}" for name in gone if name not in pairs)
            added.extend(f"{key}.{name}" for name in came if name not in pairs.values())
            for name in a:
                if name in b:
                    walk(node.item, a[name], b[name], (*path, name))
            for old_name, new_name in pairs.items():
                renamed.append((f"{key}.{old_name}", f"{key}.{new_name}"))
                walk(node.item, a[old_name], b[new_name], (*path, new_name))
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
    return SheetDiff(tuple(added), tuple(removed), tuple(changed), tuple(renamed))


RENAMED = Decimal("0.5")  # at least half of the values the same: the same thing under a new id


def _renames(gone: Mapping[str, Any], came: Mapping[str, Any]) -> dict[str, str]:
    """Ids that went, paired with ids that came whose values are mostly the same (the most alike first)."""
    scored = []
    for old_name, old in gone.items():
        old_leaves = dict(_leaves(old))
        for new_name, new in came.items():
            new_leaves = dict(_leaves(new))
            every = set(old_leaves) | set(new_leaves)
            alike = sum(
                1
                for leaf in every
                if leaf in old_leaves and leaf in new_leaves and _equal(old_leaves[leaf], new_leaves[leaf])
            )
            if every and Decimal(alike) / len(every) >= RENAMED:
                scored.append((Decimal(alike) / len(every), old_name, new_name))
    pairs: dict[str, str] = {}
    for _, old_name, new_name in sorted(scored, key=lambda score: -score[0]):
        if old_name not in pairs and new_name not in pairs.values():
            pairs[old_name] = new_name
    return pairs


def _leaves(value: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    if isinstance(value, Mapping):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*path, str(key)))]
    if isinstance(value, list) and value and all(isinstance(item, Mapping) for item in value):
        return [leaf for index, item in enumerate(value) for leaf in _leaves(item, (*path, str(index)))]
    return [(path, value)]


def _equal(a: Any, b: Any) -> bool:
    # 950 and 950.00 are the same amount; True and 1 are not the same value.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)
