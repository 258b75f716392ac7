"""The Good Faith Estimate document: what it contains, that it adds up to the estimate, and how it round-trips."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from ketacost import dispute, gfe
from ketacost.errors import BadInput
from ketacost.estimator import POINTS, Scenario, estimate
from ketacost.money import allocate
from ketacost.render.gfe_html import render_html
from ketacost.render.gfe_markdown import render_gfe_markdown
from ketacost.render.gfe_table import render_gfe_table
from ketacost.sheet.load import parse_sheet
from ketacost.sheet.model import Sheet
from tests.conftest import DEFAULT_SHEET

D = Decimal
ISSUED = dt.date(2026, 11, 27)
CHECKED = dt.date(2027, 1, 15)  # the day a bill is checked
SHEET = parse_sheet(DEFAULT_SHEET.read_text(encoding="utf-8"), "pricing.toml")
ANA = gfe.Request(gfe.Patient("Ana Diaz", dt.date(1984, 3, 2)), scheduled=dt.date(2026, 12, 1))


def build(scenario: Scenario | None = None, request: gfe.Request = ANA, sheet: Sheet = SHEET) -> gfe.GoodFaithEstimate:
    return gfe.build(
        sheet,
        scenario or Scenario(),
        request,
        quote_id="Q-20261127-ABCD",
        issued=ISSUED,
        source="built-in default",
        sheet_sha256="0" * 64,
    )


def test_default_course_lists_the_clinic_with_its_codes_and_adds_up_to_the_estimate() -> None:
    g = build()
    (clinic,) = g.providers
    assert (clinic.provider.name, clinic.provider.npi, clinic.provider.tin) == (
        "Example Ketamine Clinic",
        "1234567893",
        "12-3456789",
    )
    assert [(line.service_code, line.quantity) for line in clinic.lines] == [("96365", 6), ("J3490", 6)]
    assert g.total == estimate(SHEET, Scenario(), source="x").course.total
    assert (g.total.low, g.total.high) == (D("2400.00"), D("6000.00"))
    assert g.diagnosis_codes == ("F33.2",)
    assert g.patient.name == "Ana Diaz" and g.patient.dob == dt.date(1984, 3, 2)


def test_consultation_is_grouped_under_the_physician_after_the_clinic() -> None:
    g = build(Scenario(add_ons=("consultation",)))
    assert [group.provider.id for group in g.providers] == ["clinic", "physician"]
    physician = g.providers[1]
    assert physician.lines[0].service_code == "99204"
    assert physician.lines[0].quantity == 1  # once per course, not per infusion
    assert physician.subtotal.high == D("350.00")
    assert g.total.high == D("6350.00")


@pytest.mark.parametrize("treatment", ["iv", "im", "spravato", "kap", "oral"])
@pytest.mark.parametrize("sessions", [None, 1, 9])
def test_every_treatment_adds_up_to_the_estimate_at_every_price_point(treatment: str, sessions: int | None) -> None:
    add_ons = tuple(SHEET.treatments[treatment].add_ons)
    scenario = Scenario(treatment=treatment, sessions=sessions, add_ons=add_ons)
    g = build(scenario)
    course = estimate(SHEET, scenario, source="x").course
    for point in POINTS:
        lines = sum((line.charge.at(point) for group in g.providers for line in group.lines), D(0))
        assert lines == course.total.at(point)
        assert sum((group.subtotal.at(point) for group in g.providers), D(0)) == g.total.at(point)


@settings(max_examples=60, deadline=None)
@given(
    treatment=st.sampled_from(["iv", "im", "spravato", "kap", "oral"]),
    cents=st.integers(min_value=0, max_value=100_000_00),
    sessions=st.integers(min_value=1, max_value=12),
)
def test_one_price_is_split_across_the_line_items_to_the_cent(treatment: str, cents: int, sessions: int) -> None:
    price = D(cents) / 100
    scenario = Scenario(treatment=treatment, price=price, sessions=sessions)
    g = build(scenario)
    assert g.total == estimate(SHEET, scenario, source="x").course.total
    for group in g.providers:
        for line in group.lines:
            assert line.charge.low >= 0
            assert line.charge.at("low").as_tuple().exponent >= -2  # type: ignore[operator]


@settings(max_examples=200, deadline=None)
@given(
    total=st.integers(min_value=0, max_value=10**8).map(lambda c: D(c) / 100),
    weights=st.lists(st.integers(min_value=0, max_value=10**6).map(D), min_size=1, max_size=8),
)
def test_allocate_parts_are_cents_never_negative_and_add_up(total: Decimal, weights: list[Decimal]) -> None:
    parts = allocate(total, weights)
    assert sum(parts, D(0)) == total
    assert all(part >= 0 and part == part.quantize(D("0.01")) for part in parts)


def test_allocate_never_goes_negative_and_always_adds_up() -> None:
    assert allocate(D("0.01"), [D(1), D(1), D(1)]) == [D("0.01"), D("0.00"), D("0.00")]
    assert allocate(D("100.00"), [D(1), D(1), D(1)]) == [D("33.34"), D("33.33"), D("33.33")]
    assert allocate(D("10.00"), [D(0), D(0)]) == [D("5.00"), D("5.00")]
    assert allocate(D("333.33"), [D(175), D(250), D(75)]) == [D("116.67"), D("166.66"), D("50.00")]


def test_scope_states_sessions_frequency_and_timeframe_within_12_months() -> None:
    g = build()
    assert (g.scope.sessions, g.scope.unit, g.scope.frequency) == (6, "infusion", "2-3 infusions a week")
    assert g.scope.weeks == (2, 3)
    assert (g.scope.starts, g.scope.ends_by) == (dt.date(2026, 12, 1), dt.date(2026, 12, 22))
    longer = build(Scenario(sessions=12))
    assert longer.scope.weeks == (4, 6)  # the same pace over twice the sessions


def test_a_course_longer_than_12_months_needs_another_estimate() -> None:
    with pytest.raises(BadInput, match=r"--sessions: 200 infusions take up to 100 weeks; one Good Faith Estimate"):
        build(Scenario(sessions=200))


def test_items_needing_separate_scheduling_include_optional_add_ons_left_out() -> None:
    g = build()
    assert "Initial consultation (not included in this estimate)" in g.separately_scheduled
    assert any("Booster infusions" in item for item in g.separately_scheduled)
    assert not any("consultation" in item for item in build(Scenario(add_ons=("consultation",))).separately_scheduled)


def test_diagnosis_codes_given_replace_the_sheets() -> None:
    request = gfe.Request(ANA.patient, diagnosis_codes=("F32.2", "Z63.79"))
    g = build(request=request)
    assert g.diagnosis_codes == ("F32.2", "Z63.79")
    assert all(line.diagnosis_codes == ("F32.2", "Z63.79") for group in g.providers for line in group.lines)


def test_payment_options_come_from_the_estimate_and_skip_options_not_offered() -> None:
    g = build()
    result = estimate(SHEET, Scenario(), source="x")
    loan = next(row for row in g.payment_options if row.id == "medical_loan")
    reference = next(option for option in result.options if option.id == "medical_loan")
    assert (loan.monthly, loan.months, loan.total_paid.typical) == (
        reference.typical.monthly,
        24,
        reference.typical.total_paid,
    )
    assert "va" not in {row.id for row in build(Scenario(treatment="kap")).payment_options}


@pytest.mark.parametrize("treatment", ["iv", "im", "spravato", "kap", "oral"])
def test_a_self_pay_gfe_lists_no_way_of_paying_through_coverage(treatment: str) -> None:
    from ketacost import kinds

    sheet_kinds = {option_id: option.kind for option_id, option in SHEET.options.items()}
    assert {"insurance", "va"} <= set(sheet_kinds.values())  # the sheet offers them; the GFE leaves them out
    listed = [sheet_kinds[row.id] for row in build(Scenario(treatment=treatment)).payment_options]
    assert listed and not [kind for kind in listed if kinds.by_kind(kind).coverage]
    coverage = {"insurance", "va", "out_of_network", "copay_program"}  # the last two: issue 14's kinds
    assert {kind.name for kind in kinds.kinds() if kind.coverage} == coverage


def test_an_option_offered_at_the_typical_price_is_listed_even_if_not_at_the_low_price() -> None:
    card = next(row for row in build().payment_options if row.id == "card_60")
    assert card.unavailable_at == ("low",)
    assert card.total_paid.low == card.total_paid.typical  # the range skips the point where it is not offered
    from ketacost.render.gfe_view import payment_range

    assert payment_range(card).endswith("(not offered at the low price)")


def test_the_four_disclaimers_use_the_cms_wording() -> None:
    text = " ".join(p for d in build().disclaimers for p in d.paragraphs)
    assert "must be scheduled or requested separately and are not reflected in this Good Faith Estimate" in text
    assert "To get a Good Faith Estimate for them, contact Example Ketamine Clinic" in text
    assert "This is only an estimate; actual items, services or charges may differ" in text
    assert "you have the right to dispute the bill" in text
    assert "at least $400 more than this Good Faith Estimate for any one provider or facility" in text
    assert "within 120 calendar days (about 4 months) of the date on the original bill" in text
    assert "There is a $25 fee" in text
    assert "will not adversely affect the quality of the care" in text
    assert "www.cms.gov/nosurprises or call 1-800-985-3059" in text
    assert "Make sure to save a copy or picture of your Good Faith Estimate" in text
    assert "is not a contract and does not require the patient to obtain the items or services" in text


def test_sheet_without_a_clinic_or_line_items_cannot_make_a_gfe() -> None:
    no_clinic = SHEET.model_copy(update={"clinic": None})
    with pytest.raises(BadInput, match=r"no \[clinic\] table"):
        build(sheet=no_clinic)
    iv = SHEET.treatments["iv"]
    bare_iv = iv.model_copy(update={"line_items": []})
    no_items = SHEET.model_copy(update={"treatments": {**SHEET.treatments, "iv": bare_iv}})
    with pytest.raises(BadInput) as caught:
        build(sheet=no_items)
    assert caught.value.lines == (
        "built-in default: treatments.iv: no line_items: a Good Faith Estimate lists each item's service code",
    )


def test_the_document_round_trips_exactly() -> None:
    for scenario in (Scenario(), Scenario(treatment="kap", price=D("333.33")), Scenario(add_ons=("consultation",))):
        g = build(scenario)
        text = gfe.canonical_json(gfe.to_document(g))
        assert gfe.from_document(json.loads(text)) == g
        assert gfe.canonical_json(gfe.to_document(gfe.from_document(json.loads(text)))) == text


def test_money_in_the_document_is_two_decimal_strings() -> None:
    document = gfe.to_document(build())
    assert document["total"] == {"low": "2400.00", "typical": "3600.00", "high": "6000.00"}
    assert document["providers"][0]["lines"][0]["charge"]["high"] == "3600.00"


def test_an_unknown_document_is_refused() -> None:
    with pytest.raises(BadInput, match="not a Good Faith Estimate document"):
        gfe.from_document({"document": "something else", "version": 1})


def test_quote_ids_are_short_dated_and_unambiguous() -> None:
    ids = {gfe.new_quote_id(ISSUED) for _ in range(200)}
    assert all(re.fullmatch(r"Q-20261127-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{4}", quote_id) for quote_id in ids)
    assert len(ids) > 190
    assert gfe.normalize_quote_id(" q-20261127-oil9 ") == "Q-20261127-0119"


# --- dispute ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("billed", "eligible"),
    [("6399.99", False), ("6400.00", True), ("6400.01", True), ("5000.00", False), ("6000.00", False)],
)
def test_dispute_boundary_is_400_over_the_high_end(billed: str, eligible: bool) -> None:
    result = dispute.check(build(), {"clinic": D(billed)}, today=CHECKED)
    (clinic,) = result.providers
    assert clinic.estimate == D("6000.00")
    assert clinic.over == D(billed) - D("6000.00")
    assert clinic.over_threshold is eligible
    assert result.eligible is eligible


def test_dispute_is_per_provider_not_the_grand_total() -> None:
    g = build(Scenario(add_ons=("consultation",)))
    # 300 over at the clinic and 300 over at the physician: 600 over in all, but neither provider is 400 over.
    result = dispute.check(g, {"clinic": D("6300.00"), "1987654328": D("650.00")}, today=CHECKED)
    assert [result.provider_eligible(c) for c in result.providers] == [False, False]
    result = dispute.check(g, {"physician": D("750.00")}, today=CHECKED)
    assert [(c.provider_id, c.billed, result.provider_eligible(c)) for c in result.providers] == [
        ("clinic", None, False),
        ("physician", D("750.00"), True),
    ]


def test_dispute_deadline_is_120_days_after_the_bill() -> None:
    result = dispute.check(build(), {"clinic": D("7000")}, bill_date=dt.date(2027, 1, 10), today=CHECKED)
    assert result.deadline == dt.date(2027, 5, 10)


def test_dispute_refuses_unknown_or_doubled_providers() -> None:
    with pytest.raises(BadInput, match=r"--billed: 'lab' is not a provider on quote Q-20261127-ABCD \(choose from: "):
        dispute.check(build(), {"lab": D("1")}, today=CHECKED)
    with pytest.raises(BadInput, match="clinic is billed twice"):
        dispute.check(build(), {"clinic": D("1"), "1234567893": D("2")}, today=CHECKED)


# The window is 120 calendar days from the date on the bill; the day after the last one, no bill is eligible.
@pytest.mark.parametrize(
    ("today", "eligible"),
    [(dt.date(2027, 4, 14), True), (dt.date(2027, 4, 15), False), (dt.date(2028, 1, 1), False)],
)
def test_a_bill_past_the_120_day_window_is_not_eligible_and_says_when_it_closed(today: dt.date, eligible: bool) -> None:
    from ketacost.render.quotes_out import check_document

    result = dispute.check(build(), {"clinic": D("7000")}, bill_date=dt.date(2026, 12, 15), today=today)
    assert result.deadline == dt.date(2027, 4, 14)
    assert result.window_closed is not eligible
    assert result.eligible is eligible
    document = check_document(result, today)
    assert document["eligible"] is eligible and document["providers"][0]["eligible"] is eligible
    if not eligible:
        assert "closed on 2027-04-14" in document["notes"][0]


def test_a_bill_dated_before_the_estimate_was_issued_is_refused() -> None:
    with pytest.raises(BadInput, match=r"--bill-date: 2026-11-26 is before quote Q-20261127-ABCD was issued"):
        dispute.check(build(), {"clinic": D("7000")}, bill_date=dt.date(2026, 11, 26), today=CHECKED)
    same_day = dispute.check(build(), {"clinic": D("7000")}, bill_date=ISSUED, today=CHECKED)
    assert same_day.eligible


@pytest.mark.parametrize(("billed", "eligible"), [("399.99", False), ("400.00", True)])
def test_a_provider_not_on_the_estimate_is_compared_with_no_expected_charges(billed: str, eligible: bool) -> None:
    result = dispute.check(build(), {"1987654328": D(billed)}, today=CHECKED)
    clinic, other = result.providers
    assert clinic.billed is None
    assert (other.listed, other.npi, other.estimate, other.over) == (False, "1987654328", D("0.00"), D(billed))
    assert result.eligible is eligible


# --- rendering escapes what people typed ------------------------------------------------------------------------

EVIL = 'Ana <script>alert("x")</script> & [bold]Bob[/bold] | `tick` *star*'


def evil() -> gfe.GoodFaithEstimate:
    return build(request=gfe.Request(gfe.Patient(EVIL, dt.date(1984, 3, 2))))


def test_html_escapes_the_patient_name_and_has_no_script() -> None:
    html = render_html(evil())
    assert "<script" not in html
    assert "Ana &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; [bold]Bob[/bold]" in html
    assert "<svg" in html and "<title>" in html


def test_html_escapes_sheet_text_inside_the_svg_chart() -> None:
    options = dict(SHEET.options)
    options["self_pay"] = options["self_pay"].model_copy(update={"name": "<b>Pay</b> & go"})
    g = build(sheet=SHEET.model_copy(update={"options": options}))
    html = render_html(g)
    assert "<b>Pay</b>" not in html
    assert html.count("&lt;b&gt;Pay&lt;/b&gt; &amp; go") == 2  # the table and the chart label


def test_markdown_escapes_the_patient_name() -> None:
    markdown = render_gfe_markdown(evil())
    assert "<script>" not in markdown
    assert r"Ana \<script\>alert" in markdown
    assert r"\[bold\]Bob\[/bold\] \| \`tick\` \*star\*" in markdown


def test_terminal_preview_prints_rich_markup_as_typed() -> None:
    console = Console(record=True, width=120, color_system=None)
    render_gfe_table(evil(), console)
    assert "[bold]Bob[/bold]" in console.export_text()
