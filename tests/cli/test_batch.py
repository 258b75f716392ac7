"""``ketacost estimate --input``: many scenarios at once, a row per scenario and option, bad rows reported in place."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ketacost.batch import COLUMNS
from tests.conftest import DEFAULT_SHEET, Run


def rows_of(treatment: str = "iv") -> list[str]:
    """The rows an estimate of the built-in sheet has, in order: an option each, but a lender grid's terms each
    and the treatment's packages (issue 11)."""
    import ketacost

    return [
        option.id for option in ketacost.estimate(ketacost.load_sheet(DEFAULT_SHEET), treatment=treatment).data.options
    ]


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def test_csv_in_csv_out_one_row_per_scenario_and_option_tagged_with_its_line(run: Run, tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text("treatment,sessions,price\niv,6,\n\nspravato,4,700.50\n")
    result = run("estimate", "--input", "s.csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == ",".join(COLUMNS)
    rows = csv_rows(result.stdout)
    assert [(r["line"], r["option"]) for r in rows] == [("2", o) for o in rows_of()] + [
        ("4", o) for o in rows_of("spravato")
    ]
    loan = rows[3]
    assert (loan["treatment"], loan["sessions"], loan["course_total"]) == ("iv", "6", "3600.00")
    assert (loan["months"], loan["monthly"], loan["final_payment"], loan["total_paid"]) == (
        "24",
        "189.17",
        "189.09",  # the exact 5% fee on 3,789.47 is 189.47, not 189.48 (issue 12, item 5)
        "4540.00",
    )
    assert (loan["net_cost_low"], loan["net_cost_high"], loan["error"]) == ("3026.70", "7566.71", "")
    cheapest = [r["option"] for r in rows[: len(rows_of())] if r["cheapest"] == "true"]
    assert cheapest == ["iv_six"]  # open to everyone, not an FSA unclaimed (issue 12 item 1); the package (issue 11)
    assert rows[len(rows_of())]["course_total"] == "2802.00"
    assert result.stderr == ""


def test_each_row_says_what_a_single_estimate_says(run: Run, run_json: Callable[..., Any], tmp_path: Path) -> None:
    (tmp_path / "s.jsonl").write_text('{"treatment": "kap", "sessions": 4, "tax_rate": "24", "hsa_balance": 1000}\n')
    rows = jsonl(run("estimate", "--input", "s.jsonl").stdout)
    single = run_json("estimate", "-t", "kap", "-n", "4", "--tax-rate", "24", "--hsa-balance", "1000")
    for row, option in zip(rows, single["options"], strict=True):
        assert row["option"] == option["id"] and row["name"] == option["name"]
        if not row["available"]:
            assert row["reason"] == option["typical"]["reason"]
            continue
        for field in ("upfront", "monthly", "months", "final_payment", "total_paid", "interest", "fees", "net_cost"):
            assert row[field] == option["typical"][field], (option["id"], field)
        assert (row["net_cost_low"], row["net_cost_high"]) == (option["low"]["net_cost"], option["high"]["net_cost"])
        assert row["cheapest"] is (option["id"] == single["cheapest"])


def test_a_bad_row_gets_an_error_record_and_the_others_go_on(run: Run, tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text(
        "treatment,sessions,price,tax_rate\niv,6,,\nivv,6,,\nim,six,,\nkap,6,1.234,\noral,3,,150\nim,2,,\niv,6\n"
    )
    result = run("estimate", "--input", "s.csv")
    assert result.exit_code == 2
    assert result.stderr == "s.csv: 5 of 7 scenarios failed (see their error records)\n"
    rows = csv_rows(result.stdout)
    errors = {r["line"]: r["error"] for r in rows if r["error"]}
    assert errors == {
        "3": "unknown treatment 'ivv' (choose from: iv, im, spravato, kap, oral)",
        "4": "sessions: 'six' is not a whole number",
        "5": "price: '1.234' has more than two decimals",
        "6": "tax_rate: '150' must be between 0 and 100",
        "8": "expected 4 cells, got 2",
    }
    assert all(r[c] == "" for r in rows if r["error"] for c in COLUMNS if c not in ("line", "error"))
    assert [r["line"] for r in rows if not r["error"]] == ["2"] * len(rows_of()) + ["7"] * len(rows_of("im"))


def test_jsonl_in_jsonl_out_with_error_records(run: Run, tmp_path: Path) -> None:
    (tmp_path / "s.jsonl").write_text(
        '{"treatment": "iv", "price": 650.50, "options": ["hsa", "va"]}\n'
        "\n"
        '{"sessions": true}\n'
        "not json\n"
        '{"pirce": 650}\n'
        '["iv"]\n'
        '{"treatment": "kap", "option": "va"}\n'
    )
    result = run("estimate", "--input", "s.jsonl")
    assert result.exit_code == 2
    records = jsonl(result.stdout)
    assert [(r["line"], r.get("option")) for r in records if "error" not in r] == [(1, "hsa"), (1, "va"), (7, "va")]
    assert records[0]["course_total"] == "3903.00"  # 650.50 x 6, exact
    assert records[-1] == {
        "line": 7,
        "treatment": "kap",
        "sessions": 6,
        "course_total": "4050.00",
        "option": "va",
        "kind": "va",
        "name": "VA coverage (eligible veterans)",
        "available": False,
        "reason": "not offered for Ketamine-assisted psychotherapy (KAP)",
        "cheapest": False,
    }
    assert [r for r in records if "error" in r] == [
        {"line": 3, "error": "sessions: expected text or a number, got true"},
        {"line": 4, "error": "invalid JSON: Expecting value (column 1)"},
        {"line": 5, "error": "unknown field 'pirce' (did you mean 'price'?)"},
        {"line": 6, "error": "expected a JSON object with the scenario's fields"},
    ]


def test_flags_give_defaults_that_a_row_overrides(run: Run, tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text("treatment,tax-rate,add_on\niv,,\niv,10,consultation\n")
    rows = csv_rows(run("estimate", "--input", "s.csv", "--tax-rate", "24", "--option", "hsa").stdout)
    assert [(r["line"], r["option"], r["tax_savings"], r["course_total"]) for r in rows] == [
        ("2", "hsa", "864.00", "3600.00"),  # 3,600 x 24% (the flag)
        ("3", "hsa", "390.00", "3900.00"),  # 3,900 x 10% (the row), with the consultation
    ]


def test_every_estimate_flag_is_a_field(run: Run, run_json: Callable[..., Any], tmp_path: Path) -> None:
    (tmp_path / "s.jsonl").write_text(
        '{"treatment": "spravato", "boosters": 2, "down_payment": "500", "coinsurance": 10, "copay": 25,'
        ' "deductible_left": 0, "oop_max_left": 3000, "budget": 400, "option": ["medical_loan", "insurance"]}\n'
    )
    rows = jsonl(run("estimate", "--input", "s.jsonl").stdout)
    single = run_json(
        "estimate", "-t", "spravato", "--boosters", "2", "--down-payment", "500", "--coinsurance", "10",
        "--copay", "25", "--deductible-left", "0", "--oop-max-left", "3000", "--budget", "400",
        "-o", "medical_loan", "-o", "insurance",
    )  # fmt: skip
    assert [r["option"] for r in rows] == ["medical_loan", "insurance"]
    for row, option in zip(rows, single["options"], strict=True):
        assert (row["upfront"], row["total_paid"], row["net_cost"]) == tuple(
            option["typical"][k] for k in ("upfront", "total_paid", "net_cost")
        )
    assert rows[0]["financed"] == single["options"][0]["typical"]["financed"]


def test_several_ids_in_one_cell(run: Run, tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text('treatment,options\niv,"hsa, fsa"\niv,clinic_plan;va medical_loan\n')
    rows = csv_rows(run("estimate", "--input", "s.csv").stdout)
    assert [(r["line"], r["option"]) for r in rows] == [
        ("2", "hsa"),
        ("2", "fsa"),
        ("3", "clinic_plan"),
        ("3", "va"),
        ("3", "medical_loan"),
    ]


def test_format_json_turns_csv_input_into_json_lines_and_other_formats_are_refused(run: Run, tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text("treatment\nim\n")
    records = jsonl(run("estimate", "--input", "s.csv", "--format", "json").stdout)
    assert len(records) == len(rows_of("im")) and records[0]["treatment"] == "im"
    refused = run("estimate", "--input", "s.csv", "--format", "table")
    assert refused.exit_code == 2
    assert refused.stderr == "--format table: with --input, choose csv or json (JSON Lines)\n"
    assert refused.stdout == ""


def test_standard_input_is_read_with_a_dash(run: Run) -> None:
    from typer.testing import CliRunner

    from ketacost.cli.app import app

    result = CliRunner().invoke(app, ["estimate", "--input", "-"], input='{"treatment": "oral"}\n')
    assert result.exit_code == 0, result.stderr
    assert jsonl(result.stdout)[0]["course_total"] == "750.00"
    as_csv = CliRunner().invoke(app, ["estimate", "-i", "-"], input="treatment,sessions\noral,2\n")
    assert csv_rows(as_csv.stdout)[0]["course_total"] == "500.00"


def test_text_cells_are_defused_for_spreadsheets(
    run: Run, tmp_path: Path, sheet_text: str, write_sheet: Callable[..., Path]
) -> None:
    write_sheet(sheet_text.replace('name = "Self-pay, in full"', 'name = "=HYPERLINK(1)"'), "pricing.toml")
    (tmp_path / "s.csv").write_text("treatment\niv\n")
    assert csv_rows(run("estimate", "--input", "s.csv").stdout)[0]["name"] == "'=HYPERLINK(1)"


def test_a_record_over_several_lines_is_tagged_with_its_first_line(run: Run, tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text('treatment,options\niv,"hsa\nfsa"\nkap,hsa\n')
    rows = csv_rows(run("estimate", "--input", "s.csv").stdout)
    assert [(r["line"], r["option"]) for r in rows] == [("2", "hsa"), ("2", "fsa"), ("4", "hsa")]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("s.csv", "treatment,pirce\niv,1\n", "s.csv:1: unknown field 'pirce' (did you mean 'price'?)\n"),
        ("s.csv", "treatment,treatment\niv,iv\n", "s.csv:1: column given twice: treatment\n"),
        ("s.txt", "treatment\niv\n", "s.txt: cannot tell the input format: name it .csv or .jsonl\n"),
        ("missing.csv", None, "missing.csv: no such file\n"),
    ],
)
def test_unusable_input_exits_2_before_any_output(
    run: Run, tmp_path: Path, name: str, text: str | None, message: str
) -> None:
    if text is not None:
        (tmp_path / name).write_text(text)
    result = run("estimate", "--input", name)
    assert (result.exit_code, result.stderr, result.stdout) == (2, message, "")


def test_a_csv_saved_by_a_spreadsheet_with_a_byte_order_mark_is_read(run: Run, tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_bytes("treatment,sessions\r\noral,2\r\n".encode("utf-8-sig"))
    result = run("estimate", "--input", "s.csv")
    assert result.exit_code == 0, result.stderr
    assert csv_rows(result.stdout)[0]["course_total"] == "500.00"


def test_input_that_is_not_utf8_exits_2(run: Run, tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_bytes(b"treatment\ncaf\xe9\n")
    result = run("estimate", "--input", "s.csv")
    assert result.exit_code == 2
    assert result.stderr == "s.csv: not UTF-8 text (byte 0xe9)\n"


def test_an_empty_input_writes_the_header_only(run: Run, tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text("")
    result = run("estimate", "--input", "s.csv")
    assert (result.exit_code, result.stdout) == (0, ",".join(COLUMNS) + "\n")


def test_a_progress_bar_goes_to_stderr_on_a_terminal_only(tmp_path: Path) -> None:
    from ketacost.cli.context import Env
    from ketacost.cli.estimate import batch
    from ketacost.estimator import Scenario

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    (tmp_path / "s.csv").write_text("treatment\n" + "iv\n" * 2500)
    piped, on_terminal = Env(stdout=io.StringIO(), stderr=io.StringIO()), Env(stdout=io.StringIO(), stderr=Terminal())
    batch(piped, "s.csv", None, Scenario())
    batch(on_terminal, "s.csv", None, Scenario())
    assert piped.stdout.getvalue() == on_terminal.stdout.getvalue()  # type: ignore[attr-defined]
    assert len(csv_rows(piped.stdout.getvalue())) == 2500 * len(rows_of())  # type: ignore[attr-defined]
    assert piped.stderr.getvalue() == ""  # type: ignore[attr-defined]
    assert "2,500 scenarios" in on_terminal.stderr.getvalue()  # type: ignore[attr-defined]


def test_a_long_batch_gives_what_each_scenario_gives_alone() -> None:
    """Schedules and APRs are cached across scenarios; a warm cache must never change a figure."""
    import random

    from ketacost import batch
    from ketacost import estimator as estimate
    from ketacost.scenario import Scenario
    from ketacost.sheet.load import EMBEDDED, SheetSource, load_prices

    sheet = load_prices(SheetSource(EMBEDDED, "built-in"))
    rng = random.Random(7)
    lines = ["treatment,sessions,price,hsa_balance"]
    for _ in range(150):
        price = f"{rng.randint(100, 2000)}.{rng.randint(0, 99):02d}" if rng.random() < 0.3 else ""
        hsa = str(rng.choice([500, 1000, 2500])) if rng.random() < 0.3 else ""
        lines.append(f"{rng.choice(['iv', 'im', 'kap', 'oral', 'spravato'])},{rng.randint(1, 12)},{price},{hsa}")
    out = io.StringIO()
    batch.run(sheet, "built-in", batch.read_csv(lines, "s.csv"), batch.CsvWriter(out))
    rows = csv_rows(out.getvalue())
    caches = (estimate.amortize, estimate.equal_installments, estimate.paid_in_full)
    for line, fields in batch.read_csv(lines, "s.csv"):
        for cache in (*caches, estimate.minimum_only, estimate._regz_apr):
            cache.cache_clear()  # type: ignore[attr-defined]
        alone = io.StringIO()
        assert isinstance(fields, dict)
        result = estimate.estimate(sheet, batch.scenario(fields, Scenario()), source="built-in")
        batch.CsvWriter(alone).rows(line, result)
        assert csv_rows(alone.getvalue()) == [row for row in rows if row["line"] == str(line)]


def _plain_rows(line: int, result: Any) -> list[dict[str, Any]]:
    """A scenario's batch records built the straightforward way from its estimate: each figure by name, rounded
    and formatted; None where a figure does not apply."""
    from ketacost.money import cents

    def money(amount: Any) -> str:
        return f"{cents(amount):.2f}"

    records = []
    course = result.course
    for option in result.options:
        typical = option.typical
        record: dict[str, Any] = {
            "line": line,
            "treatment": course.treatment_id,
            "sessions": course.sessions,
            "course_total": money(course.total.typical),
            "option": option.id,
            "kind": option.kind,
            "name": option.name,
            "available": typical.available,
            "reason": None if typical.available else typical.reason,
            "cheapest": option.id == result.cheapest,
            "fits_budget": None if result.budget is None else option.id in result.budget.fitting,
            "cheapest_that_fits": None if result.budget is None else option.id == result.budget.cheapest,
        }
        figures: dict[str, Any] = dict.fromkeys(COLUMNS[COLUMNS.index("months") : -1])
        if typical.available:
            figures.update(
                months=typical.months,
                upfront=money(typical.upfront),
                monthly=money(typical.monthly),
                final_payment=money(typical.final_payment),
                total_paid=money(typical.total_paid),
                interest=money(typical.interest),
                fees=money(typical.fees),
                tax_savings=money(typical.tax_savings),
                net_cost=money(typical.net_cost),
                financed=money(typical.financed) if typical.schedule is not None else None,
                apr=None if typical.apr is None else f"{typical.apr:.2f}",
                interest_at_risk=None if typical.interest_at_risk is None else money(typical.interest_at_risk),
                reimbursed=money(typical.reimbursed) if typical.reimbursements else None,
                year_net_cost=None if option.year_at("typical") is None else money(option.year_at("typical")),
                net_cost_low=money(option.low.net_cost) if option.low.available else None,
                net_cost_high=money(option.high.net_cost) if option.high.available else None,
            )
        records.append({**record, **figures, "error": None})
    return records


def test_batch_records_are_the_estimates_figures_written_the_plain_way() -> None:
    """The batch writers format a million figures with short cuts; here each record is rebuilt from the
    scenario's estimate the plain way, in CSV (defused text, empty cells) and in JSON Lines (absent fields)."""
    import random

    from ketacost import batch
    from ketacost.estimator import estimate
    from ketacost.render.csv_out import safe_cell
    from ketacost.scenario import Scenario
    from ketacost.sheet.load import EMBEDDED, SheetSource, load

    sheet = load(SheetSource(EMBEDDED, "built-in"))
    rng = random.Random(20261127)
    lines = ["treatment,sessions,price,tax_rate,hsa_balance,fsa_balance,down_payment,add_ons,budget"]
    for _ in range(300):
        treatment = rng.choice(["iv", "im", "kap", "oral", "spravato"])
        cells = [
            treatment,
            str(rng.randint(1, 12)),
            rng.choice(["", f"{rng.randint(1, 3000)}.{rng.randint(0, 99):02d}", str(rng.randint(1, 3000))]),
            rng.choice(["", str(rng.randint(0, 37)), f"{rng.randint(100, 3700) / 100}"]),  # 0.37 means 37%
            rng.choice(["", "", f"{rng.randint(0, 8000)}.{rng.randint(0, 99):02d}"]),
            rng.choice(["", "", str(rng.randint(0, 3400))]),
            rng.choice(["", "", "", f"{rng.randint(0, 4000)}.{rng.randint(0, 99):02d}"]),
            "consultation" if treatment in ("iv", "im") and rng.random() < 0.3 else "",
            rng.choice(["", "", str(rng.randint(50, 900))]),
        ]
        lines.append(",".join(cells))
    as_csv, as_jsonl = io.StringIO(), io.StringIO()
    batch.run(sheet, "built-in", batch.read_csv(lines, "s.csv"), batch.CsvWriter(as_csv))
    batch.run(sheet, "built-in", batch.read_csv(lines, "s.csv"), batch.JsonlWriter(as_jsonl))
    expected = []
    for line, fields in batch.read_csv(lines, "s.csv"):
        assert isinstance(fields, dict)
        expected += _plain_rows(line, estimate(sheet, batch.scenario(fields, Scenario()), source="built-in"))
    text = {"treatment", "option", "name", "reason"}

    def cell(name: str, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return safe_cell(value) if name in text else str(value)

    assert csv_rows(as_csv.getvalue()) == [{name: cell(name, value) for name, value in r.items()} for r in expected]
    assert jsonl(as_jsonl.getvalue()) == [{k: v for k, v in r.items() if v is not None} for r in expected]


def test_csv_batch_text_is_what_csv_writer_writes_even_for_awkward_names(sheet_text: str) -> None:
    """Rows of available options are written as text; names with quotes, commas, line breaks or a formula
    start must come out byte for byte as csv.writer writes the plainly built rows."""
    from ketacost import batch
    from ketacost.estimator import estimate
    from ketacost.render.csv_out import safe_cell
    from ketacost.scenario import Scenario
    from ketacost.sheet.load import parse_sheet

    awkward = sheet_text.replace('name = "Self-pay, in full"', 'name = "Pay \\"now\\", in full\\nor later"')
    awkward = awkward.replace('name = "Card: 24 payments"', 'name = "-24 payments"')
    awkward = awkward.replace('name = "Medical loan"', 'name = "@loan\\r"')
    sheet = parse_sheet(awkward, "pricing.toml")
    lines = ["treatment,sessions,price", "iv,6,", "spravato,2,1999.99", "kap,1,", "oral,12,", "im,3,10"]
    out = io.StringIO()
    batch.run(sheet, "s", batch.read_csv(lines, "s.csv"), batch.CsvWriter(out))
    expected = io.StringIO()
    plain = csv.writer(expected, lineterminator="\n")
    plain.writerow(COLUMNS)
    text = {"treatment", "option", "name", "reason"}
    for line, fields in batch.read_csv(lines, "s.csv"):
        assert isinstance(fields, dict)
        for record in _plain_rows(line, estimate(sheet, batch.scenario(fields, Scenario()), source="s")):
            plain.writerow(
                [
                    ("true" if value else "false")
                    if isinstance(value, bool)
                    else (safe_cell(value) if name in text and value is not None else value)
                    for name, value in record.items()
                ]
            )
    assert out.getvalue() == expected.getvalue()
    assert '"Pay ""now"", in full\nor later"' in out.getvalue() and "'-24 payments" in out.getvalue()


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_a_scenario_met_again_is_written_as_when_first_met(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows of a scenario met again come from the kept text of its first meeting: the same as pricing it afresh,
    whether it is still kept or was dropped (KEPT made small here), and equal numbers written differently (950,
    950.00; a number and a text in JSON) are kept apart."""
    from ketacost import batch
    from ketacost.sheet.load import EMBEDDED, SheetSource, load_prices

    sheet = load_prices(SheetSource(EMBEDDED, "built-in"))
    scenarios = [
        {"treatment": "iv", "sessions": "6"},
        {"treatment": "kap", "sessions": "3", "price": "950"},
        {"treatment": "kap", "sessions": "3", "price": "950.00"},
        {"treatment": "oral", "sessions": "4", "hsa_balance": "500"},
        {"treatment": "iv", "sessions": "6", "tax_rate": "24"},
    ]
    if kind == "jsonl":
        scenarios.append({"treatment": "kap", "sessions": 3, "price": 950})
    order = [0, 1, 2, 0, 3, 4, 1, 0, 2, 3, 4, 4, 0, *range(len(scenarios))]
    lines = (
        [json.dumps(scenarios[i]) for i in order]
        if kind == "jsonl"
        else ["treatment,sessions,price,hsa_balance,tax_rate"]
        + [
            ",".join(scenarios[i].get(f, "") for f in ("treatment", "sessions", "price", "hsa_balance", "tax_rate"))
            for i in order
        ]
    )

    def written(kept: int | None) -> str:
        if kept is not None:
            monkeypatch.setattr(batch, "KEPT", kept)
        out = io.StringIO()
        writer = batch.CsvWriter(out) if kind == "csv" else batch.JsonlWriter(out)
        read = batch.read_csv if kind == "csv" else batch.read_jsonl
        batch.run(sheet, "built-in", read(lines, "s"), writer)
        return out.getvalue()

    def alone() -> str:
        out = io.StringIO()
        writer = batch.CsvWriter(out) if kind == "csv" else batch.JsonlWriter(out)
        read = batch.read_csv if kind == "csv" else batch.read_jsonl
        for line, fields in read(lines, "s"):
            assert isinstance(fields, dict)
            writer.rows(line, batch.estimate(sheet, batch.scenario(fields, batch._NO_FLAGS), source="built-in"))
        return out.getvalue()

    expected = alone()
    assert written(None) == expected
    assert written(2) == expected
    assert written(0) == expected
