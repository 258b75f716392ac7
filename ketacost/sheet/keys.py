"""The sheet's dotted keys as its schema knows them: resolve one, suggest the nearest, find the amounts of money.

Works from the pydantic models, so a key added to the schema is known here without a second list to keep in step.
"""

from __future__ import annotations

import difflib
import functools
import re
import types
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from ketacost import kinds
from ketacost.errors import BadInput
from ketacost.sheet import model

KeyPath = tuple[str, ...]
ID = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


@dataclass(frozen=True, slots=True)
class Node:
    """What the schema says sits at a key: a table of named keys, a table of ids, an array or a single value."""

    kind: Literal["table", "ids", "array", "value"]
    fields: Mapping[str, Node] = field(default_factory=dict)  # table: its keys
    tagged: Mapping[str, Mapping[str, Node]] = field(default_factory=dict)  # table chosen by its `kind` value
    item: Node | None = None  # ids: what each id holds
    money: bool = False  # value: an amount of money
    number: bool = False  # value: a number (money, a percentage, a count)

    def keys_for(self, data: object) -> Mapping[str, Node]:
        """A table's keys; for a payment option, those of its kind (all kinds' keys while the kind is unknown)."""
        if not self.tagged:
            return self.fields
        kind = data.get("kind") if isinstance(data, Mapping) else None
        if isinstance(kind, str) and kind in self.tagged:
            return self.tagged[kind]
        merged: dict[str, Node] = {}
        for keys in self.tagged.values():
            merged.update(keys)
        return merged


def _table(cls: type[BaseModel]) -> Node:
    return Node(
        "table", fields={name: _node(info.annotation, info.metadata) for name, info in cls.model_fields.items()}
    )


def _tagged(choices: Iterable[type[BaseModel]]) -> Node:
    """A discriminated union of tables: the payment options, told apart by `kind`."""
    tagged: dict[str, Mapping[str, Node]] = {}
    for choice in choices:
        table = _table(choice)
        for kind in get_args(choice.model_fields["kind"].annotation):
            tagged[kind] = table.fields
    return Node("table", tagged=tagged)


def _node(annotation: Any, metadata: list[Any]) -> Node:
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *extra = get_args(annotation)
        return _node(inner, [*metadata, *extra])
    if any(item is model.EVERY_KIND for item in metadata):
        return _tagged(model.option_models())
    if origin in (Union, types.UnionType):
        choices = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(choices) == 1:
            return _node(choices[0], metadata)
        tables = [arg for arg in choices if isinstance(arg, type) and issubclass(arg, BaseModel)]
        if len(tables) == 1 and "kind" not in tables[0].model_fields:
            return _table(tables[0])  # a count or its table by price point (a line item's quantity)
        return _tagged(choices)
    if origin is dict:
        _, value = get_args(annotation)
        return Node("ids", item=_node(value, []))
    if origin is list:
        (element,) = get_args(annotation)
        is_table = isinstance(element, type) and issubclass(element, BaseModel)
        return Node("array", item=_table(element) if is_table else None)  # an array of tables: keys by index
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _table(annotation)
    number = annotation in (int, Decimal)
    return Node("value", money=any(item is model.MONEY for item in metadata), number=number)


@functools.cache
def root() -> Node:
    """The whole sheet's node (built once, and again when a kind is registered: walking the models costs a few
    milliseconds)."""
    return _table(model.Sheet)


def index_of(part: str) -> int | None:
    """An array index written as plain digits (``0``, ``007``), or None. int() alone would take ``²`` for a digit
    and refuse thousands of digits with a ValueError; no array in a sheet is long enough to need more than six."""
    digits = part.lstrip("0") or "0"
    if part.isascii() and part.isdigit() and len(digits) <= 6:
        return int(digits)
    return None


kinds.on_change(root.cache_clear)


def keys_at(loc: Sequence[str | int]) -> list[str]:
    """The keys the table at a validation error's location may have (in pydantic's locations a payment option's
    kind follows its id); none when the location is not a table the schema knows."""
    node = root()
    for part in loc:
        if node.kind == "table" and node.tagged and isinstance(part, str) and part in node.tagged:
            node = Node("table", fields=node.tagged[part])
        elif node.kind == "table" and isinstance(part, str) and part in node.keys_for(None):
            node = node.keys_for(None)[part]
        elif node.kind in ("ids", "array") and node.item is not None:
            node = node.item
        else:
            return []
    return list(node.keys_for(None)) if node.kind == "table" else []


def split(key: str) -> KeyPath:
    """``treatments.iv.price.high`` -> its parts; every part of a sheet key is a bare TOML key."""
    parts = tuple(part.strip() for part in key.strip().split("."))
    # Control, invisible and direction-changing characters are in no key, and must not reach a message unescaped.
    if not key.strip() or not all(part and part.isprintable() for part in parts):
        raise BadInput(f"{key!r} is not a key (expected a dotted key such as treatments.iv.price.high)")
    return parts


def resolve(path: KeyPath, data: Mapping[str, Any]) -> Node:
    """The schema's node at ``path``, or :class:`BadInput` naming the nearest key the schema does know.

    ``data`` is the sheet as parsed: it tells a payment option's kind, and which ids exist (a misspelt id is
    refused when an existing one is close, rather than silently starting a new treatment).
    """
    node = root()
    current: object = data
    for index, part in enumerate(path):
        walked = path[:index]
        if node.kind == "table":
            keys = node.keys_for(current)
            if part not in keys:
                raise BadInput(_unknown(path, index, list(keys)))
            node = keys[part]
        elif node.kind == "ids":
            existing = list(current) if isinstance(current, Mapping) else []
            if not ID.match(part):
                raise BadInput(f"{'.'.join(path)}: {part!r} is not an id: use lowercase letters, digits, '_' or '-'")
            if part not in existing and index < len(path) - 1 and difflib.get_close_matches(part, existing, n=1):
                raise BadInput(_unknown(path, index, existing))
            assert node.item is not None
            node = node.item
        elif node.kind == "array" and node.item is not None:
            count = len(current) if isinstance(current, list) else 0
            position = index_of(part)
            if position is None or position >= count:
                raise BadInput(
                    f"{'.'.join(path)}: {'.'.join(walked)} is an array of {count} tables: "
                    f"name one by its index, 0-{count - 1} ({'.'.join((*walked, '0', *path[index + 1 :]))})"
                    if count
                    else f"{'.'.join(path)}: {'.'.join(walked)} is not in the sheet: set it whole"
                )
            node = node.item
            current = current[position] if isinstance(current, list) else None
            continue
        else:
            what = "an array: set it whole" if node.kind == "array" else "a single value"
            raise BadInput(f"{'.'.join(path)}: {'.'.join(walked)} is {what}, it has no keys")
        current = current.get(part) if isinstance(current, Mapping) else None
    return node


def _unknown(path: KeyPath, index: int, candidates: list[str]) -> str:
    """The message for an unknown part ``path[index]``: the nearest key, else the keys there are."""
    key = ".".join(path)
    close = difflib.get_close_matches(path[index], candidates, n=1, cutoff=0.5)
    if close:
        return f"unknown key {key!r} (did you mean {'.'.join((*path[:index], close[0], *path[index + 1 :]))!r}?)"
    where = ".".join(path[:index]) or "the top level"
    return f"unknown key {key!r} (keys of {where}: {', '.join(candidates)})"


def money_paths(data: Mapping[str, Any]) -> Iterator[KeyPath]:
    """Every amount of money the sheet sets, in file order of the parsed data."""

    def walk(node: Node, value: object, path: KeyPath) -> Iterator[KeyPath]:
        if not isinstance(value, Mapping):
            if node.kind == "value" and node.money:
                yield path
            return
        if node.kind == "ids" and node.item is not None:
            for key, item in value.items():
                yield from walk(node.item, item, (*path, key))
        elif node.kind == "table":
            keys = node.keys_for(value)
            for key, item in value.items():
                if key in keys:
                    yield from walk(keys[key], item, (*path, key))

    yield from walk(root(), data, ())


def glob_matches(pattern: str, path: KeyPath) -> bool:
    """Whether a dotted glob selects ``path``: ``*`` stands for one part, ``**`` for any number of parts.

    A pattern that selects a table selects every key inside it: ``treatments.*.price`` selects each low,
    typical and high price.
    """
    import fnmatch

    parts = tuple(pattern.strip().split("."))

    def match(p: int, k: int) -> bool:
        if p == len(parts):
            return True  # the pattern is used up: it named this key or a table that holds it
        if parts[p] == "**":
            return any(match(p + 1, j) for j in range(k, len(path) + 1))
        return k < len(path) and fnmatch.fnmatchcase(path[k], parts[p]) and match(p + 1, k + 1)

    return match(0, 0)
