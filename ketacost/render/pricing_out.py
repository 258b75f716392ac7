"""The renderers of ``ketacost pricing show`` and ``pricing diff`` (``(data, out) -> None``; see sheet_out)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ketacost.render.out import Out
    from ketacost.sheet.diff import SheetDiff
    from ketacost.sheet.model import Sheet


@dataclass(frozen=True, slots=True)
class SheetShown:
    """A sheet as ``pricing show`` prints it: validated, with where it came from and its text as read."""

    sheet: Sheet
    label: str
    text: str


def print_sheet_table(shown: SheetShown, out: Out) -> None:
    from ketacost.render.sheet_out import show_lines

    out.stdout.write("\n".join(show_lines(shown.sheet, shown.label, out.width())) + "\n")


def print_sheet_json(shown: SheetShown, out: Out) -> None:
    from ketacost.sheet.query import json_values

    document = {"source": shown.label, "sheet": json_values(shown.sheet)}
    out.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def print_sheet_toml(shown: SheetShown, out: Out) -> None:
    """The file as it is, byte for byte as read (comments and all)."""
    out.stdout.write(shown.text)


@dataclass(frozen=True, slots=True)
class Compared:
    """Two sheets compared by ``pricing diff``, with the names they were given by."""

    result: SheetDiff
    old: str
    new: str


def print_diff_table(compared: Compared, out: Out) -> None:
    from ketacost.render.sheet_out import diff_lines

    out.stdout.write("\n".join(diff_lines(compared.result, compared.old, compared.new, out.width())) + "\n")


def print_diff_json(compared: Compared, out: Out) -> None:
    from ketacost.render.sheet_out import diff_document

    document = diff_document(compared.result, compared.old, compared.new)
    out.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


@dataclass(frozen=True, slots=True)
class Key:
    """A dotted key of a sheet, for ``pricing get``; ``raw`` is the file's own data (it tells an unset key)."""

    sheet: Sheet
    key: str
    raw: dict[str, Any]


def print_value_text(found: Key, out: Out) -> None:
    """The bare value, for ``$(...)``: a table as ``key = value`` lines, an array one item a line."""
    from ketacost.sheet import query

    value = query.lookup(query.values(found.sheet), found.key, found.raw)
    if isinstance(value, dict):
        lines = [f"{'.'.join(path)} = {query.literal(item)}" for path, item in query.flatten(value)]
    elif isinstance(value, list):
        lines = [query.bare(item) for item in value]
    else:
        lines = [query.bare(value)]
    out.stdout.write("".join(line + "\n" for line in lines))


def print_value_json(found: Key, out: Out) -> None:
    from ketacost.sheet import query

    value = query.lookup(query.json_values(found.sheet), found.key, found.raw)
    out.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
