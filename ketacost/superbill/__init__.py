"""Superbills: what a patient sends an insurer to claim out-of-network reimbursement for sessions that took place:
the values (:mod:`.model`), how one is made from a sheet and the sessions (:mod:`.make`), IDs (:mod:`.ids`) and its
canonical JSON document (:mod:`.codec`, pydantic: imported when a document is first written or read).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ketacost.document import canonical_json
from ketacost.superbill.ids import new_superbill_id, normalize_superbill_id
from ketacost.superbill.make import PLACES, build, read_sessions_csv
from ketacost.superbill.model import (
    DOCUMENT_KIND,
    DOCUMENT_VERSION,
    Diagnosis,
    Patient,
    Provider,
    Service,
    Session,
    Superbill,
)

__all__ = [
    "DOCUMENT_KIND",
    "DOCUMENT_VERSION",
    "PLACES",
    "Diagnosis",
    "Patient",
    "Provider",
    "Service",
    "Session",
    "Superbill",
    "build",
    "canonical_json",
    "from_document",
    "new_superbill_id",
    "normalize_superbill_id",
    "read_sessions_csv",
    "to_document",
]


def to_document(bill: Superbill) -> dict[str, Any]:
    """The superbill as JSON data: money as two-decimal strings, dates as ISO text. What the register keeps."""
    from ketacost.superbill import codec

    return codec.to_document(bill)


def from_document(document: Mapping[str, Any]) -> Superbill:
    """Read a document written by :func:`to_document` back into a superbill."""
    from ketacost.superbill import codec

    return codec.from_document(document)
