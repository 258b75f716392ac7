"""Read a validated sheet by dotted key, and spell its values as TOML does (for ``pricing get`` and ``show``)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ketacost.errors import BadInput
from ketacost.money import fmt
from ketacost.sheet import keys

if TYPE_CHECKING:
    from ketacost.sheet.model import Sheet


def values(sheet: Sheet) -> dict[str, Any]:
    """The sheet as plain data with its defaults filled in: Decimals as spelt in the file, keys never set left out."""
    data: dict[str, Any] = sheet.model_dump(mode="python", exclude_none=True)
    return data


def json_values(sheet: Sheet) -> dict[str, Any]:
    """The sheet as JSON data: money as strings with two decimals, percentages as exact decimal strings."""
    document: dict[str, Any] = _jsonable(values(sheet), keys.root())
    return document


def _jsonable(value: Any, node: keys.Node | None) -> Any:
    """Plain data -> JSON data, walking the schema beside it to know which numbers are money."""
    if isinstance(value, Mapping):
        fields = node.keys_for(value) if node is not None and node.kind == "table" else {}
        item = node.item if node is not None and node.kind == "ids" else None
        return {name: _jsonable(inner, fields.get(name, item)) for name, inner in value.items()}
    if isinstance(value, list):
        item = node.item if node is not None else None
        return [_jsonable(inner, item) for inner in value]
    if isinstance(value, Decimal):
        return fmt(value) if node is not None and node.money else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def lookup(data: Mapping[str, Any], key: str, raw: Mapping[str, Any]) -> Any:
    """The value at a dotted key; an unknown key is refused with the nearest known one, an unset one says so."""
    path = keys.split(key)
    keys.resolve(path, raw)
    value: Any = data
    for index, part in enumerate(path):
        if isinstance(value, list):  # an array of tables, by index (keys.resolve checked it)
            value = value[keys.index_of(part) or 0]
            continue
        if not isinstance(value, Mapping) or part not in value:
            where = ".".join(path[: index + 1])
            raise BadInput(
                f"{'.'.join(path)}: not set in this sheet" + (f" ({where} is not)" if index < len(path) - 1 else "")
            )
        value = value[part]
    return value


def literal(value: Any) -> str:
    """A value as TOML spells it: ``950.50``, ``"IV ketamine"``, ``true``, ``2026-11-01``, ``["iv", "im"]``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{key} = {literal(item)}" for key, item in value.items()) + " }"
    raise TypeError(f"no TOML spelling for {type(value).__name__}")


def bare(value: Any) -> str:
    """A scalar for the shell: text without quotes, everything else as TOML spells it."""
    return value if isinstance(value, str) else literal(value)


def flatten(value: Mapping[str, Any], prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every value that is not a table, with its path, in order."""
    for key, item in value.items():
        if isinstance(item, Mapping):
            yield from flatten(item, (*prefix, key))
        else:
            yield (*prefix, key), item
