"""Loading a price sheet: the default is valid, and every kind of problem is reported at its key's position."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from ketacost.errors import BadInput
from ketacost.sheet.load import EMBEDDED, SheetSource, discover, load, parse_sheet


def problems(text: str) -> list[str]:
    with pytest.raises(BadInput) as caught:
        parse_sheet(text, "s.toml")
    return list(caught.value.lines)


def test_default_sheet_is_valid_and_has_the_seed_figures(sheet_text: str) -> None:
    sheet = parse_sheet(sheet_text, "pricing.toml")
    iv = sheet.treatments[sheet.default_treatment]
    assert (iv.price.low, iv.price.high) == (Decimal("400.00"), Decimal("1000.00"))
    assert iv.course.sessions == 6
    assert {o.kind for o in sheet.options.values()} >= {"self_pay", "hsa", "fsa", "loan", "clinic_plan", "va"}
    assert set(sheet.treatments) >= {"iv", "im", "spravato", "kap", "oral"}


def test_money_is_read_exactly_never_as_float(sheet_text: str) -> None:
    sheet = parse_sheet(sheet_text.replace("apr = 17.99", "apr = 17.10"), "p.toml")
    apr = sheet.options["medical_loan"].apr  # type: ignore[union-attr]
    assert isinstance(apr, Decimal) and str(apr) == "17.10"


def test_the_embedded_sheet_is_the_repository_sheet() -> None:
    assert EMBEDDED.read_bytes() == (Path(__file__).parents[2] / "pricing.toml").read_bytes()


def test_misspelt_key_is_named_with_its_line_column_and_a_suggestion(sheet_v1_text: str) -> None:
    text = sheet_v1_text.replace("price = { low = 400.00, typical", "price = { low = 400.00, tpyical")
    lines = problems(text)
    line_no = next(i for i, line in enumerate(text.splitlines(), 1) if "tpyical" in line)
    column = text.splitlines()[line_no - 1].index("tpyical") + 1
    assert f"s.toml:{line_no}:{column}: treatments.iv.price.tpyical: unknown key (did you mean 'typical'?)" in lines


def test_wrong_type_names_the_type_given(sheet_text: str) -> None:
    text = sheet_text.replace("term_months = 24 ", 'term_months = "24"')
    (line,) = problems(text)
    line_no = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("term_months"))
    assert line.startswith(f"s.toml:{line_no}:1: options.medical_loan.term_months: ")
    assert "got a string" in line


def test_low_above_high_points_at_low_and_shows_both_values(sheet_v1_text: str) -> None:
    text = sheet_v1_text.replace(
        "{ low = 400.00, typical = 600.00, high = 1000.00 }",
        "{ low = 1200.00, typical = 600.00, high = 1000.00 }",
    )
    (line,) = problems(text)
    assert "treatments.iv.price.low: must not exceed high (1200.00 > 1000.00)" in line
    line_no = next(i for i, row in enumerate(text.splitlines(), 1) if "low = 1200.00" in row)
    assert line.startswith(f"s.toml:{line_no}:11: ")


def test_all_problems_are_reported_at_once_in_file_order(sheet_text: str) -> None:
    text = (
        sheet_text.replace("apr = 17.99", "apr = 117.99")
        .replace("hsa_catch_up = 1000.00", "hsa_catch_up = 1000.001")
        .replace('default_treatment = "iv"', 'default_treatment = "ivv"')
    )
    lines = problems(text)
    assert len(lines) == 3
    assert "default_treatment: 'ivv' is not a treatment" in lines[0]
    assert "tax.hsa_catch_up: decimal input should have no more than 2 decimal places" in lines[1]
    assert "options.medical_loan.apr: input should be less than or equal to 100" in lines[2]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "course = { sessions = 6, weeks_min = 2",
            "course = { sessions = 0, weeks_min = 2",
            "treatments.iv.course.sessions: input should be greater than or equal to 1",
        ),
        (
            "course = { sessions = 6, weeks_min = 2",
            "course = { sessions = 201, weeks_min = 2",
            "treatments.iv.course.sessions: input should be less than or equal to 200",
        ),
        (
            "term_months = 24 ",
            "term_months = 0  ",
            "options.medical_loan.term_months: input should be greater than or equal to 1",
        ),
        (
            "term_months = 24 ",
            "term_months = 121",
            "options.medical_loan.term_months: input should be less than or equal to 120",
        ),
        (
            "copay_per_session = 50.00",
            "copay_per_session = nan",
            "options.va.copay_per_session: input should be a finite number",
        ),
        (
            "copay_per_session = 50.00",
            "copay_per_session = inf",
            "options.va.copay_per_session: input should be a finite number",
        ),
        (
            "copay_per_session = 50.00",
            "copay_per_session = -5.00",
            "options.va.copay_per_session: input should be greater than or equal to 0",
        ),
        (
            "copay_per_session = 50.00",
            "copay_per_session = 1000000.01",
            "options.va.copay_per_session: input should be less than or equal to 1000000",
        ),
        ('kind = "va"', 'kind = "veterans"', "options.va: kind must be one of"),
        (
            "down_payment_pct = 25.00",
            "down_payment_pct = 25.00\ndown_payment = 100.00",
            "options.clinic_plan.down_payment: give down_payment or down_payment_pct, not both",
        ),
        (
            'treatments = ["iv", "spravato"]',
            'treatments = ["iv", "sprav"]',
            "options.va.treatments.1: 'sprav' is not a treatment",
        ),
        ("schema_version = 2", "schema_version = 3", "schema_version: input should be 1 or 2"),
        (
            "origination_fee_pct = 5.00",
            "origination_fee_pct = true",
            "options.medical_loan.origination_fee_pct: ",
        ),
        ("[treatments.im]", "[treatments.IM]", "treatments.IM: invalid id 'IM'"),
    ],
)
def test_broken_rules_are_reported_with_their_key(sheet_text: str, old: str, new: str, expected: str) -> None:
    assert old in sheet_text
    lines = problems(sheet_text.replace(old, new, 1))
    assert any(expected in line for line in lines), lines
    assert all(line.startswith("s.toml:") for line in lines)


def test_missing_key_is_shown_at_its_table(sheet_text: str) -> None:
    text = sheet_text.replace("fsa_limit = 3400.00", "")
    (line,) = problems(text)
    line_no = text.splitlines().index("[tax]") + 1
    assert line == f"s.toml:{line_no}:2: tax.fsa_limit: missing required key"


def test_invalid_toml_reports_the_parsers_position() -> None:
    (line,) = problems('schema_version = 1\neffective = 2026-11-01\nname = "unterminated\n')
    assert line.startswith("s.toml:3:")
    assert "invalid TOML" in line


def test_duplicate_ids_are_a_toml_error(sheet_text: str) -> None:
    (line,) = problems(sheet_text + '\n[options.va]\nkind = "va"\nname = "again"\ncopay_per_session = 0.00\n')
    assert "invalid TOML" in line and "s.toml:" in line


def test_empty_sheet_lists_the_missing_keys() -> None:
    lines = problems("")
    assert any("schema_version: missing required key" in line for line in lines)
    assert any("treatments: missing required key" in line for line in lines)


def test_missing_file_directory_and_non_utf8(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"nope\.toml: no such file"):
        load(SheetSource(tmp_path / "nope.toml", "nope.toml"))
    with pytest.raises(BadInput, match="is a directory"):
        load(SheetSource(tmp_path, "dir"))
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'schema_version = 1\nname = "caf\xe9"\n')
    with pytest.raises(BadInput, match=r"latin1:2:12: not UTF-8 text \(byte 0xe9\)"):
        load(SheetSource(bad, "latin1"))


def test_unreadable_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "locked.toml"
    path.write_text("x = 1")

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(BadInput, match=r"locked\.toml: permission denied"):
        load(SheetSource(path, "locked.toml"))


def test_discovery_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, write_sheet: Callable[[str], Path]) -> None:
    assert discover(None).embedded
    local = write_sheet("", "pricing.toml")
    assert discover(None).path.resolve() == local.resolve()
    monkeypatch.setenv("KETACOST_PRICING", "/from/env.toml")
    assert discover(None).path == Path("/from/env.toml")
    assert discover("given.toml").path == Path("given.toml")


def test_a_quoted_key_with_control_characters_is_shown_escaped_on_its_own_line(sheet_text: str) -> None:
    text = sheet_text.replace("[tax]\n", '[tax]\n"a\\u000db\\u001b[2J" = 1\n"two words" = 2\n', 1)
    lines = problems(text)
    line_no = text.splitlines().index('"a\\u000db\\u001b[2J" = 1') + 1
    assert lines == [
        f's.toml:{line_no}:1: tax."a\\u000db\\u001b[2J": unknown key',
        f's.toml:{line_no + 1}:1: tax."two words": unknown key',
    ]
