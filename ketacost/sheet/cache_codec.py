"""The sheet cache's file format: a price list as plain JSON, whose reading can build data and nothing else.

Records are walked generically by their ``_fields``: a record is ``[class name, field values...]``, a tuple
``["#tuple", items...]``, a Decimal ``["#decimal", "17.99"]``, a date ``["#date", "2026-11-01"]``, a dict a JSON
object; str, int, bool and None are themselves. Decoding looks class names up only in an allow-list, the
:class:`~ketacost.record.Record` classes a price list holds (:func:`ketacost.prices.record_classes`), so
a record added or renamed needs no change here; any other tag, shape or type is an
error (the cache treats it as a miss).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

FORMAT = 1
_DECIMAL, _DATE, _TUPLE = "#decimal", "#date", "#tuple"
_PLAIN = (str, int, bool, type(None))


class Undecodable(ValueError):
    """The bytes are not an entry this code wrote for this key."""


def _records() -> dict[str, type[Any]]:
    """The classes a cache entry may name: the records a price list holds (:func:`ketacost.prices.record_classes`:
    its own and each payment kind's option record), by class name."""
    from ketacost.prices import record_classes

    return dict(record_classes())


def encode(key: str, value: object) -> bytes:
    """The entry for ``value`` under ``key``. Raises ValueError for anything the decoder would not rebuild."""
    allowed = _records()

    def plain(item: object) -> object:
        kind = type(item)
        if kind in _PLAIN:
            return item
        if kind is dict:
            assert isinstance(item, dict)
            if not all(type(name) is str for name in item):
                raise ValueError("a mapping with a key that is not a string")
            return {name: plain(member) for name, member in item.items()}
        if kind is tuple:
            assert isinstance(item, tuple)
            return [_TUPLE, *map(plain, item)]
        if kind is Decimal:
            return [_DECIMAL, str(item)]
        if kind is dt.date:
            assert isinstance(item, dt.date)
            return [_DATE, item.isoformat()]
        if allowed.get(kind.__name__) is kind:
            return [kind.__name__, *(plain(getattr(item, name)) for name in kind._fields)]
        raise ValueError(f"cannot cache a {kind.__name__}")  # e.g. a float: money is never one

    import json

    document = {"format": FORMAT, "key": key, "value": plain(value)}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def decode(data: bytes, key: str) -> object:
    """The value of an entry written by :func:`encode` for ``key``; :class:`Undecodable` for anything else."""
    try:
        document = _loads(data.decode("utf-8"))
    except (ValueError, RecursionError, StopIteration) as error:  # UnicodeDecodeError, JSONDecodeError: ValueErrors
        raise Undecodable(str(error)) from None
    if type(document) is not dict or document.get("format") != FORMAT or document.get("key") != key:
        raise Undecodable("another format or another sheet's entry")
    allowed = _records()

    def build(item: Any) -> Any:
        kind = type(item)
        if kind is list:
            if not item or type(item[0]) is not str:
                raise Undecodable("an untagged list")
            tag = item[0]
            if tag == _DECIMAL and len(item) == 2 and type(item[1]) is str:
                return Decimal(item[1])
            if tag == _DATE and len(item) == 2 and type(item[1]) is str:
                return dt.date.fromisoformat(item[1])
            if tag == _TUPLE:
                return tuple(map(build, item[1:]))
            record = allowed.get(tag)
            if record is None or len(item) != len(record._fields) + 1:
                raise Undecodable(f"an unknown tag or a record of another shape: {tag[:40]!r}")
            return record(*map(build, item[1:]))
        if kind is dict:
            return {name: build(member) for name, member in item.items()}
        if kind in _PLAIN:
            return item
        raise Undecodable(f"an unexpected {kind.__name__}")

    try:
        return build(document.get("value"))
    except Undecodable:
        raise
    except (ValueError, TypeError, ArithmeticError, RecursionError) as error:  # a bad Decimal or date text
        raise Undecodable(str(error)) from None


def _refuse(text: str) -> object:
    """Floats, NaN and Infinity: never written, so never read."""
    raise Undecodable(f"an unexpected number {text[:40]!r}")


class _Strict:
    """The settings of JSON's C scanner: plain objects and ints; floats, NaN and Infinity refused."""

    strict = True
    object_hook = object_pairs_hook = None
    parse_int = int
    parse_float = parse_constant = staticmethod(_refuse)


def _loads(text: str) -> Any:
    """``json.loads``, straight from its C scanner when there is one: importing the ``json`` package (its
    encoder, and the regular expressions it compiles) would cost a cache hit more start-up time than the rest of
    the read. The scanner builds only dicts, lists, str, int, bool and None."""
    try:
        from _json import make_scanner
    except ImportError:  # a Python without the C accelerator
        import json

        return json.loads(text, parse_constant=_refuse, parse_float=_refuse)
    # typeshed types the context as a scanner; it is any object with a decoder's settings.
    value, end = make_scanner(_Strict)(text, 0)  # type: ignore[arg-type]  # StopIteration: no value at all
    if end != len(text):
        raise Undecodable("data after the entry")
    return value
