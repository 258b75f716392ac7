"""Text that hides itself (invisible and direction-changing characters) is refused where it comes in, named by its
code point and never printed: every string of a price sheet, a patient's name, `pricing set` values (issue 9,
item 8). Text that merely is not ASCII still passes."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import tomllib
import unicodedata
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from ketacost import text
from ketacost.sheet.schema import sheet_schema
from tests.conftest import DEFAULT_SHEET, Run

# One or more of each class the rule refuses, as (character, its name as the message gives it).
HIDDEN = [
    ("\u202a", "LEFT-TO-RIGHT EMBEDDING"),
    ("\u202e", "RIGHT-TO-LEFT OVERRIDE"),
    ("\u2066", "LEFT-TO-RIGHT ISOLATE"),
    ("\u2069", "POP DIRECTIONAL ISOLATE"),
    ("\u200b", "ZERO WIDTH SPACE"),
    ("\u200d", "ZERO WIDTH JOINER"),
    ("\u200f", "RIGHT-TO-LEFT MARK"),
    ("\u061c", "ARABIC LETTER MARK"),
    ("\u00ad", "SOFT HYPHEN"),
    ("\u2028", "LINE SEPARATOR"),
    ("\u2029", "PARAGRAPH SEPARATOR"),
    ("\U000e0001", "LANGUAGE TAG"),
    ("\U000e0041", "TAG LATIN CAPITAL LETTER A"),
    ("\ufeff", "ZERO WIDTH NO-BREAK SPACE"),
    ("\u2060", "WORD JOINER"),
    ("\u2062", "INVISIBLE TIMES"),
    ("\u180e", "MONGOLIAN VOWEL SEPARATOR"),
]
IDS = [f"U+{ord(char):04X}" for char, _ in HIDDEN]
# Names people have, which must go through untouched.
LEGITIMATE = ["José Núñez", "山田 太郎", "محمد علي", "Ana 😀 Diaz", "Seán O\u2019Brien", "Zoë Ångström-Łukasz"]
PATIENT = ("--dob", "1984-03-02")
IV_NAME = 'name = "IV ketamine infusion"'
IV_LINE = DEFAULT_SHEET.read_text(encoding="utf-8").split(IV_NAME)[0].count("\n") + 1  # its line in the default sheet


def message(char: str, name: str) -> str:
    return f"contains an invisible or direction-changing character U+{ord(char):04X} ({name})"


def sheet_with(sheet_text: str, old: str, new: str) -> str:
    assert old in sheet_text, old
    return sheet_text.replace(old, new, 1)


# --- the price sheet -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("char", "name"), HIDDEN, ids=IDS)
def test_a_hidden_character_in_a_sheet_name_is_refused_where_it_stands(
    run: Run, sheet_text: str, write_sheet: Callable[[str], Path], char: str, name: str
) -> None:
    write_sheet(sheet_with(sheet_text, IV_NAME, f'name = "IV ket{char}amine infusion"'))
    for command in (("estimate",), ("pricing", "validate", "sheet.toml")):
        result = run("--pricing", "sheet.toml", *command)
        assert result.exit_code == 2, result.stdout
        assert result.stderr == f"sheet.toml:{IV_LINE}:1: treatments.iv.name: {message(char, name)} at position 7\n"
        assert char not in result.stdout + result.stderr


def test_a_toml_escape_is_the_same_character(run: Run, sheet_text: str, write_sheet: Callable[[str], Path]) -> None:
    write_sheet(sheet_with(sheet_text, IV_NAME, 'name = "IV \\u202Eketamine"'))
    result = run("--pricing", "sheet.toml", "estimate")
    assert result.exit_code == 2
    assert (
        f"sheet.toml:{IV_LINE}:1: treatments.iv.name: {message(chr(0x202E), 'RIGHT-TO-LEFT OVERRIDE')}" in result.stderr
    )
    assert "at position 4" in result.stderr  # a position in the value, not in its spelling


# Every kind of string a sheet holds: (what the default sheet says, the same with a hidden character, its key).
EVERY_STRING = [
    ('name = "Example Ketamine Clinic"', 'name = "Example\u200b Clinic"', "clinic.name"),
    (
        'contact = "the front desk, (555) 010-0100, frontdesk@example.com"',
        'contact = "front\u00ad desk"',
        "clinic.contact",
    ),
    (
        'address = "200 Example Avenue, Springfield, IL 62702"',
        'address = "200 Example\u202e Avenue"',
        "providers.therapist.address",
    ),
    ('frequency = "2-3 infusions a week"', 'frequency = "2-3\u2066 a week"', "treatments.iv.course.frequency"),
    (
        'description = "IV infusion, up to 1 hour, with monitoring"',
        'description = "IV infusion\ufeff"',
        "fees.iv_infusion.description",  # (the fee schedule, schema version 2)
    ),
    ('name = "Initial consultation"', 'name = "Initial\u2028consultation"', "treatments.iv.add_ons.consultation.name"),
    (
        '"Ongoing psychiatric care or psychotherapy with your own providers"',
        '"Ongoing care\U000e0041"',
        "treatments.iv.separate_scheduling.1",
    ),
    ('name = "Medical loan"', 'name = "Medical\u2060loan"', "options.medical_loan.name"),
    (
        'note = "Example terms: replace with the lender\'s own."',
        'note = "Example\u061c terms"',
        "options.medical_loan.note",
    ),
]


def test_every_string_of_a_sheet_is_checked_and_all_problems_are_reported_at_once(
    run: Run, sheet_text: str, write_sheet: Callable[[str], Path]
) -> None:
    text_ = sheet_text
    for old, new, _ in EVERY_STRING:
        text_ = sheet_with(text_, old, new)
    write_sheet(text_)
    result = run("pricing", "validate", "sheet.toml")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == len(EVERY_STRING), lines
    for _, _, key in EVERY_STRING:
        assert any(f": {key}: contains an invisible or direction-changing character U+" in line for line in lines), key
    assert all(line.startswith("sheet.toml:") and line.split(":")[1].isdigit() for line in lines)
    assert lines == sorted(lines, key=lambda line: int(line.split(":")[1]))  # in file order


def test_a_multi_line_note_keeps_its_newlines_and_tabs(
    run: Run, sheet_text: str, write_sheet: Callable[[str], Path]
) -> None:
    old = 'note = "Off-label for depression; insurance rarely pays."'
    write_sheet(sheet_with(sheet_text, old, 'note = """Off-label for depression;\n\tinsurance rarely pays."""'))
    result = run("pricing", "validate", "sheet.toml")
    assert result.exit_code == 0, result.stderr


def test_a_hidden_character_in_a_table_name_is_an_invalid_id_shown_escaped(
    run: Run, sheet_text: str, write_sheet: Callable[[str], Path]
) -> None:
    path = write_sheet(sheet_with(sheet_text, "[treatments.iv]", '[treatments."iv\u202e"]'))
    result = run("--pricing", str(path), "estimate")
    assert result.exit_code == 2
    assert "treatments.\"iv\\u202e\": invalid id 'iv\\u202e'" in result.stderr
    assert "\u202e" not in result.stdout + result.stderr


@pytest.mark.parametrize("name", LEGITIMATE)
def test_names_in_any_script_still_pass(
    run: Run, sheet_text: str, write_sheet: Callable[[str], Path], name: str
) -> None:
    path = write_sheet(sheet_with(sheet_text, IV_NAME, f'name = "{name}"'))
    result = run("--pricing", str(path), "estimate", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["course"]["treatment_name"] == name


# --- the JSON Schema tells editors the same --------------------------------------------------------------------


def schema_errors(sheet: str) -> list[str]:
    validator = jsonschema.Draft202012Validator(sheet_schema())
    return [error.message for error in validator.iter_errors(tomllib.loads(sheet))]


def test_the_schema_refuses_what_the_loader_refuses_and_passes_what_it_passes(sheet_text: str) -> None:
    shown = sheet_with(sheet_text, "effective = 2026-11-01", 'effective = "2026-11-01"')  # as JSON has it
    assert schema_errors(shown) == []
    for char, _ in HIDDEN:
        errors = schema_errors(sheet_with(shown, IV_NAME, f'name = "IV{char}"'))
        assert len(errors) == 1 and "does not match" in errors[0], (char, errors)
    for name in LEGITIMATE:
        assert schema_errors(sheet_with(shown, IV_NAME, f'name = "{name}"')) == [], name


def test_the_committed_schema_spells_the_hidden_characters_as_escapes() -> None:
    committed = (Path(__file__).resolve().parents[2] / "pricing.schema.json").read_text(encoding="utf-8")
    assert "\\u202e" in committed and "\\udb40\\udc00" in committed  # RLO, and the first tag character
    assert text.find_hidden(committed) is None


# --- the rule itself -------------------------------------------------------------------------------------------

# Format characters with a glyph of their own (number signs, end of ayah): shown, so not hidden.
VISIBLE_FORMAT = {*range(0x0600, 0x0606), 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2, 0x110BD, 0x110CD}


def test_every_format_character_and_separator_is_hidden_but_those_with_a_glyph() -> None:
    for code in range(0x110000):
        if unicodedata.category(chr(code)) in ("Cf", "Zl", "Zp") and code not in VISIBLE_FORMAT:
            assert text.find_hidden(f"a{chr(code)}") == (2, chr(code)), f"U+{code:04X}"
    for code in VISIBLE_FORMAT:
        assert text.find_hidden(chr(code)) is None


# --- a patient's name and other flags ----------------------------------------------------------------------------


@pytest.mark.parametrize(("char", "name"), HIDDEN, ids=IDS)
def test_a_hidden_character_in_a_patient_name_is_refused_and_nothing_is_saved(
    run: Run, tmp_path: Path, char: str, name: str
) -> None:
    result = run("quote", "--patient", f"Ana{char}Diaz", *PATIENT, "--html", "gfe.html")
    assert result.exit_code == 2
    assert result.stderr == f"--patient: {message(char, name)}\n"
    assert result.stdout == ""
    assert char not in result.stderr
    assert not (tmp_path / "register").exists() and not (tmp_path / "gfe.html").exists()


def test_a_hidden_character_is_reported_with_the_other_bad_flags(run: Run) -> None:
    result = run("quote", "--patient", "\u2067Ana", "--dob", "1984-02-30")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"--patient: {message(chr(0x2067), 'RIGHT-TO-LEFT ISOLATE')}",
        "--dob: '1984-02-30' is not a real calendar date",
    ]


def test_a_hidden_character_in_a_diagnosis_code_is_refused_and_shown_escaped(run: Run) -> None:
    result = run("quote", "--patient", "Ana Diaz", *PATIENT, "--diagnosis", "F33.2\u200b", "--no-save")
    assert result.exit_code == 2
    assert "--diagnosis: 'F33.2\\u200b' is not an ICD-10-CM code" in result.stderr
    assert "\u200b" not in result.stderr


@pytest.mark.parametrize("name", LEGITIMATE)
def test_patient_names_in_any_script_are_saved_as_typed(run: Run, tmp_path: Path, name: str) -> None:
    result = run("quote", "--patient", name, *PATIENT)
    assert result.exit_code == 0, result.stderr
    with sqlite3.connect(tmp_path / "register" / "quotes.sqlite3") as register:
        assert register.execute("SELECT patient_name FROM quotes").fetchall() == [(name,)]


# --- pricing set and batch input -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ['"IV \u202eketamine"', '"IV \\u202eketamine"'], ids=["raw", "escaped"])
def test_pricing_set_refuses_a_hidden_character_and_leaves_the_sheet_as_it_was(
    run: Run, sheet_text: str, write_sheet: Callable[[str], Path], value: str
) -> None:
    path = write_sheet(sheet_text)
    before = path.read_bytes()
    result = run("--pricing", "sheet.toml", "pricing", "set", f"treatments.iv.name={value}")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"sheet.toml:{IV_LINE}:1: treatments.iv.name: {message(chr(0x202E), 'RIGHT-TO-LEFT OVERRIDE')} at position 4",
        "sheet.toml: not changed: the edit would leave the sheet invalid",
    ]
    assert "\u202e" not in result.stdout + result.stderr
    assert path.read_bytes() == before


def test_pricing_set_still_takes_a_name_in_any_script(
    run: Run, sheet_text: str, write_sheet: Callable[[str], Path]
) -> None:
    path = write_sheet(sheet_text)
    result = run("--pricing", str(path), "pricing", "set", 'treatments.iv.name="Perfusión IV de ketamina\u2019s"')
    assert result.exit_code == 0, result.stderr
    assert 'name = "Perfusión IV de ketamina\u2019s"' in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_a_hidden_character_in_a_batch_cell_is_an_unknown_id_shown_escaped(run: Run, tmp_path: Path, kind: str) -> None:
    rows = {
        "csv": "treatment,add_ons\niv\u202e,\niv,consultation\u200b\n",
        "jsonl": '{"treatment": "iv\u202e"}\n{"treatment": "iv", "add_ons": "consultation\u200b"}\n',
    }
    (tmp_path / f"in.{kind}").write_text(rows[kind], encoding="utf-8")
    result = run("estimate", "--input", f"in.{kind}", "-f", {"csv": "csv", "jsonl": "json"}[kind])
    assert result.exit_code == 2
    if kind == "csv":
        errors = [row[-1] for row in csv.reader(io.StringIO(result.stdout))][1:]
    else:
        errors = [json.loads(line)["error"] for line in result.stdout.splitlines()]
    assert errors[0].startswith("unknown treatment 'iv\\u202e'"), errors
    assert errors[1].startswith("unknown add-on for iv 'consultation\\u200b'"), errors
    assert "\u202e" not in result.stdout + result.stderr and "\u200b" not in result.stdout + result.stderr


def test_pricing_set_shows_a_hidden_character_in_a_key_escaped(
    run: Run, sheet_text: str, write_sheet: Callable[[str], Path]
) -> None:
    path = write_sheet(sheet_text)
    result = run("--pricing", "sheet.toml", "pricing", "set", 'treatments.iv\u202e.name="x"')
    assert result.exit_code == 2
    assert (
        result.stderr
        == "'treatments.iv\\u202e.name' is not a key (expected a dotted key such as treatments.iv.price.high)\n"
    )
    assert path.read_text(encoding="utf-8") == sheet_text


def test_a_hidden_character_typed_in_a_quote_id_is_shown_escaped(run: Run) -> None:
    result = run("quotes", "show", "Q-20261130-\u202eABCD")
    assert result.exit_code == 2
    assert "\u202e" not in result.stderr
    assert "\\u202e" in result.stderr
