"""Editing a sheet's text: only the lines that change change, money keeps its spelling, bad edits are refused."""

from __future__ import annotations

import difflib
from decimal import Decimal

import pytest

from ketacost.errors import BadInput
from ketacost.sheet import keys
from ketacost.sheet.edit import parse_assignment, scale_prices, set_values, unified_diff
from ketacost.sheet.load import parse_sheet, parse_toml

D = Decimal


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    """(lines removed, lines added)."""
    removed, added = [], []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def line_of(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(start))


def test_setting_every_key_to_its_own_spelling_changes_no_byte(sheet_text: str) -> None:
    import tomlkit
    from tomlkit.items import AoT

    document = tomlkit.parse(sheet_text)

    def leaves(container: object, path: tuple[str, ...]) -> list[tuple[str, str]]:
        found = []
        for key in container:  # type: ignore[attr-defined]
            item = container.item(key)  # type: ignore[attr-defined]
            if isinstance(item, dict):
                found += leaves(item, (*path, key))
            elif isinstance(item, AoT):  # an array of tables (line items): each table by its index
                for index, table in enumerate(item):
                    found += leaves(table, (*path, key, str(index)))
            else:
                found.append((".".join((*path, key)), item.as_string().strip()))
        return found

    assignments = leaves(document, ())
    assert len(assignments) > 90
    assert set_values(sheet_text, "p.toml", assignments).text == sheet_text


def test_a_change_changes_exactly_that_line_and_keeps_its_neighbours(sheet_text: str) -> None:
    new = set_values(sheet_text, "p.toml", [("options.medical_loan.apr", "15.99")]).text
    removed, added = changed_lines(sheet_text, new)
    assert removed == [line_of(sheet_text, "apr = 17.99")]
    assert added == [line_of(sheet_text, "apr = 17.99").replace("17.99", "15.99")]


def test_a_price_changes_with_its_line_items_and_only_those_lines_change(sheet_v1_text: str) -> None:
    new = set_values(
        sheet_v1_text, "p.toml", [("treatments.iv.price.high", "950"), ("treatments.iv.line_items.0.price.high", "550")]
    ).text
    removed, added = changed_lines(sheet_v1_text, new)
    assert removed == [
        "price = { low = 400.00, typical = 600.00, high = 1000.00 }",
        "price = { low = 250.00, typical = 370.00, high = 600.00 }",
    ]
    assert added == [
        "price = { low = 400.00, typical = 600.00, high = 950 }",
        "price = { low = 250.00, typical = 370.00, high = 550 }",
    ]
    assert parse_sheet(new, "p.toml").treatments["iv"].price.high == 950


def test_a_price_without_its_line_items_is_refused_saying_why(sheet_v1_text: str) -> None:
    with pytest.raises(BadInput, match=r"treatments\.iv\.line_items: line items add up to 1000\.00 at the high"):
        set_values(sheet_v1_text, "p.toml", [("treatments.iv.price.high", "950")])


def test_money_keeps_its_exact_spelling_and_value(sheet_text: str) -> None:
    edit = set_values(sheet_text, "p.toml", [("tax.fsa_limit", "3500.50"), ("options.medical_loan.apr", "18.125")])
    assert line_of(edit.text, "fsa_limit").startswith("fsa_limit = 3500.50 ")
    sheet = parse_sheet(edit.text, "p.toml")
    assert str(sheet.tax.fsa_limit) == "3500.50"
    assert str(sheet.options["medical_loan"].apr) == "18.125"  # type: ignore[union-attr]
    assert [(c.key, c.old, c.new) for c in edit.changes] == [
        ("tax.fsa_limit", "3400.00", "3500.50"),
        ("options.medical_loan.apr", "17.99", "18.125"),
    ]


def test_a_trailing_comment_stays_in_its_column(sheet_text: str) -> None:
    before = line_of(sheet_text, "apr = 17.99")
    after = line_of(set_values(sheet_text, "p.toml", [("options.medical_loan.apr", "9.5")]).text, "apr =")
    assert after.startswith("apr = 9.5 ")
    assert after.index("#") == before.index("#")
    assert after[after.index("#") :] == before[before.index("#") :]


def test_a_new_key_lands_in_its_own_table(sheet_text: str) -> None:
    edit = set_values(sheet_text, "p.toml", [("options.hsa.catch_up", "true")])
    lines = edit.text.splitlines()
    where = lines.index("catch_up = true")
    assert lines.index("[options.hsa]") < where < lines.index("[options.fsa]")
    assert edit.changes[0].old is None
    assert parse_sheet(edit.text, "p.toml").options["hsa"].catch_up is True  # type: ignore[union-attr]


def test_whole_tables_arrays_strings_and_dates_are_toml_values(sheet_v1_text: str) -> None:
    edit = set_values(
        sheet_v1_text,
        "p.toml",
        [
            ("treatments.spravato.price", "{ low = 600.00, typical = 885.00, high = 1050.00 }"),
            ("treatments.spravato.line_items.0.price", "{ low = 600.00, typical = 885.00, high = 1050.00 }"),
            ("options.va.treatments", '["iv"]'),
            ("treatments.iv.name", '"IV infusion"'),
            ("effective", "2027-01-01"),
        ],
    )
    sheet = parse_sheet(edit.text, "p.toml")
    assert sheet.treatments["spravato"].price.low == D("600.00")
    assert sheet.options["va"].treatments == ["iv"]
    assert sheet.treatments["iv"].name == "IV infusion"
    assert sheet.effective.isoformat() == "2027-01-01"


def test_a_new_treatment_can_be_added_key_by_key(sheet_text: str) -> None:
    edit = set_values(
        sheet_text,
        "p.toml",
        [
            ("treatments.booster.name", '"Booster infusion"'),
            ("treatments.booster.price", "{ low = 400.00, typical = 500.00, high = 700.00 }"),
            ("treatments.booster.course", "{ sessions = 1, weeks_min = 1, weeks_max = 1 }"),
        ],
    )
    assert parse_sheet(edit.text, "p.toml").treatments["booster"].price.typical == D("500.00")
    removed, added = changed_lines(sheet_text, edit.text)
    assert removed == []
    assert added[0] == "[treatments.booster]"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("treatments.iv.price.hihg", "950", "unknown key 'treatments.iv.price.hihg' (did you mean "),
        ("treatments.ivv.price.high", "950", "(did you mean 'treatments.iv.price.high'?)"),
        ("options.medical_loan.term_mnths", "36", "(did you mean 'options.medical_loan.term_months'?)"),
        ("options.hsa.apr", "5", "keys of options.hsa: name, note, treatments, kind, coverage, catch_up, payroll"),
        ("treatments.iv.price.high.cents", "1", "treatments.iv.price.high is a single value, it has no keys"),
        ("options.va.treatments.0", '"iv"', "options.va.treatments is an array: set it whole"),
        ("treatments.IV.name", '"x"', "'IV' is not an id"),
        ("treatments.iv.name", "IV infusion", "is not a TOML value (text needs quotes"),
        ("treatments.iv.price.high", "", "no value given"),
        ("treatments.iv.price.high", "1\nschema_version = 2", "is not a TOML value"),
        ("treatments.iv.price.high", "950 # raise", "a comment is not part of a value"),
    ],
)
def test_unknown_keys_and_values_that_are_not_toml_are_refused(
    sheet_text: str, key: str, value: str, message: str
) -> None:
    with pytest.raises(BadInput) as caught:
        set_values(sheet_text, "p.toml", [(key, value)])
    assert message in str(caught.value)


def test_an_edit_that_breaks_a_rule_is_refused_with_the_rule_and_its_position(sheet_v1_text: str) -> None:
    with pytest.raises(BadInput) as caught:
        set_values(sheet_v1_text, "p.toml", [("treatments.iv.price.high", "100")])
    line_no = sheet_v1_text.splitlines().index("price = { low = 400.00, typical = 600.00, high = 1000.00 }") + 1
    assert caught.value.lines == (
        f"p.toml:{line_no}:11: treatments.iv.price.low: must not exceed high (400.00 > 100)",
        "p.toml: not changed: the edit would leave the sheet invalid",
    )


def test_a_wrong_type_is_refused(sheet_text: str) -> None:
    with pytest.raises(BadInput, match=r"options\.medical_loan\.term_months: \"36\" is text, but this is a number"):
        set_values(sheet_text, "p.toml", [("options.medical_loan.term_months", '"36"')])


def test_parse_assignment() -> None:
    assert parse_assignment(" tax.year = 2027 ") == ("tax.year", "2027")
    assert parse_assignment('treatments.iv.name="a = b"') == ("treatments.iv.name", '"a = b"')
    with pytest.raises(BadInput, match="expected KEY=VALUE"):
        parse_assignment("tax.year")
    with pytest.raises(BadInput, match="expected KEY=VALUE"):
        parse_assignment("=5")


# --- scale ------------------------------------------------------------------------------------------------------


def test_scale_rounds_half_up_to_the_cent_and_reports_each_change(sheet_v1_text: str) -> None:
    edit = scale_prices(sheet_v1_text, "p.toml", D("3.5"), "treatments.*.price", D("0.01"))
    sheet = parse_sheet(edit.text, "p.toml")
    assert sheet.treatments["im"].price.low == D("284.63")  # 275.00 x 1.035 = 284.625: half-up, not to even
    assert sheet.treatments["iv"].price.typical == D("621.00")
    assert sheet.treatments["iv"].add_ons["consultation"].price.typical == D("300.00")  # not selected
    assert sheet.options["va"].copay_per_session == D("50.00")
    prices = {c.key for c in edit.changes if ".line_items." not in c.key}
    assert prices == {
        f"treatments.{t}.price.{p}" for t in ("iv", "im", "spravato", "kap", "oral") for p in ("low", "typical", "high")
    }
    low = next(c for c in edit.changes if c.key == "treatments.im.price.low")
    assert (low.old, low.new, low.percent) == ("275.00", "284.63", (D("284.63") - 275) / 275 * 100)
    for treatment in sheet.treatments.values():  # the line items were split anew and still add up, exactly
        for point in ("low", "typical", "high"):
            parts = sum(getattr(item.price, point) * item.quantity for item in treatment.line_items)
            assert parts == getattr(treatment.price, point)
    removed, added = changed_lines(sheet_v1_text, edit.text)
    # Each treatment's price line and its line items' price lines; a lone item without a price line follows it.
    items = sum(len(t.line_items) for t in sheet.treatments.values() if len(t.line_items) > 1)
    assert len(removed) == len(added) == 5 + items
    assert all(line.startswith("price = {") for line in removed + added)  # comments untouched


def test_scale_to_whole_dollars_and_down(sheet_v1_text: str) -> None:
    edit = scale_prices(sheet_v1_text, "p.toml", D("-10"), "treatments.**.price", D("1"))
    sheet = parse_sheet(edit.text, "p.toml")
    assert sheet.treatments["oral"].price.low == D("116.00")  # 129.00 x 0.9 = 116.10
    assert sheet.treatments["kap"].add_ons["integration"].price.typical == D("158.00")  # 157.50 rounds up
    assert "price = { low = 0.00, typical = 270.00, high = 315.00 }" in edit.text  # 0.00 stays, unreported
    assert "treatments.iv.add_ons.consultation.price.low" not in {c.key for c in edit.changes}


def test_scale_keeps_an_integer_spelt_as_an_integer_when_it_stays_whole(sheet_v1_text: str) -> None:
    text = set_values(sheet_v1_text, "p.toml", [("treatments.iv.price.high", "1000")]).text
    assert "high = 1100 }" in scale_prices(text, "p.toml", D("10"), "treatments.iv.price.high", D("0.01")).text
    assert "high = 1034.50 }" in scale_prices(text, "p.toml", D("3.45"), "treatments.iv.price.high", D("0.01")).text


def test_scale_that_breaks_a_rule_or_matches_nothing_is_refused(sheet_v1_text: str) -> None:
    with pytest.raises(BadInput, match="matches no amount of money"):
        scale_prices(sheet_v1_text, "p.toml", D("5"), "options.*.apr", D("0.01"))
    with pytest.raises(BadInput, match=r"treatments\.iv\.price\.low: must not exceed high"):
        scale_prices(sheet_v1_text, "p.toml", D("200"), "treatments.iv.price.low", D("0.01"))


@pytest.mark.parametrize(
    ("pattern", "key", "selected"),
    [
        ("treatments.*.price", "treatments.iv.price.low", True),
        ("treatments.*.price", "treatments.iv.add_ons.consultation.price.low", False),
        ("treatments.**.price", "treatments.iv.add_ons.consultation.price.low", True),
        ("treatments.iv", "treatments.iv.price.high", True),
        ("treatments.i?.price.high", "treatments.iv.price.high", True),
        ("treatments.*.price.high", "treatments.iv.price.low", False),
        ("options.*", "options.va.copay_per_session", True),
        ("**.high", "treatments.kap.add_ons.integration.price.high", True),
    ],
)
def test_select_globs_work_part_by_part(pattern: str, key: str, selected: bool) -> None:
    assert keys.glob_matches(pattern, tuple(key.split("."))) is selected


def test_money_paths_are_exactly_the_amounts(sheet_v1_text: str) -> None:
    found = {".".join(path) for path in keys.money_paths(parse_toml(sheet_v1_text, "p"))}
    assert "tax.fsa_limit" in found and "options.va.copay_per_session" in found
    assert "treatments.kap.add_ons.integration.price.low" in found
    assert not found & {"options.medical_loan.apr", "tax.fica_rate", "treatments.iv.course.sessions", "tax.year"}


def test_unified_diff_names_the_file_and_shows_one_hunk(sheet_text: str) -> None:
    new = set_values(sheet_text, "p.toml", [("tax.year", "2027")]).text
    diff = unified_diff(sheet_text, new, "p.toml")
    assert diff.startswith("--- a/p.toml\n+++ b/p.toml\n@@ ")
    assert [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("---", "+++")] == [
        "-year = 2026",
        "+year = 2027",
    ]
    assert unified_diff(sheet_text, sheet_text, "p.toml") == ""


def test_dotted_keys_and_tables_out_of_order_are_edited_where_they_stand(sheet_v1_text: str) -> None:
    inline = "price = { low = 129.00, typical = 250.00, high = 500.00 }    # 129-500 per month"
    consultation = sheet_v1_text[
        sheet_v1_text.index("[treatments.iv.add_ons.consultation]") : sheet_v1_text.index("[treatments.im]")
    ]
    text = sheet_v1_text.replace(inline, "price.low = 129.00  # dotted\nprice.typical = 250.00\nprice.high = 500.00  #")
    text = text.replace(consultation, "") + "\n" + consultation  # an add-on table far from its treatment
    edit = set_values(
        text,
        "p.toml",
        [
            ("treatments.oral.price.high", "510.00"),
            ("treatments.oral.line_items.1.price.high", "210.00"),
            ("treatments.iv.add_ons.consultation.per", '"session"'),
            ("options.fsa.payroll", "false"),
        ],
    )
    removed, added = changed_lines(text, edit.text)
    payroll = "payroll = {:<5}                   # an FSA is funded by salary reduction, so FICA is saved too"
    assert removed == [
        "price.high = 500.00  # (vitalityscout.com); typical EXAMPLE",
        "price = { low = 50.00, typical = 100.00, high = 200.00 }",
        payroll.format("true"),
        'per = "course"',
    ]
    assert added == [
        "price.high = 510.00  # (vitalityscout.com); typical EXAMPLE",
        "price = { low = 50.00, typical = 100.00, high = 210.00 }",
        payroll.format("false"),
        'per = "session"',
    ]
    assert [c.old for c in edit.changes] == ["500.00", "200.00", '"course"', "true"]


def test_scale_splits_line_items_sold_in_quantities_too(sheet_v1_text: str) -> None:
    supply = "quantity = 1\nprice = { low = 50.00, typical = 100.00, high = 200.00 }"
    assert supply in sheet_v1_text
    text = sheet_v1_text.replace(supply, "quantity = 2\nprice = { low = 25.00, typical = 50.00, high = 100.00 }")
    sheet = parse_sheet(scale_prices(text, "p.toml", D("3.33"), "treatments.oral", D("0.01")).text, "p.toml")
    oral = sheet.treatments["oral"]
    assert oral.price.high == D("516.65")
    assert oral.line_items[1].price.high == D("103.33")  # 100.00 x 1.0333, on its own
    assert oral.line_items[0].price.high == D("516.65") - 2 * D("103.33")  # the unit item takes the rest
    with pytest.raises(BadInput, match=r"cannot split 516\.65 among the line items exactly at the high price"):
        only_pairs = text.replace(
            "quantity = 1\nprice = { low = 79.00, typical = 150.00, high = 300.00 }",
            "quantity = 2\nprice = { low = 39.50, typical = 75.00, high = 150.00 }",
        )
        scale_prices(only_pairs, "p.toml", D("3.33"), "treatments.oral.price.high", D("0.01"))
