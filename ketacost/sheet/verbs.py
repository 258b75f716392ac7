"""Add, remove and rename what clinics change (a treatment, add-on, option, fee or line item), in the sheet's text.

Like :mod:`ketacost.sheet.edit`, every other byte stays as it was and the whole sheet is validated before the caller
writes it (:mod:`ketacost.sheet.write`). A new table is written as a real ``[table]`` right after its last sibling
(not as an inline table under a bare parent header); a renamed id is renamed in its headers and in every value that
refers to it. tomlkit is imported inside the functions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ketacost.errors import BadInput
from ketacost.sheet import keys
from ketacost.sheet.edit import Change, Edit, _document, _validated, check_number, toml_item
from ketacost.sheet.load import parse_toml

if TYPE_CHECKING:
    from tomlkit.items import Item

# Where an id is referred to, by the table of ids it lives in: the keys whose values name it.
REFERENCES: dict[str, tuple[str, ...]] = {
    "treatments": ("default_treatment", "treatments", "treatment"),
    "options": ("option", "options"),
    "fees": ("fee",),
    "providers": ("provider",),
}
HEADER = re.compile(r"^[ \t]*\[(\[?)([^\[\]#]+)\]\]?[ \t]*(?:#.*)?$")


def _target(path: keys.KeyPath, data: dict[str, Any]) -> str:
    """What ``path`` names: ``"id"`` (an entry of a table of ids) or ``"array"`` (an array of tables)."""
    node = keys.resolve(path, data)
    parent = keys.resolve(path[:-1], data) if len(path) > 1 else None
    if parent is not None and parent.kind == "ids" and node.kind == "table":
        return "id"
    if node.kind == "array" and node.item is not None:
        return "array"
    where = ".".join(path)
    raise BadInput(
        f"{where}: not something to add or remove: name an id (treatments.ID, options.ID, fees.ID, "
        "treatments.ID.add_ons.ID) or an array of tables (treatments.ID.line_items)"
    )


def add(text: str, name: str, key: str, fields: Sequence[tuple[str, str]]) -> Edit:
    """A new id (``options.new_loan``) or a new entry at the end of an array of tables (``...line_items``), with
    its fields; refuses an id that exists, an unknown field, and anything that leaves the sheet invalid."""
    import tomlkit

    data = parse_toml(text, name)
    path = keys.split(key)
    what = _target(path, data)
    if what == "id" and _get(data, path) is not None:
        raise BadInput(f"{key}: already exists (change it with `ketacost pricing set {key}.KEY=VALUE`)")
    table = tomlkit.table()
    values: dict[str, Any] = {}
    for field, value_text in fields:
        if "." in field or not field:
            raise BadInput(f"{key}: {field!r}: give each field of the new table by its own name (price={{...}})")
        item = toml_item(f"{key}.{field}", value_text)
        values[field] = item.unwrap()
        table.add(field, item)
    probe = _with(data, path, values, array=what == "array")
    index = len(_get(data, path) or []) if what == "array" else None
    for field, value_text in fields:
        full = (*path, str(index)) if index is not None else path
        node = keys.resolve((*full, field), probe)
        check_number(node, f"{'.'.join(full)}.{field}", value_text)
    new_text = _insert(text, path, table, array=what == "array")
    shown = f"{key}.{index}" if index is not None else key
    return _validated(new_text, name, [Change(shown, None, "(added)")])


def remove(text: str, name: str, key: str) -> Edit:
    """Remove an id (and everything in it) or one entry of an array of tables (``...line_items.1``)."""
    import tomlkit

    data = parse_toml(text, name)
    path = keys.split(key)
    array_entry = len(path) > 1 and keys.index_of(path[-1]) is not None
    if array_entry:
        keys.resolve(path, data)
        if _target(path[:-1], data) != "array":
            raise BadInput(f"{key}: not an entry of an array of tables")
    else:
        _target(path, data)
        if _get(data, path) is None:
            raise BadInput(f"{key}: not in {name}; nothing to remove")
    document = _document(text, name)
    container: Any = document
    for part in path[:-1]:
        container = container[keys.index_of(part) or 0] if isinstance(container, list) else container[part]
    if array_entry:
        if len(container) == 1:  # TOML cannot spell an empty array of tables as tables: drop the array
            return remove(text, name, ".".join(path[:-1]))
        del container[keys.index_of(path[-1]) or 0]
        written = tomlkit.dumps(document)
    else:
        del container[path[-1]]
        expected = tomlkit.dumps(document)
        # tomlkit counts the comments that open the next section as the end of the table before them, and would
        # drop them with it: remove the table's own lines instead, when that gives the same data.
        written = _without_tables(text, path) or expected
        try:
            if parse_toml(written, name) != parse_toml(expected, name):
                written = expected
        except BadInput:  # the lines cut were not the table's alone
            written = expected
    return _validated(written, name, [Change(key, "(removed)", "(removed)")])


def _without_tables(text: str, path: keys.KeyPath) -> str | None:
    """``text`` without the tables at or under ``path``: each from the comments right above its header to its last
    line that is not a comment or blank (those open the next section), with the blank line before it; None if it
    has no header."""
    lines = text.splitlines(keepends=True)
    starts = [number for number, line in enumerate(lines) if _header_key(line) is not None]
    drop: set[int] = set()
    for index, start in enumerate(starts):
        found = _header_key(lines[start])
        if found is None or found[0][: len(path)] != path:
            continue
        end = starts[index + 1] if index + 1 < len(starts) else len(lines)
        while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1
        first = start
        while first and lines[first - 1].lstrip().startswith("#"):  # comments right above it are its own
            first -= 1
        first = first - 1 if first and not lines[first - 1].strip() else first
        drop.update(range(first, end))
    if not drop:
        return None
    return "".join(line for number, line in enumerate(lines) if number not in drop)


def rename(text: str, name: str, old_key: str, new_text: str) -> Edit:
    """Rename an id where it stands (its table headers) and in every value that refers to it."""
    import tomlkit

    data = parse_toml(text, name)
    old = keys.split(old_key)
    new = keys.split(new_text) if "." in new_text else (*old[:-1], new_text.strip())
    if new[:-1] != old[:-1]:
        raise BadInput(f"{'.'.join(new)}: a rename keeps the id in its table: {'.'.join((*old[:-1], 'NEW'))}")
    if _target(old, data) != "id" or _get(data, old) is None:
        raise BadInput(f"{old_key}: not an id in {name} (name one such as treatments.iv or options.va)")
    if not keys.ID.match(new[-1]):
        raise BadInput(f"{'.'.join(new)}: {new[-1]!r} is not an id: use lowercase letters, digits, '_' or '-'")
    if _get(data, new) is not None:
        raise BadInput(f"{'.'.join(new)}: already exists; choose another id")
    renamed = _rename_headers(text, old, new[-1])
    moved = parse_toml(renamed, name)
    if _get(moved, new) != _get(data, old) or _get(moved, old) is not None:
        raise BadInput(
            f"{old_key}: written in a way a rename cannot follow (an inline table or dotted keys); "
            "rename it by hand, then run `ketacost pricing validate`"
        )
    document = _document(renamed, name)
    changes = [Change(".".join(old), ".".join(old), ".".join(new))]
    table = old[0] if len(old) == 2 else None
    for where, _ in _references(document, REFERENCES.get(table or "", ()), old[-1]):
        changes.append(Change(".".join(where), f'"{old[-1]}"', f'"{new[-1]}"'))
    _replace_references(document, REFERENCES.get(table or "", ()), old[-1], new[-1])
    return _validated(tomlkit.dumps(document), name, changes)


# --- the text -------------------------------------------------------------------------------------------------------


def _header_key(line: str) -> tuple[tuple[str, ...], bool] | None:
    """A table header's dotted key (quotes dropped) and whether it is an array of tables; None for other lines."""
    match = HEADER.match(line)
    if match is None:
        return None
    parts = tuple(part.strip().strip("\"'") for part in match.group(2).split("."))
    return parts, bool(match.group(1))


def _insert(text: str, path: keys.KeyPath, table: Any, *, array: bool) -> str:
    """``table`` written as ``[path]`` (or ``[[path]]``) right after the last table of its parent (or of the
    array), before any comments that open the next section; at the end when the parent has no tables."""
    import tomlkit

    wrapper: Any = tomlkit.aot() if array else None
    if wrapper is not None:
        wrapper.append(table)
    node: Any = wrapper if wrapper is not None else table
    for part in reversed(path[1:]):
        outer = tomlkit.table(is_super_table=True)
        outer.add(part, node)
        node = outer
    document = tomlkit.document()
    document.add(path[0], node)
    block = tomlkit.dumps(document).strip("\n") + "\n"

    lines = text.splitlines(keepends=True)
    scope = path if array else path[:-1]
    last_header = None
    while scope and last_header is None:
        for number, line in enumerate(lines):
            found = _header_key(line)
            if found is not None and found[0][: len(scope)] == scope:
                last_header = number
        scope = scope[:-1]
    if last_header is None:
        return text + ("" if text.endswith("\n") or not text else "\n") + "\n" + block
    end = last_header + 1
    while end < len(lines) and _header_key(lines[end]) is None:
        end += 1
    while end > last_header + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    before = "".join(lines[:end])
    if before and not before.endswith("\n"):
        before += "\n"
    return before + "\n" + block + "".join(lines[end:])


def _rename_headers(text: str, old: keys.KeyPath, new_id: str) -> str:
    """Every header at or under ``old`` with its last part renamed (``[treatments.iv.add_ons.x]`` too)."""
    lines = text.splitlines(keepends=True)
    depth = len(old)
    for number, line in enumerate(lines):
        found = _header_key(line)
        if found is None or found[0][:depth] != old:
            continue
        match = HEADER.match(line)
        assert match is not None
        inside = match.group(2)
        parts = inside.split(".")
        quote = '"' if parts[depth - 1].strip().startswith('"') else ""
        parts[depth - 1] = re.sub(r"[^ \t]+", f"{quote}{new_id}{quote}", parts[depth - 1], count=1)
        start, stop = match.span(2)
        lines[number] = line[:start] + ".".join(parts) + line[stop:]
    return "".join(lines)


def _references(container: Any, names: tuple[str, ...], old: str, path: tuple[str, ...] = ()) -> list[Any]:
    """(key path, value) of each value under a key in ``names`` that is, or lists, ``old``."""
    found: list[Any] = []
    items = container.items() if isinstance(container, dict) else enumerate(container)
    for key, value in items:
        where = (*path, str(key))
        if isinstance(value, dict | list) and not (isinstance(value, list) and str(key) in names):
            found += _references(value, names, old, where)
        elif str(key) in names and (value == old or (isinstance(value, list) and old in value)):
            found.append((where, value))
    return found


def _replace_references(container: Any, names: tuple[str, ...], old: str, new: str) -> None:
    items = list(container.items()) if isinstance(container, dict) else list(enumerate(container))
    for key, value in items:
        if str(key) in names and isinstance(value, list):
            for index, element in enumerate(value):
                if element == old:
                    value[index] = new
        elif str(key) in names and value == old:
            container[key] = _same_style(container, key, new)
        elif isinstance(value, dict | list):
            _replace_references(value, names, old, new)


def _same_style(container: Any, key: Any, new: str) -> Item:
    """The new id as a string, keeping the old value's trailing comment."""
    import tomlkit

    item = tomlkit.item(new)
    getter = getattr(container, "item", None)
    if getter is not None:
        old = getter(key)
        item.trivia.comment = old.trivia.comment
        # The comment stays in its column, as people align them, when the new value leaves room.
        width = len(old.as_string().strip()) + len(old.trivia.comment_ws)
        item.trivia.comment_ws = " " * max(1, width - len(item.as_string().strip())) if old.trivia.comment else ""
    return item


def _get(data: Any, path: keys.KeyPath) -> Any:
    for part in path:
        if isinstance(data, list):
            index = keys.index_of(part)
            data = data[index] if index is not None and index < len(data) else None
        elif isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def _with(data: dict[str, Any], path: keys.KeyPath, values: dict[str, Any], *, array: bool) -> dict[str, Any]:
    """A copy of the parsed sheet with the new table in place (to tell a new option's kind to the key check)."""
    import copy

    probe = copy.deepcopy(data)
    container: Any = probe
    for part in path[:-1]:
        container = container.setdefault(part, {}) if isinstance(container, dict) else container[int(part)]
    if array:
        container.setdefault(path[-1], []).append(values)
    else:
        container[path[-1]] = values
    return probe
