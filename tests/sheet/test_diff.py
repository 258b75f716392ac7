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


def test_each_changed_value_with_its_percent_change(sheet_text: str) -> None:
    new = sheet_text.replace("high = 1000.00", "high = 1035.00").replace("apr = 17.99", "apr = 0.00")
    new = new.replace("typical = 370.00, high = 600.00", "typical = 370.00, high = 635.00")  # its line item
    new = new.replace('name = "Medical loan"', 'name = "Lender loan"')
    result = compare(sheet_text, new)
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


def test_treatments_add_ons_and_options_added_and_removed(sheet_text: str) -> None:
    new = sheet_text.replace("treatments.oral", "treatments.oral_rx").replace(
        '[options.va]\nkind = "va"', '[options.veterans]\nkind = "va"'
    )
    new = new.replace("treatments.kap.add_ons.integration", "treatments.kap.add_ons.therapy")
    result = compare(sheet_text, new)
    assert result.added == ("treatments.oral_rx", "treatments.kap.add_ons.therapy", "options.veterans")
    assert result.removed == ("treatments.oral", "treatments.kap.add_ons.integration", "options.va")
    assert result.changed == ()


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
