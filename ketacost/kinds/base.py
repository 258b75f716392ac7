"""What every payment kind is made of: its option record's common fields, the sheet types its fields are
validated as, and the cross-field rule a kind's ``check`` raises. Free of pydantic: the estimate imports it."""

from decimal import Decimal
from typing import Annotated, Any, dataclass_transform

from ketacost.record import Record


class SheetType:
    """Marks a record field with the sheet type that validates it: ``ketacost.sheet.model``'s type of this name,
    or, with bounds and no name, a Decimal field with just those bounds (as pydantic's ``Field`` takes them)."""

    __slots__ = ("bounds", "name")

    def __init__(self, name: str = "", **bounds: Any) -> None:
        self.name = name
        self.bounds = bounds

    def __repr__(self) -> str:
        return f"SheetType({self.name or self.bounds!r})"


# A kind's fields are declared with these: the record reads them as plain values, the sheet validates them.
Money = Annotated[Decimal, SheetType("Money")]
Percent = Annotated[Decimal, SheetType("Percent")]
Months = Annotated[int, SheetType("Months")]
Text = Annotated[str, SheetType("Text")]
Note = Annotated[str, SheetType("Note")]
Id = Annotated[str, SheetType("Id")]


@dataclass_transform(frozen_default=True, kw_only_default=True)
class _ByKeyword(Record):
    """Records built with keywords only (so a field with no default may follow one with a default)."""


class Option(_ByKeyword):
    """A payment option as the sheet gives it; each kind adds ``kind: Literal[...]`` (its JSON kind or kinds)
    and its own terms. The sheet's model for a kind is made from its record (ketacost.sheet.model), so the
    two cannot disagree; built with keywords only, as the sheet's keys name them."""

    name: Text
    note: Note = ""
    treatments: tuple[Id, ...] | None = None  # None: the option applies to every treatment
    kind: str


class Rule(ValueError):
    """A broken cross-field rule of a kind's terms, located at ``key`` inside the option."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def pct(value: Decimal) -> str:
    """A percentage as people write it: ``17.99%``, ``5%`` (no trailing zeros)."""
    text = f"{value:f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"
