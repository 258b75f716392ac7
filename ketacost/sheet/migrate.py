"""Upgrade a schema version 1 sheet to version 2 in its own text, keeping every comment (tomlkit).

Each line item's description, code, provider and price move to a fee of a new ``[fees]`` schedule (identical
items share one fee), the line item keeps its quantity and names the fee, and a treatment's or add-on's own price
goes, since version 2 computes it: the figures stay exactly the same. tomlkit is imported inside the function.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ketacost.errors import BadInput
from ketacost.sheet.edit import Change, Edit, _assign, _document, _validated, toml_item
from ketacost.sheet.load import parse_sheet, parse_toml

if TYPE_CHECKING:
    from tomlkit.items import Table

MOVED = ("description", "service_code", "provider", "price")  # what a version 2 line item takes from its fee
MAX_ID = 40


def migrate(text: str, name: str) -> Edit:
    """The sheet's text at schema version 2, with the changes made; a version 2 sheet comes back unchanged."""
    import tomlkit

    parse_sheet(text, name)  # a sheet is upgraded only when it is valid: its figures are what must not change
    data = parse_toml(text, name)
    if data.get("schema_version") == 2:
        return Edit(text, ())
    document = _document(text, name)
    changes = [Change("schema_version", _assign(document, ("schema_version",), toml_item("v", "2")), "2")]
    fees: dict[str, Table] = {}
    contents: dict[tuple[Any, ...], str] = {}  # an item's content -> its fee, so that identical items share one
    for owner_id, path, owner in _owners(document):
        items = owner.get("line_items")
        if not items:
            continue
        lone = len(items) == 1
        for index, item in enumerate(items):
            price_item = item.item("price") if "price" in item else (owner.item("price") if lone else None)
            content = (*(item.get(key, "clinic" if key == "provider" else None) for key in MOVED[:3]),)
            key = (*content, str(price_item.as_string()).strip() if price_item is not None else None)
            fee_id = contents.get(key)
            if fee_id is None:
                fee_id = _new_id(owner_id, str(item.get("service_code", "")), fees)
                contents[key] = fee_id
                fee = tomlkit.table()
                for moved in MOVED:
                    if moved in item:
                        fee.add(moved, item.item(moved))
                    elif moved == "price" and price_item is not None:
                        fee.add(moved, price_item)
                fees[fee_id] = fee
            for moved in MOVED:
                if moved in item:
                    del item[moved]
            item.add("fee", fee_id)
            changes.append(Change(".".join((*path, "line_items", str(index), "fee")), None, f'"{fee_id}"'))
        if "price" in owner:
            old = owner.item("price")
            comment = old.trivia.comment
            del owner["price"]
            if comment:  # the price's source, kept beside what now computes it: on the first line item's header
                first = items[0]
                said = first.trivia.comment.lstrip("# ")
                first.comment(f"{said}; " * bool(said) + f"the price was: {comment.lstrip('# ')}")
            changes.append(Change(".".join((*path, "price")), old.as_string().strip(), "(computed from its fees)"))
    if fees:
        document.add(tomlkit.nl())
        document.add(tomlkit.comment("The fee schedule (schema version 2): each price lives here once; line items"))
        document.add(tomlkit.comment("name a fee and a quantity, and a treatment's price is computed from them."))
        schedule = tomlkit.table(is_super_table=True)
        for fee_id, fee in fees.items():
            schedule.add(fee_id, fee)
            changes.append(Change(f"fees.{fee_id}", None, "(added)"))
        document.add("fees", schedule)
    try:
        return _validated(tomlkit.dumps(document), name, changes)
    except BadInput as error:  # a bug here, not the sheet's: it was valid at version 1
        raise AssertionError(f"migrating {name} made an invalid sheet: {error.lines}") from None


def _owners(document: Any) -> list[tuple[str, tuple[str, ...], Any]]:
    """Each treatment and add-on table: (its own id, its path, the table)."""
    found: list[tuple[str, tuple[str, ...], Any]] = []
    for treatment_id, treatment in document.get("treatments", {}).items():
        found.append((treatment_id, ("treatments", treatment_id), treatment))
        for add_on_id, add_on in treatment.get("add_ons", {}).items():
            found.append((add_on_id, ("treatments", treatment_id, "add_ons", add_on_id), add_on))
    return found


def _new_id(owner_id: str, code: str, taken: dict[str, Any]) -> str:
    """``iv_96365``: the owner's id and the item's code, made a valid id and unique."""
    slug = re.sub(r"[^a-z0-9]+", "_", code.lower()).strip("_") or "item"
    base = f"{owner_id}_{slug}"[:MAX_ID]
    candidate, number = base, 2
    while candidate in taken:
        suffix = f"_{number}"
        candidate, number = base[: MAX_ID - len(suffix)] + suffix, number + 1
    return candidate
