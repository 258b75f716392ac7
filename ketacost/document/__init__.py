"""Saved documents (a Good Faith Estimate, a superbill): their one text form and the marks on fields the document
writes other than as JSON would; pure. :mod:`.codec` reads and writes them (pydantic: imported on first use)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from ketacost.course import Range

__all__ = ["DocumentForm", "Money", "MoneyRange", "SheetInfo", "Weeks", "canonical_json"]


def canonical_json(document: Mapping[str, Any]) -> str:
    """The one text form of a document: what ``--json`` writes and the register stores, byte for byte."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True, slots=True)
class DocumentForm:
    """A mark on a field: how the document writes it (``money``, ``range``, ``weeks``; see the codec)."""

    name: str

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        # Called by pydantic when a codec builds its TypeAdapter: the codec owns every pydantic detail.
        from ketacost.document.codec import form_schema

        return form_schema(self.name)


Money = Annotated[Decimal, DocumentForm("money")]  # "2400.00"
MoneyRange = Annotated[Range, DocumentForm("range")]  # {"low": "2400.00", "typical": ..., "high": ...}
Weeks = Annotated[tuple[int, int], DocumentForm("weeks")]  # {"min": 3, "max": 4}


@dataclass(frozen=True, slots=True)
class SheetInfo:
    """The price sheet a document was made from."""

    source: str
    effective: str
    sha256: str
