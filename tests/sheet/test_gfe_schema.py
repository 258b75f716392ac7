"""The sheet's Good Faith Estimate parts: clinic, providers, line items; NPI, TIN, code checks at their keys."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ketacost import codes
from ketacost.errors import BadInput
from ketacost.sheet.load import parse_sheet


def problems(text: str) -> list[str]:
    with pytest.raises(BadInput) as caught:
        parse_sheet(text, "s.toml")
    return list(caught.value.lines)


def line_of(text: str, needle: str, nth: int = 1) -> int:
    hits = [i for i, row in enumerate(text.splitlines(), 1) if needle in row]
    return hits[nth - 1]


def test_default_sheet_has_a_clinic_providers_and_line_items_for_every_treatment(sheet_text: str) -> None:
    sheet = parse_sheet(sheet_text, "pricing.toml")
    assert sheet.clinic is not None
    assert sheet.clinic.npi == "1234567893"
    assert sheet.clinic.tin == "123456789"  # kept as digits, printed as 12-3456789
    assert set(sheet.providers) == {"physician", "therapist"}
    for treatment_id, treatment in sheet.treatments.items():
        assert treatment.line_items, treatment_id
        for add_on in treatment.add_ons.values():
            assert add_on.line_items, (treatment_id, add_on.name)
    codes_used = {item.service_code for t in sheet.treatments.values() for item in t.line_items}
    assert {"96365", "J3490", "G2082/G2083"} <= codes_used
    assert sheet.treatments["iv"].add_ons["consultation"].line_items[0].service_code == "99204"


def test_every_example_in_the_gfe_part_of_the_sheet_is_marked(sheet_text: str) -> None:
    clinic_part = sheet_text[sheet_text.index("[clinic]") : sheet_text.index("[treatments.iv]")]
    for header in ("[clinic]", "[providers.physician]", "[providers.therapist]"):
        line = next(row for row in clinic_part.splitlines() if row.startswith(header))
        assert "EXAMPLE" in line
    for row in clinic_part.splitlines():
        if row.startswith(("npi", "tin")):
            assert "EXAMPLE" in row, row


def test_line_items_add_up_to_the_price_at_every_point(sheet_text: str) -> None:
    sheet = parse_sheet(sheet_text, "pricing.toml")
    for treatment in sheet.treatments.values():
        for point in ("low", "typical", "high"):
            total = sum((getattr(i.price, point) * i.quantity for i in treatment.line_items), Decimal(0))
            assert total == getattr(treatment.price, point)


def test_line_items_that_do_not_add_up_are_refused_at_the_line_items_key(sheet_v1_text: str) -> None:
    text = sheet_v1_text.replace(
        "price = { low = 250.00, typical = 370.00, high = 600.00 }",
        "price = { low = 250.00, typical = 369.99, high = 600.00 }",
    )
    (line,) = problems(text)
    assert line == (
        f"s.toml:{line_of(text, '[[treatments.iv.line_items]]')}:17: treatments.iv.line_items: line items add up to "
        "599.99 at the typical price, not the price per infusion 600.00 (quantity x price of each item must sum "
        "to it exactly)"
    )


def test_quantity_counts_in_the_sum(sheet_v1_text: str) -> None:
    text = sheet_v1_text.replace(
        'service_code = "J3490"            # HCPCS: unclassified drug\nprovider = "clinic"\nquantity = 1',
        'service_code = "J3490"            # HCPCS: unclassified drug\nprovider = "clinic"\nquantity = 2',
    )
    (line,) = problems(text)
    assert "treatments.iv.line_items: line items add up to 550.00 at the low price" in line


def test_add_on_line_items_must_add_up_too(sheet_v1_text: str) -> None:
    old = 'service_code = "99204"            # CPT: E/M, new patient, moderate complexity (EXAMPLE)'
    text = sheet_v1_text.replace(
        old + '\nprovider = "physician"\nquantity = 1\nprice = { low = 0.00, typical = 300.00, high = 350.00 }',
        old + '\nprovider = "physician"\nquantity = 1\nprice = { low = 0.00, typical = 300.00, high = 400.00 }',
    )
    (line,) = problems(text)
    assert "treatments.iv.add_ons.consultation.line_items: line items add up to 400.00 at the high price" in line
    assert "not the add-on's price per course 350.00" in line


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('npi = "1234567893"', 'npi = "1234567890"', "clinic.npi: '1234567890' is not a valid NPI: wrong check digit"),
        (
            'npi = "1234567893"',
            'npi = "123456789"',
            "clinic.npi: '123456789' is not a valid NPI: it must be exactly 10",
        ),
        ('npi = "1234567893"', "npi = 1234567893", "clinic.npi: input should be a valid string (got an integer)"),
        ('npi = "1987654328"', 'npi = "19876A4328"', "providers.physician.npi: '19876A4328' is not a valid NPI"),
        ('tin = "98-7654321"', 'tin = "98-765432"', "providers.therapist.tin: '98-765432' is not a valid TIN"),
        ('tin = "12-3456789"  ', 'tin = "12-34567890"', "clinic.tin: '12-34567890' is not a valid TIN: it must be 9"),
        ('tin = "12-3456789"  ', 'tin = "00-0000000"', "clinic.tin: '00-0000000' is not a valid TIN: it cannot be"),
        ('state = "IL"', 'state = "Illinois"', "clinic.state: 'Illinois' is not a US state's two-letter postal code"),
        ('service_code = "96365"', 'service_code = "9636"', "treatments.iv.line_items.0.service_code: '9636' is not a"),
        ('diagnosis_codes = ["F33.2"]', 'diagnosis_codes = ["F33-2"]', "treatments.iv.diagnosis_codes.0: 'F33-2' is"),
        ('contact = "the front', 'contacts = "the front', "clinic.contacts: unknown key (did you mean 'contact'?)"),
        ('provider = "physician"', 'provider = "doctor"', "line_items.0.provider: 'doctor' is not a provider"),
        ("[providers.therapist]", "[providers.clinic]", "providers.clinic: 'clinic' is reserved for the [clinic]"),
        ("quantity = 1\nprice = { low = 250.00", "quantity = 0\nprice = { low = 250.00", "line_items.0.quantity: "),
    ],
)
def test_gfe_fields_are_checked_at_their_key(sheet_v1_text: str, old: str, new: str, expected: str) -> None:
    assert old in sheet_v1_text
    lines = problems(sheet_v1_text.replace(old, new, 1))
    assert any(expected in line for line in lines), lines
    assert all(line.startswith("s.toml:") for line in lines)


def test_line_items_without_a_clinic_table_say_so(sheet_v1_text: str) -> None:
    start, end = sheet_v1_text.index("[clinic]"), sheet_v1_text.index("[providers.physician]")
    lines = problems(sheet_v1_text[:start] + sheet_v1_text[end:])
    assert any(
        "treatments.iv.line_items.0.provider: 'clinic' names the [clinic] table, which this sheet lacks" in line
        for line in lines
    )


def test_a_sheet_without_any_gfe_parts_still_loads(sheet_text: str) -> None:
    minimal = """schema_version = 1
effective = 2026-11-01
default_treatment = "iv"
[tax]
year = 2026
hsa_self_only_limit = 4400.00
hsa_family_limit = 8750.00
hsa_catch_up = 1000.00
fsa_limit = 3400.00
fica_rate = 7.65
default_marginal_rate = 22.00
[treatments.iv]
name = "IV"
price = { low = 400.00, typical = 600.00, high = 1000.00 }
course = { sessions = 6, weeks_min = 2, weeks_max = 3 }
[options.self_pay]
kind = "self_pay"
name = "Self-pay"
"""
    sheet = parse_sheet(minimal, "m.toml")
    assert sheet.clinic is None and sheet.providers == {} and sheet.treatments["iv"].line_items == []


@pytest.mark.parametrize("npi", ["1234567893", "1987654328", "1543210987"])
def test_npi_luhn_with_the_80840_prefix_accepts_valid_numbers(npi: str) -> None:
    assert codes.check_npi(npi) == npi


@pytest.mark.parametrize("last", [d for d in "0123456789" if d != "3"])
def test_npi_with_any_other_check_digit_is_refused(last: str) -> None:
    with pytest.raises(ValueError, match="wrong check digit"):
        codes.check_npi("123456789" + last)


def test_npi_check_digit_uses_the_prefix() -> None:
    # Without the 80840 prefix, plain Luhn over the 10 digits would accept 1234567897 instead.
    assert codes.luhn_ok("1234567897") and not codes.luhn_ok("1234567893")
    with pytest.raises(ValueError):
        codes.check_npi("1234567897")


@pytest.mark.parametrize(
    ("text", "canonical"), [("12-3456789", "123456789"), ("123-45-6789", "123456789"), ("123456789", "123456789")]
)
def test_tin_spellings(text: str, canonical: str) -> None:
    assert codes.check_tin(text) == canonical
    assert codes.format_tin(canonical) == "12-3456789"


@pytest.mark.parametrize("text", ["12345678", "1234567890", "12-345678X", "1-2-3-456789", "", "000000000"])
def test_bad_tins(text: str) -> None:
    with pytest.raises(ValueError, match="is not a valid TIN"):
        codes.check_tin(text)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("F33.2", "F33.2"), ("f332", "F33.2"), ("F32.A", "F32.A"), ("F32", "F32"), (" z63.79 ", "Z63.79")],
)
def test_icd10_codes_are_normalised(text: str, canonical: str) -> None:
    assert codes.check_icd10(text) == canonical


@pytest.mark.parametrize("text", ["F3", "33.2", "F33.", "F33.21234", "F33-2", "FF3.2", "", "F33.2; DROP"])
def test_bad_icd10_codes(text: str) -> None:
    with pytest.raises(ValueError, match="is not an ICD-10-CM code"):
        codes.check_icd10(text)


@pytest.mark.parametrize(
    ("text", "canonical"), [("96365", "96365"), ("j3490", "J3490"), ("G2082/G2083", "G2082/G2083")]
)
def test_service_codes(text: str, canonical: str) -> None:
    assert codes.check_service_code(text) == canonical


@pytest.mark.parametrize("text", ["9636", "963655", "J349", "Z3490", "96365/", "<b>"])
def test_bad_service_codes(text: str) -> None:
    with pytest.raises(ValueError, match="is not a CPT or HCPCS code"):
        codes.check_service_code(text)
