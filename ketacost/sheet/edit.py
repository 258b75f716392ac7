"""Format-preserving edits of a sheet's text with tomlkit: set keys, scale prices; every other byte stays as it was.

Each edit returns the new text and what changed; the caller validates the whole sheet and writes it safely
(:mod:`ketacost.sheet.write`). tomlkit is imported here only, inside the functions, so ``estimate`` never pays
for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ketacost.errors import BadInput
from ketacost.money import CENT, HUNDRED, round_to
from ketacost.sheet import keys
from ketacost.sheet.load import parse_sheet, parse_toml

if TYPE_CHECKING:
    from tomlkit.items import Item
    from tomlkit.toml_document import TOMLDocument


@dataclass(frozen=True, slots=True)
class Change:
    """One key's value before and after, as spelt in the sheet (``old`` is None for a key that was not set)."""

    key: str
    old: str | None
    new: str
    percent: Decimal | None = None  # the relative change of an amount, when it had one


@dataclass(frozen=True, slots=True)
class Edit:
    """A validated new text for a sheet and the changes that make it."""

    text: str
    changes: tuple[Change, ...]


def parse_assignment(text: str) -> tuple[str, str]:
    """``KEY=VALUE`` -> (key, value text)."""
    key, equals, value = text.partition("=")
    if not equals or not key.strip():
        raise BadInput(f"{text!r}: expected KEY=VALUE, e.g. treatments.iv.price.high=950.00")
    return key.strip(), value.strip()


def set_values(text: str, name: str, assignments: Sequence[tuple[str, str]]) -> Edit:
    """Set each key to its TOML value; refuses unknown keys and any edit that leaves the sheet invalid."""
    import tomlkit

    data = parse_toml(text, name)
    document = _document(text, name)
    changes = []
    added: list[tuple[str, str]] = []
    for key, value_text in assignments:
        path = keys.split(key)
        node = keys.resolve(path, data)
        check_number(node, key, value_text)
        item = toml_item(key, value_text)
        if _new_id(path, data) and isinstance(item.unwrap(), dict):
            added.append((key, value_text))  # written as its own [table] after its siblings, below
            continue
        _refuse_replacing_tables(path, data, key)
        old = _assign(document, path, item)
        changes.append(Change(".".join(path), old, item.as_string().strip()))
    edit = _validated(tomlkit.dumps(document), name, changes) if changes or not added else Edit(text, ())
    for key, value_text in added:
        from ketacost.sheet import verbs

        table: Any = toml_item(key, value_text)
        fields = [(str(field), table.item(field).as_string().strip()) for field in table]
        made = verbs.add(edit.text, name, key, fields)
        edit = Edit(made.text, (*edit.changes, *made.changes))
    return edit


def check_number(node: keys.Node, key: str, value_text: str) -> None:
    """A number written as text (``"250"``) where the schema wants a number: refused, naming the fix."""
    stripped = value_text.strip()
    if node.kind == "value" and node.number and stripped[:1] in ("'", '"'):
        bare = stripped.strip("'\"")
        raise BadInput(f"{key}: {stripped} is text, but this is a number: write {key}={bare} (without quotes)")


def _new_id(path: keys.KeyPath, data: Any) -> bool:
    """Whether ``path`` names an id that the sheet's table of ids does not have yet (options.new_loan)."""
    parent = keys.resolve(path[:-1], data) if len(path) > 1 else None
    if parent is None or parent.kind != "ids":
        return False
    try:
        return path[-1] not in _value(data, path[:-1])
    except (KeyError, TypeError, IndexError):
        return True


def _refuse_replacing_tables(path: keys.KeyPath, data: Any, key: str) -> None:
    """An array of tables set whole would lose every comment in it: name the verbs that keep them."""
    try:
        current = _value(data, path)
    except (KeyError, TypeError, IndexError):
        return
    if isinstance(current, list) and current and all(isinstance(entry, dict) for entry in current):
        raise BadInput(
            f"{key}: an array of tables: setting it whole would drop its comments; use "
            f"`ketacost pricing add {key} KEY=VALUE ...`, `ketacost pricing remove {key}.N` or set one entry's "
            f"key ({key}.0.quantity=2)"
        )


def _document(text: str, name: str) -> TOMLDocument:
    """The sheet as tomlkit's editable document. tomlkit refuses what tomllib reads (values nested more than 100
    deep): that is bad input too, with its place."""
    import tomlkit
    from tomlkit.exceptions import ParseError

    try:
        return tomlkit.parse(text)
    except ParseError as error:
        message = str(error).split(" at line ")[0]
        raise BadInput(f"{name}:{error.line}:{error.col}: invalid TOML: {message[:1].lower()}{message[1:]}") from None


def scale_prices(text: str, name: str, by_pct: Decimal, select: str, step: Decimal) -> Edit:
    """Multiply every amount of money that ``select`` matches by ``1 + by_pct/100``, rounded to ``step``.

    A price whose line items must add up to it (a GFE's split) has its line items split anew, in proportion to
    their old prices and to the same step, so that they still add up exactly.
    """
    import tomlkit

    data = parse_toml(text, name)
    document = _document(text, name)
    factor = 1 + by_pct / HUNDRED
    patterns = [pattern for pattern in select.split(",") if pattern.strip()]
    selected = [path for path in keys.money_paths(data) if any(keys.glob_matches(p, path) for p in patterns)]
    if not selected:
        hint = "fees.*.price" if data.get("schema_version") == 2 else "treatments.*.price"
        raise BadInput(f"--select {select!r} matches no amount of money in {name} (try {hint})")
    changes = []

    def change(path: keys.KeyPath, old: Decimal | int, new: Decimal) -> None:
        spelt = f"{new:.0f}" if isinstance(old, int) and new == new.to_integral_value() else f"{new:.2f}"
        if Decimal(spelt) == Decimal(old):
            return
        previous = _assign(document, path, toml_item(".".join(path), spelt))
        changes.append(Change(".".join(path), previous, spelt, (new - old) / old * HUNDRED if old else None))

    for path in selected:
        old = _value(data, path)
        if not isinstance(old, Decimal | int) or isinstance(old, bool):
            continue  # not a number: the whole-sheet validation below reports it
        new = round_to(Decimal(old) * factor, step)
        change(path, old, new)
        owner = _value(data, path[:-2]) if path[-2:-1] == ("price",) else None
        items = owner.get("line_items") if isinstance(owner, dict) else None
        lone_without_price = isinstance(items, list) and len(items) == 1 and "price" not in items[0]
        if isinstance(items, list) and items and new != old and not lone_without_price:  # a lone one follows
            point = path[-1]
            for index, unit_price in _split(items, point, new, step, ".".join(path[:-2])):
                item_path = (*path[:-2], "line_items", str(index), "price", point)
                change(item_path, items[index]["price"][point], unit_price)
    return _validated(tomlkit.dumps(document), name, changes)


def _split(items: list[Any], point: str, total: Decimal, step: Decimal, owner: str) -> list[tuple[int, Decimal]]:
    """New unit prices at ``point`` for line items whose ``quantity x price`` must add up to ``total``.

    Items sold by the unit (quantity 1, the usual case) share the total in proportion to their old prices by
    largest remainder, in whole steps; an item with a larger quantity is scaled and rounded on its own first.
    """
    from ketacost.money import allocate

    def old_price(item: Any) -> Decimal:
        return Decimal(item["price"][point])

    old_total = sum((old_price(item) * item.get("quantity", 1) for item in items), Decimal(0))
    singles = [index for index, item in enumerate(items) if item.get("quantity", 1) == 1]
    prices: list[tuple[int, Decimal]] = []
    left = total
    for index, item in enumerate(items):
        if index not in singles:
            scaled = round_to(old_price(item) * total / old_total, step) if old_total else Decimal(0)
            prices.append((index, scaled))
            left -= scaled * item.get("quantity", 1)
    if left < 0 or (not singles and left):
        raise BadInput(
            f"{owner}.line_items: cannot split {total:.2f} among the line items exactly at the {point} price "
            "(their quantities do not allow it); set them with `ketacost pricing set`"
        )
    if singles:
        parts = allocate(left / step * CENT, [old_price(items[index]) for index in singles])
        prices += [(index, part / CENT * step) for index, part in zip(singles, parts, strict=True)]
    return sorted(prices)


def toml_item(key: str, value_text: str) -> Item:
    """A TOML value from its text, keeping its spelling (``950.50`` stays ``950.50``)."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError
    from tomlkit.items import Item

    hint = f"{key}: {value_text!r} is not a TOML value (text needs quotes: {key}='\"...\"')"
    if not value_text:
        raise BadInput(f"{key}: no value given (e.g. {key}=950.00, or {key}='\"text\"')")
    try:
        parsed = tomlkit.parse(f"v = {value_text}\n")
    except TOMLKitError:
        raise BadInput(hint) from None
    if list(parsed) != ["v"]:  # `1\nother = 2` would smuggle in a second key
        raise BadInput(hint)
    item = parsed.item("v")
    if not isinstance(item, Item):
        raise BadInput(hint)
    if item.trivia.comment:
        raise BadInput(f"{key}: {value_text!r}: a comment is not part of a value")
    return item


def _value(data: Any, path: keys.KeyPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _assign(document: TOMLDocument, path: keys.KeyPath, item: Item) -> str | None:
    """Put ``item`` at ``path``, making the tables on the way; the old value's text, or None if it was new."""
    import tomlkit
    from tomlkit.items import InlineTable

    container: Any = document
    for depth, part in enumerate(path[:-1]):
        if isinstance(container, list):  # an array of tables: keys.resolve checked the index
            container = container[keys.index_of(part) or 0]  # (resolve checked it)
        else:
            if part not in container:
                container[part] = tomlkit.inline_table() if isinstance(container, InlineTable) else tomlkit.table()
            container = container[part]
        if not isinstance(container, dict | list):
            raise BadInput(f"{'.'.join(path)}: {'.'.join(path[: depth + 1])} is not a table in the sheet")
    last = path[-1]
    old = _item(container, last) if last in container else None
    container[last] = item
    if old is None:
        return None
    old_text: str = old.as_string().strip()
    new = _item(container, last)
    if not isinstance(container, InlineTable) and new.trivia.comment:
        # Keep a trailing comment in its column, as people align them, when the new value leaves room.
        width = len(old_text) + len(new.trivia.comment_ws)
        new.trivia.comment_ws = " " * max(1, width - len(new.as_string().strip()))
    return old_text


def _item(container: Any, key: str) -> Item:
    """The item under ``key``, unwrapped values included (tables made of dotted keys have no ``.item()``)."""
    import tomlkit
    from tomlkit.items import Item

    getter = getattr(container, "item", None)
    value = getter(key) if getter is not None else container[key]
    return value if isinstance(value, Item) else tomlkit.item(value)


def _validated(text: str, name: str, changes: list[Change]) -> Edit:
    try:
        parse_sheet(text, name)
    except BadInput as error:
        raise BadInput(*error.lines, f"{name}: not changed: the edit would leave the sheet invalid") from None
    return Edit(text, tuple(changes))


def unified_diff(old: str, new: str, name: str) -> str:
    """What an edit would change, as ``diff -u`` shows it."""
    import difflib

    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=f"a/{name}", tofile=f"b/{name}"
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
