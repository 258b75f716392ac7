"""The GFE document codec: documents written before it (by the hand-written codec) read back and re-render byte for
byte, fresh GFEs round-trip, a damaged document is bad input, and the codec stays off the estimate's path."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ketacost import gfe
from ketacost.errors import BadInput
from ketacost.scenario import Scenario
from ketacost.sheet.load import parse_sheet
from tests.conftest import DEFAULT_SHEET

# Written by tests/data/gfe_documents/regenerate.py; regenerated only when the content of a GFE changes on purpose.
DOCUMENTS = Path(__file__).parent / "data" / "gfe_documents"
SHEET = parse_sheet(DEFAULT_SHEET.read_text(encoding="utf-8"), "pricing.toml")
ANA = gfe.Request(gfe.Patient("Ana Diaz", dt.date(1984, 3, 2)), scheduled=dt.date(2026, 12, 1))


def stored() -> list[Path]:
    return sorted(DOCUMENTS.glob("*.json"))


def test_the_stored_documents_cover_every_built_in_treatment_with_and_without_its_add_ons() -> None:
    names = {path.stem for path in stored()}
    assert {"iv", "iv-with-add-ons", "im", "im-with-add-ons", "spravato", "kap", "oral"} <= names
    assert {"iv-one-session-unscheduled", "iv-price-10-sessions-odd-patient", "kap-budget-down-payment"} <= names


@pytest.mark.parametrize("path", stored(), ids=lambda path: path.stem)
def test_a_document_written_by_the_earlier_codec_reads_back_and_renders_byte_for_byte(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    read = gfe.from_document(json.loads(text))
    assert gfe.canonical_json(gfe.to_document(read)) == text
    assert gfe.from_document(gfe.to_document(read)) == read


@pytest.mark.parametrize("treatment", sorted(SHEET.treatments))
@pytest.mark.parametrize("with_add_ons", [False, True])
def test_a_fresh_gfe_round_trips_through_its_document(treatment: str, with_add_ons: bool) -> None:
    add_ons = tuple(a for a, add_on in SHEET.treatments[treatment].add_ons.items() if add_on.optional)
    built = gfe.build(
        SHEET,
        Scenario(treatment=treatment, add_ons=add_ons if with_add_ons else ()),
        ANA,
        quote_id="Q-20261127-ABCD",
        issued=dt.date(2026, 11, 27),
        source="built-in default",
        sheet_sha256="0" * 64,
    )
    text = gfe.canonical_json(gfe.to_document(built))
    assert gfe.from_document(json.loads(text)) == built
    assert json.loads(text)["total"]["typical"] == f"{built.total.typical:.2f}"


def test_a_damaged_document_is_bad_input_naming_the_field_not_an_internal_error() -> None:
    document = json.loads((DOCUMENTS / "iv.json").read_text(encoding="utf-8"))
    document["providers"][0]["lines"][0]["charge"]["high"] = 1000  # money is text in a document
    del document["scope"]["unit"]
    with pytest.raises(BadInput) as raised:
        gfe.from_document(document)
    assert raised.value.lines == (
        "not a readable Good Faith Estimate document: scope.unit: Field required",
        "not a readable Good Faith Estimate document: providers.0.lines.0.charge.high: Input should be a valid string",
    )


def test_a_document_of_another_kind_or_version_is_refused_by_name() -> None:
    document = json.loads((DOCUMENTS / "iv.json").read_text(encoding="utf-8"))
    with pytest.raises(BadInput, match="version 2"):
        gfe.from_document({**document, "version": 2})


def test_building_a_gfe_leaves_the_pydantic_codec_unimported() -> None:
    code = (
        "import datetime as dt, sys\n"
        "from ketacost import gfe\n"
        "from ketacost.scenario import Scenario\n"
        "from ketacost.sheet.load import parse_sheet\n"
        f"sheet = parse_sheet(open({str(DEFAULT_SHEET)!r}, encoding='utf-8').read(), 'p')\n"
        "request = gfe.Request(gfe.Patient('A', dt.date(1984, 3, 2)))\n"
        "gfe.build(sheet, Scenario(), request, quote_id='Q', issued=dt.date(2026, 1, 1), source='p', sheet_sha256='')\n"
        "print('ketacost.gfe.codec' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "False"


# --- the one atomic-write helper (the GFE's files and the sheet) --------------------------------------------------


def test_a_killed_writers_temp_file_named_as_mkstemp_names_it_is_cleared_by_either_writer(tmp_path: Path) -> None:
    from ketacost import output
    from ketacost.sheet import write

    aged = time.time() - 60
    for name in ("g.html", "pricing.toml"):
        leftover = tmp_path / f".{name}.k_3x9q_z.tmp"  # mkstemp's random part may hold an underscore
        leftover.write_text("half a file")
        os.utime(leftover, (aged, aged))
    output.write_atomic(tmp_path / "g.html", "<p>new</p>\n")
    write.create(tmp_path / "pricing.toml", "pricing.toml", b"a = 1\n", force=True, lock_timeout=1)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["g.html", "pricing.toml", "pricing.toml.lock"]
    assert stat.S_IMODE((tmp_path / "g.html").stat().st_mode) == 0o600


def test_the_sheet_keeps_its_mode_and_a_gfe_file_becomes_private_through_the_same_helper(tmp_path: Path) -> None:
    from ketacost import output
    from ketacost.sheet import write

    sheet, html = tmp_path / "pricing.toml", tmp_path / "g.html"
    for path in (sheet, html):
        path.write_text("old\n")
        path.chmod(0o644)
    write.create(sheet, "pricing.toml", b"a = 1\n", force=True, lock_timeout=1)
    output.write_atomic(html, "<p>new</p>\n")
    assert (stat.S_IMODE(sheet.stat().st_mode), sheet.read_bytes()) == (0o644, b"a = 1\n")
    assert (stat.S_IMODE(html.stat().st_mode), html.read_text()) == (0o600, "<p>new</p>\n")


def test_a_document_from_before_payment_kinds_were_kept_still_reads() -> None:
    document = json.loads((DOCUMENTS / "iv.json").read_text(encoding="utf-8"))
    for row in document["payment_options"]["options"]:
        del row["kind"], row["unavailable_at"]
    read = gfe.from_document(document)
    assert {row.kind for row in read.payment_options} == {""}
    assert all(row.unavailable_at == () for row in read.payment_options)
