"""Find and load a price sheet: TOML text -> validated :class:`Sheet`, every problem as ``file:line:col: key: msg``."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ketacost.errors import BadInput
from ketacost.record import Record

if TYPE_CHECKING:  # the models are imported lazily: `--version` and `--help` need not build them
    from ketacost.prices import PriceList
    from ketacost.sheet.model import Sheet
    from ketacost.sheet.positions import Path as KeyPath

ENV_VAR = "KETACOST_PRICING"
EMBEDDED = Path(__file__).resolve().parent.parent / "pricing.toml"
EMBEDDED_LABEL = "built-in default"


class SheetSource(Record):
    """Where a sheet comes from, as the user should see it named."""

    path: Path
    label: str
    embedded: bool = False


def shown_path(text: str) -> str:
    """A path as typed, fit to print and to store. A name whose bytes are not UTF-8 reaches Python holding lone
    surrogates, which no UTF-8 stream or database accepts; those bytes are shown as ``\\xNN`` instead."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # a surrogate that stands for no byte
            return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def source_of(path: str) -> SheetSource:
    """A sheet named on the command line, labelled as typed."""
    return SheetSource(Path(path), shown_path(path))


def discover(explicit: str | os.PathLike[str] | None, cwd: Path | None = None) -> SheetSource:
    """``--pricing PATH`` > ``$KETACOST_PRICING`` > ``./pricing.toml`` > the embedded default."""
    if explicit is not None and str(explicit) != "":
        return source_of(str(explicit))
    from_env = os.environ.get(ENV_VAR, "")
    if from_env:
        return source_of(from_env)
    local = (cwd or Path.cwd()) / "pricing.toml"
    if local.is_file():
        return SheetSource(local, "pricing.toml" if cwd is None else str(local))
    return SheetSource(EMBEDDED, EMBEDDED_LABEL, embedded=True)


BOM = "\ufeff"


MAX_SHEET_BYTES = 4 * 1024 * 1024  # a price sheet is a few kilobytes; anything near this is not one


def read_text(source: SheetSource) -> str:
    """The sheet's text, or a one-line error naming the file.

    Only a regular file of at most :data:`MAX_SHEET_BYTES` is read: a FIFO would hang, ``/dev/zero`` would be read
    until memory runs out, and a huge file would be parsed whole before being refused.
    """
    name = source.label
    try:
        data = _read_capped(source.path, name)
    except FileNotFoundError:
        raise BadInput(f"{name}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{name}: is a directory, not a price sheet") from None
    except PermissionError:
        raise BadInput(f"{name}: permission denied") from None
    except OSError as error:
        raise BadInput(f"{name}: cannot read: {error.strerror or error}") from None
    try:
        # Without the byte-order mark Windows editors put first: it is not part of the TOML, nor a column.
        return data.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise BadInput(f"{name}:{line}:{column}: not UTF-8 text (byte 0x{data[error.start]:02x})") from None


def _read_capped(path: Path, name: str) -> bytes:
    import stat

    info = path.stat()  # first: opening a FIFO would wait for a writer, a device may never end
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise IsADirectoryError
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device"
        raise BadInput(f"{name}: not a regular file ({kind}); name a price sheet file")
    if info.st_size > MAX_SHEET_BYTES:
        raise BadInput(f"{name}: larger than {MAX_SHEET_BYTES // (1024 * 1024)} MiB: not a price sheet")
    data = path.read_bytes()
    if len(data) > MAX_SHEET_BYTES:  # it grew since: still refused
        raise BadInput(f"{name}: larger than {MAX_SHEET_BYTES // (1024 * 1024)} MiB: not a price sheet")
    return data


# Compiled on first use (re caches them): only a broken sheet needs them.
_TOML_POSITION = r"\s*\(at line (\d+), column (\d+)\)$"
_TOML_END = r"\s*\(at end of document\)$"


def parse_toml(text: str, name: str) -> dict[str, Any]:
    """TOML text -> plain data, with every float read as an exact Decimal."""
    import tomllib  # not needed when the sheet comes from the cache

    try:
        return tomllib.loads(text, parse_float=Decimal)
    except RecursionError:
        deep_line, deep_column = _deepest(text)
        raise BadInput(f"{name}:{deep_line}:{deep_column}: invalid TOML: arrays or tables nested too deeply") from None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = re.search(_TOML_POSITION, message)
        if match:
            line, column = match.group(1), match.group(2)
            message = message[: match.start()]
        else:
            line, column = str(text.count("\n") + 1), "1"
            message = re.sub(_TOML_END, "", message)
        raise BadInput(f"{name}:{line}:{column}: invalid TOML: {message[:1].lower()}{message[1:]}") from None


NESTING_SHOWN = 100  # where a too-deep value is pointed at: no price sheet nests a tenth as deep


def _deepest(text: str) -> tuple[int, int]:
    """Line and column of the first ``[`` or ``{`` nested :data:`NESTING_SHOWN` deep (1:1 when none is found).

    Only called when tomllib ran out of stack; quotes and comments are skipped roughly, which is enough to point
    at the place."""
    depth, line, start, quote = 0, 1, 0, ""
    for index, char in enumerate(text):
        if char == "\n":
            line, start = line + 1, index + 1
            if quote == "#":
                quote = ""
        elif quote:
            if char == quote and (quote != '"' or text[index - 1] != "\\"):
                quote = ""
        elif char in "\"'#":
            quote = char
        elif char in "[{":
            depth += 1
            if depth >= NESTING_SHOWN:
                return line, index - start + 1
        elif char in "]}":
            depth = max(depth - 1, 0)
    return 1, 1


def load(source: SheetSource) -> Sheet:
    """Read, parse and validate a sheet; all problems at once in one :class:`BadInput`."""
    return parse_sheet(read_text(source), source.label)


def load_prices(source: SheetSource) -> PriceList:
    """What pricing needs of a sheet, from the per-user cache when this exact text was validated before."""
    return parse_prices(read_text(source), source.label)


def parse_prices(text: str, name: str) -> PriceList:
    """A sheet's price list: validated in full the first time, then read back from the cache."""
    from ketacost.sheet import cache

    cached = cache.get(text)
    if cached is not None:
        return cached
    from ketacost.prices import from_sheet

    prices = from_sheet(parse_sheet(text, name))
    cache.put(text, prices)
    return prices


def parse_sheet(text: str, name: str) -> Sheet:
    """Validate a sheet's text. Raises :class:`BadInput` with one line per problem, in file order."""
    data = parse_toml(text, name)
    from pydantic import ValidationError

    from ketacost.sheet import model

    problems = model.reference_problems(data)
    with _pydantic_plugins_off():
        try:
            sheet = model.Sheet.model_validate(data)
        except ValidationError as error:
            said = [loc for loc, _ in problems]
            for item in error.errors(include_url=False):
                loc, message = _describe(item)
                # A key that must not be there at all (a price given twice) is reported once, not also its parts.
                if not _other_branch(item) and not any(loc[: len(where)] == where for where in said):
                    problems.append((loc, message))
            if not problems:  # every error was one already said another way: never pass an invalid sheet
                problems.extend(_describe(item) for item in error.errors(include_url=False))
    if problems:
        raise BadInput(*format_problems(text, name, problems))
    return sheet


def format_problems(text: str, name: str, problems: list[tuple[KeyPath, str]]) -> list[str]:
    """``name:line:col: dotted.key: message`` for each problem, sorted by position in the file."""
    from ketacost.sheet.positions import dotted, key_positions, locate  # only needed when something is wrong

    positions = key_positions(text)
    lines = []
    for loc, message in problems:
        shown, (line, column) = locate(positions, loc)
        key = dotted(shown) or "(sheet)"
        lines.append(((line, column), f"{name}:{line}:{column}: {key}: {message}"))
    lines.sort(key=lambda pair: pair[0])
    return [line for _, line in lines]


# A line item's quantity is a count or a table by price point: pydantic names the branch in the location.
_QUANTITY_BRANCHES = {"constrained-int": int, "Quantities": dict}


def _other_branch(item: Any) -> bool:
    """An error from the branch of a quantity that the value is not (a table's errors for a count)."""
    loc = tuple(item["loc"])
    for index, part in enumerate(loc[1:], 1):
        if loc[index - 1] == "quantity" and part in _QUANTITY_BRANCHES:
            value = item.get("input")
            if part == "constrained-int" and not isinstance(value, dict):
                return False  # a count, or neither: "should be a valid integer" says what a quantity is
            return index == len(loc) - 1 and not isinstance(value, _QUANTITY_BRANCHES[part])
    return False


def _describe(item: Any) -> tuple[KeyPath, str]:
    """A pydantic error as (location, plain message)."""
    loc: KeyPath = tuple(
        part
        for index, part in enumerate(item["loc"])
        if not (index and item["loc"][index - 1] == "quantity" and part in _QUANTITY_BRANCHES)
    )
    kind = item["type"]
    context = item.get("ctx") or {}
    if kind == "rule":  # a rule's key may be dotted: a sheet-wide rule names a key deep inside
        parts = tuple(int(part) if part.isdigit() else part for part in str(context["key"]).split("."))
        return (*loc, *parts), item["msg"]
    if kind == "extra_forbidden":
        return loc, _unknown_key(loc)
    if kind == "missing":
        return loc, "missing required key"
    if kind == "union_tag_invalid":
        return loc, f"kind must be one of {context.get('expected_tags')} (got {context.get('tag')!r})"
    if kind == "union_tag_not_found":
        return loc, "missing required key 'kind'"
    if loc and loc[-1] == "[key]":
        return loc[:-1], f"invalid id {item['input']!r}: use lowercase letters, digits, '_' or '-'"
    message = str(item["msg"])
    if kind in ("decimal_type", "decimal_parsing", "int_type", "bool_type", "string_type", "date_type"):
        message += f" (got {_toml_type(item.get('input'))})"
    return loc, message[:1].lower() + message[1:]


def _toml_type(value: object) -> str:
    names = {bool: "a boolean", int: "an integer", Decimal: "a number", str: "a string", dict: "a table"}
    return names.get(type(value), "an array" if isinstance(value, list) else type(value).__name__)


def _unknown_key(loc: KeyPath) -> str:
    """The message for an unknown key, with the nearest of the keys allowed where it stands (never the key
    itself: it may be right in another table, but not in this one)."""
    import difflib

    from ketacost.sheet import keys

    key = str(loc[-1])
    known = [name for name in keys.keys_at(loc[:-1]) if name != key]
    close = difflib.get_close_matches(key, known, n=1)
    return f"unknown key{f' (did you mean {close[0]!r}?)' if close else ''}"


class _pydantic_plugins_off:
    """Skip pydantic's plugin discovery (an entry-point scan) while our models build, as typer itself does."""

    def __enter__(self) -> None:
        self.previous = os.environ.get("PYDANTIC_DISABLE_PLUGINS")
        os.environ["PYDANTIC_DISABLE_PLUGINS"] = "1"

    def __exit__(self, *_: object) -> None:
        if self.previous is None:
            os.environ.pop("PYDANTIC_DISABLE_PLUGINS", None)
        else:
            os.environ["PYDANTIC_DISABLE_PLUGINS"] = self.previous
