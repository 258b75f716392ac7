"""Immutable value records: a NamedTuple's convenience without its cost at start-up.

The rule for value types in ketacost: a value type the estimate path imports subclasses :class:`Record`; every
other one is ``@dataclass(frozen=True, slots=True)`` (pydantic's GFE codec reads the GFE model's dataclasses); no
NamedTuple. Defining a class is what a Record saves: the 28 the estimate path defines take about 0.4 ms as
Records and about 21 ms as frozen slotted dataclasses (which compile ``__init__``, ``__eq__``, ``__hash__`` and
rebuild the class for its slots), a large part of ``ketacost estimate``'s start-up; ``typing.NamedTuple`` also
compiles a constructor for every class. A subclass just lists annotated fields (with defaults where wanted):
instances are immutable, compare and hash by value, have a readable repr, pickle, and offer ``_replace`` and
``_fields`` as named tuples do. They are not tuples: no unpacking or indexing. Type checkers see the constructor
through ``dataclass_transform``. A record built by the million (an outcome, a schedule row) may spell out its
``__init__`` (tests/test_record.py holds it to the fields).
"""

from typing import Any, ClassVar, Self, dataclass_transform


@dataclass_transform(frozen_default=True)
class Record:
    """Base of ketacost's value types; subclass it and annotate the fields."""

    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}
    # _tails[n]: the defaults of the fields after the first n, when they all have one (else None): what a call
    # with n positional values and no keywords fills in. Batch estimates make a few dozen records per scenario.
    _tails: ClassVar[tuple[dict[str, Any] | None, ...]] = ({},)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = [name for name in cls.__dict__.get("__annotations__", {}) if not name.startswith("_")]  # noqa: RUF063
        cls._fields = fields = tuple(dict.fromkeys([*cls._fields, *own]))
        cls._defaults = defaults = {
            **cls._defaults,
            **{name: cls.__dict__[name] for name in own if name in cls.__dict__},
        }
        tails: list[dict[str, Any] | None] = [{}]
        for name in reversed(fields):
            tail = tails[-1]
            tails.append(None if tail is None or name not in defaults else {name: defaults[name], **tail})
        cls._tails = tuple(reversed(tails))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not kwargs and len(args) < len(self._tails):
            tail = self._tails[len(args)]
            if tail is not None:  # the usual call: the first values in order, defaults for the rest
                values = vars(self)
                values.update(zip(self._fields, args, strict=False))
                values.update(tail)
                return
        fields = self._fields
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__} takes {len(fields)} values, {len(args)} given")
        values = dict(zip(fields, args, strict=False))
        for name, value in kwargs.items():
            if name not in fields or name in values:
                raise TypeError(f"{type(self).__name__}: unexpected or repeated field {name!r}")
            values[name] = value
        if len(values) < len(fields):
            for name in fields:
                if name not in values:
                    if name not in self._defaults:
                        raise TypeError(f"{type(self).__name__}: missing field {name!r}")
                    values[name] = self._defaults[name]
        vars(self).update(values)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: use _replace()")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash((type(self), *(vars(self)[name] for name in self._fields)))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={vars(self)[name]!r}" for name in self._fields)
        return f"{type(self).__name__}({shown})"

    def _replace(self, **changes: Any) -> Self:
        """A copy with some fields changed."""
        unknown = set(changes) - set(self._fields)
        if unknown:
            raise TypeError(f"{type(self).__name__}: no field {sorted(unknown)[0]!r}")
        copy = object.__new__(type(self))
        vars(copy).update(vars(self), **changes)
        return copy
