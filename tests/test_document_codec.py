"""The one codec of saved documents (ketacost.document.codec), as the superbill uses it: a document written before
the GFE and the superbill shared it reads back and re-renders byte for byte, and a damaged or foreign one is bad
input naming the superbill (the GFE's side: tests/test_gfe_codec.py)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from ketacost import gfe, superbill
from ketacost.errors import BadInput

# Written by the superbill's own codec before the shared one (two sessions, one paid in part, one telehealth
# session with a modifier, a non-ASCII name): the register keeps documents like it.
STORED = Path(__file__).parent / "data" / "superbill_documents" / "two-sessions.json"
GFE = Path(__file__).parent / "data" / "gfe_documents" / "iv.json"


def test_a_stored_superbill_document_reads_back_and_renders_byte_for_byte() -> None:
    text = STORED.read_text(encoding="utf-8")
    read = superbill.from_document(json.loads(text))
    assert superbill.canonical_json(superbill.to_document(read)) == text
    assert str(read.total_paid) == json.loads(text)["totals"]["paid"]


def test_a_damaged_superbill_document_is_bad_input_naming_each_field() -> None:
    document = json.loads(STORED.read_text(encoding="utf-8"))
    document["totals"]["paid"] = 1050  # money is text in a document
    del document["patient"]["dob"]
    with pytest.raises(BadInput) as raised:
        superbill.from_document(document)
    assert raised.value.lines == (
        "not a readable superbill document: patient.dob: Field required",
        "not a readable superbill document: totals.paid: Input should be a valid string",
    )


def test_each_codec_refuses_the_others_document_by_its_own_name() -> None:
    with pytest.raises(BadInput) as raised:
        superbill.from_document(json.loads(GFE.read_text(encoding="utf-8")))
    assert raised.value.lines == (
        "not a superbill document this ketacost can read (document 'ketacost.good-faith-estimate', version 1)",
    )
    with pytest.raises(BadInput) as raised:
        gfe.from_document(json.loads(STORED.read_text(encoding="utf-8")))
    assert raised.value.lines == (
        "not a Good Faith Estimate document this ketacost can read (document 'ketacost.superbill', version 1)",
    )


def test_both_documents_share_one_text_form() -> None:
    assert gfe.canonical_json is superbill.canonical_json


def test_superbill_ids_are_made_and_read_back_as_quote_ids_are_with_their_own_letter() -> None:
    made = {superbill.new_superbill_id(dt.date(2026, 11, 27)) for _ in range(50)}
    assert all(re.fullmatch(r"S-20261127-[0-9A-HJKMNP-TV-Z]{4}", made_id) for made_id in made)
    assert superbill.normalize_superbill_id(" s-20261127-oil9 ") == "S-20261127-0119"
    assert superbill.normalize_superbill_id("q-20261127-oil9") == "Q-20261127-OIL9"  # a quote's: only upper-cased
    assert gfe.normalize_quote_id("s-20261127-oil9") == "S-20261127-OIL9"
