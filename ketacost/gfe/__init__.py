"""Good Faith Estimates (No Surprises Act, 45 CFR 149.610): the values (:mod:`.model`), how one is made from a
sheet, a course and a patient (:mod:`.make`), its fixed wording (:mod:`.wording`), quote IDs (:mod:`.ids`) and its
canonical JSON document (:mod:`.codec`, pydantic: imported when a document is first written or read).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ketacost.document import canonical_json
from ketacost.gfe.ids import new_quote_id, normalize_quote_id
from ketacost.gfe.make import MAX_SCOPE_DAYS, build
from ketacost.gfe.model import (
    DOCUMENT_KIND,
    DOCUMENT_VERSION,
    Disclaimer,
    GoodFaithEstimate,
    Line,
    Party,
    Patient,
    PaymentRow,
    ProviderEstimate,
    Request,
    Scope,
    SheetInfo,
    span_text,
)
from ketacost.gfe.wording import INTRO, disclaimers

__all__ = [
    "DOCUMENT_KIND",
    "DOCUMENT_VERSION",
    "INTRO",
    "MAX_SCOPE_DAYS",
    "Disclaimer",
    "GoodFaithEstimate",
    "Line",
    "Party",
    "Patient",
    "PaymentRow",
    "ProviderEstimate",
    "Request",
    "Scope",
    "SheetInfo",
    "build",
    "canonical_json",
    "disclaimers",
    "from_document",
    "new_quote_id",
    "normalize_quote_id",
    "span_text",
    "to_document",
]


def to_document(gfe: GoodFaithEstimate) -> dict[str, Any]:
    """The GFE as JSON data: money as two-decimal strings, dates as ISO text. What the register keeps."""
    from ketacost.gfe import codec

    return codec.to_document(gfe)


def from_document(document: Mapping[str, Any]) -> GoodFaithEstimate:
    """Read a document written by :func:`to_document` (of this or an earlier version) back into a GFE."""
    from ketacost.gfe import codec

    return codec.from_document(document)
