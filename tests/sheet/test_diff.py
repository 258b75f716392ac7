"""Comparing two sheets by meaning: changed values with their percent change, ids added and removed."""

from __future__ import annotations

from decimal import Decimal

from ketacost.sheet.diff import MISSING, diff
from ketacost.sheet.load import parse_sheet

D = Decimal


def compare(old: str, new: str):  # type: ignore[no-untyped-def]
    return diff(parse_sheet(old, "old.toml"), parse_sheet(new, "new.toml"))


def test_formatting_comments_and_spelt_out_defaults_are_no_change(sheet_text: str) -> None:
    reformatted = (
        sheet_text.replace("# IRS limits", "# the IRS limits")
        .replace("high = 1000.00", "high = 1000")
        .replace('kind = "hsa"', 'kind = "hsa"\ncatch_up = false')
        .replace('currency = "USD"\n', "")
    )
    assert compare(sheet_text, reformatted).same


def test_each_changed_value_with_its_percent_change(sheet_v1_text: str) -> None:
    new = sheet_v1_text.replace("high = 1000.00", "high = 1035.00").replace("apr = 17.99", "apr = 0.00")
    new = new.replace("typical = 370.00, high = 600.00", "typical = 370.00, high = 635.00")  # its line item
    new = new.replace('name = "Medical loan"', 'name = "Lender loan"')
    result = compare(sheet_v1_text, new)
    changes = {c.key: c for c in result.changed}
    assert set(changes) == {
        "treatments.iv.price.high",
        "treatments.iv.line_items.0.price.high",
        "options.medical_loan.apr",
        "options.medical_loan.name",
    }
    high = changes["treatments.iv.price.high"]
    assert (high.old, high.new, high.percent, high.money) == (D("1000.00"), D("1035.00"), D("3.5"), True)
    assert changes["options.medical_loan.apr"].percent == D(-100)
    assert changes["options.medical_loan.name"].percent is None
    assert not result.added and not result.removed


def test_from_zero_there_is_no_percent(sheet_text: str) -> None:
    new = sheet_text.replace("prepay_discount_pct = 0.00", "prepay_discount_pct = 5.00")
    (change,) = compare(sheet_text, new).changed
    assert change.key == "options.self_pay.prepay_discount_pct"
    assert change.percent is None


def test_treatments_add_ons_and_options_renamed_unchanged_are_renames(sheet_text: str) -> None:
    """(Issue 11: these were reported as added and removed; an id that comes back unchanged is a rename.)"""
    new = sheet_text.replace("treatments.oral", "treatments.oral_rx").replace(
        '[options.va]\nkind = "va"', '[options.veterans]\nkind = "va"'
    )
    new = new.replace("treatments.kap.add_ons.integration", "treatments.kap.add_ons.therapy")
    result = compare(sheet_text, new)
    assert (result.added, result.removed, result.changed) == ((), (), ())
    assert result.renamed == (
        ("treatments.kap.add_ons.integration", "treatments.kap.add_ons.therapy"),
        ("treatments.oral", "treatments.oral_rx"),
        ("options.va", "options.veterans"),
    )


def test_an_option_whose_kind_changed_shows_the_keys_of_both_kinds(sheet_text: str) -> None:
    old = sheet_text.replace('treatments = ["iv", "spravato"]\n', "")
    new = old.replace(
        'kind = "va"\nname = "VA coverage (eligible veterans)"\ncopay_per_session = 50.00',
        'kind = "self_pay"\nname = "VA coverage (eligible veterans)"',
    )
    changes = {c.key: (c.old, c.new) for c in compare(old, new).changed}
    assert changes["options.va.kind"] == ("va", "self_pay")
    assert changes["options.va.copay_per_session"] == (D("50.00"), MISSING)
    assert changes["options.va.prepay_discount_pct"] == (MISSING, D(0))


def test_a_renamed_treatment_is_recognised_and_its_inner_changes_shown(sheet_text: str) -> None:
    """Before: the price change vanished into "removed: treatments.iv" and "added: treatments.infusion"."""
    new = sheet_text.replace("[treatments.iv]", "[treatments.infusion]").replace(
        "[treatments.iv.", "[treatments.infusion."
    )
    new = new.replace("[[treatments.iv.", "[[treatments.infusion.").replace(
        'default_treatment = "iv"', 'default_treatment = "infusion"'
    )
    new = new.replace('treatments = ["iv", "spravato"]', 'treatments = ["infusion", "spravato"]')
    new = new.replace('treatments = ["iv"]', 'treatments = ["infusion"]').replace(
        'treatment = "iv"', 'treatment = "infusion"'
    )
    new = new.replace(
        'sessions = 6, weeks_min = 2, weeks_max = 3, frequency = "2-3 infusions',
        'sessions = 8, weeks_min = 2, weeks_max = 3, frequency = "2-3 infusions',
    )
    result = compare(sheet_text, new)
    assert (result.added, result.removed) == ((), ())
    assert result.renamed == (("treatments.iv", "treatments.infusion"),)
    changes = {c.key: (c.old, c.new) for c in result.changed}
    assert changes["treatments.infusion.course.sessions"] == (6, 8)
    assert changes["default_treatment"] == ("iv", "infusion")
    assert not result.same


def test_an_id_replaced_by_something_else_is_added_and_removed_not_renamed(sheet_text: str) -> None:
    start = sheet_text.index("[options.va]")
    end = sheet_text.index("\n# ---", start)  # the next section of the sheet
    other = '[options.plan_b]\nkind = "clinic_plan"\nname = "Plan B"\ndown_payment_pct = 10\nmonths = 3\n'
    result = compare(sheet_text, sheet_text[:start] + other + sheet_text[end:])
    assert (result.added, result.removed, result.renamed) == (("options.plan_b",), ("options.va",), ())
