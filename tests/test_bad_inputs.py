"""The catalog of bad inputs: every way a person or a script can get ketacost's input wrong, and what it must do.

Every case: exit code 2; on stderr one line per problem, each naming its place (``file:line:col: key: message``
for a price sheet, with the exact line and column where the case says ``<<marker>>``; the flag for a command-line
value); no traceback; nothing on stdout; and nothing written: every file under the test's directory (the sheet,
the documents asked for, the quote register) is byte-identical afterwards, and the register holds no new quote.

``<<marker>>`` in an expected line stands for the ``line:column`` where ``marker`` first starts in the case's
sheet, ``<<marker$>>`` for the column just after it ends (where tomllib reports some errors). Each expected line
must start the stderr line it matches; most are whole lines. The cases run in-process (CliRunner); those in
``SUBPROCESS`` also run through the installed ``ketacost`` program.

An unreadable file: as root (the usual CI container) permissions refuse nothing, so three cases make the OS
refuse for real (a Unix socket named as the sheet: ENXIO; a path through a regular file: ENOTDIR; a dangling
symlink: ENOENT), and ``unreadable-permission-denied`` makes the file mode 000, which refuses a normal user; as
root it stands in the refusal the OS gives a normal user by raising that PermissionError (EACCES) from the read.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.cli.test_entry_point import installed_ketacost
from tests.conftest import DEFAULT_SHEET, V1_SHEET, Run


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]  # after `ketacost`; {sheet} is the case's sheet file, {quote} a quote in the register
    expect: tuple[str, ...]  # each problem line on stderr, in order (click's usage lines aside)
    sheet: Callable[[str], str | bytes] | None = None  # the default sheet's text -> the case's sheet.toml
    files: dict[str, bytes] = field(default_factory=dict)  # other files to lay out first
    setup: str | None = None  # one of SETUPS (below the table): what a file cannot say
    env: dict[str, str] = field(default_factory=dict)
    v1: bool = False  # made from the built-in sheet as it was in schema version 1 (prices on line items)


def sub(*pairs: str) -> Callable[[str], str]:
    """The default sheet with each ``old`` replaced (once) by ``new``: sub(old, new, old, new, ...)."""

    def make(text: str) -> str:
        for old, new in zip(pairs[::2], pairs[1::2], strict=True):
            assert old in text, old
            text = text.replace(old, new, 1)
        return text

    return make


def same(text: str) -> str:
    return text


def raw(data: bytes) -> Callable[[str], bytes]:
    return lambda _: data


PATIENT = ("--patient", "Ana Diaz", "--dob", "1984-03-02")
DOCUMENTS = ("--html", "gfe.html", "--markdown", "gfe.md", "--json", "gfe.json")
OPTIONS = (
    "self_pay, hsa, fsa, medical_loan, clinic_plan, care_card, card_24, card_60, insurance, va, partner, "
    "membership, out_of_network, carepath"
)
MISSING = ("schema_version", "effective", "default_treatment", "tax", "treatments", "options")
VALIDATE = ("pricing", "validate", "{sheet}")


CASES = [
    # --- the file: missing, not a file, unreadable, not text, empty ---------------------------------------------
    Case("missing-file", ("--pricing", "missing.toml", "estimate"), ("missing.toml: no such file",)),
    Case("missing-file-from-env", ("estimate",), ("gone.toml: no such file",), env={"KETACOST_PRICING": "gone.toml"}),
    Case("directory-as-pricing", ("--pricing", ".", "estimate"), (".: is a directory, not a price sheet",)),
    Case("directory-to-validate", ("pricing", "validate", "/"), ("/: is a directory, not a price sheet",)),
    Case(
        "dangling-symlink",
        ("--pricing", "link.toml", "estimate"),
        ("link.toml: no such file",),
        setup="dangling symlink link.toml",
    ),
    Case(
        "unreadable-path-through-a-file",
        ("--pricing", "{sheet}/pricing.toml", "schedule", "-o", "medical_loan"),
        ("sheet.toml/pricing.toml: cannot read: Not a directory",),
        sheet=same,
    ),
    Case(
        "unreadable-socket",
        ("--pricing", "sheet.toml", "pricing", "show"),
        ("sheet.toml: cannot read: No such device or address",),
        setup="a Unix socket named sheet.toml",
    ),
    Case(
        "unreadable-permission-denied",
        ("--pricing", "locked.toml", "estimate"),
        ("locked.toml: permission denied",),
        setup="locked.toml, mode 000",
    ),
    Case("empty-file", VALIDATE, tuple(f"{{sheet}}:1:1: {key}: missing required key" for key in MISSING), raw(b"")),
    Case(
        "only-comments",
        VALIDATE,
        tuple(f"{{sheet}}:1:1: {key}: missing required key" for key in MISSING),
        raw(b"# a sheet to fill in\n\n"),
    ),
    Case("binary-file", VALIDATE, ("{sheet}:1:4: not UTF-8 text (byte 0xff)",), raw(b"\x7fEL\xff\x02\x01\x00\x00")),
    Case(
        "non-utf8-text",
        ("--pricing", "{sheet}", "estimate"),
        ('{sheet}:<<name = "Pr\u00eat+10>>: not UTF-8 text (byte 0xea)',),  # the column of the first bad byte
        lambda text: text.replace('name = "Medical loan"', 'name = "Pr\u00eat m\u00e9dical"').encode("latin-1"),
    ),
    Case("utf16-file", VALIDATE, ("{sheet}:1:1: not UTF-8 text (byte 0xff)",), lambda t: t.encode("utf-16")),
    Case(
        "nul-byte-in-text",
        VALIDATE,
        ("{sheet}:<<name = \"Medical$>>: invalid TOML: illegal character '\\x00'",),
        sub('name = "Medical loan"', 'name = "Medical\x00 loan"'),
    ),
    # --- malformed TOML -------------------------------------------------------------------------------------------
    Case(
        "toml-unclosed-header",
        VALIDATE,
        ("{sheet}:<<[options.hsa$>>: invalid TOML: expected ']' at the end of a table declaration",),
        sub("[options.hsa]", "[options.hsa"),
    ),
    Case(
        "toml-missing-value",
        VALIDATE,
        ("{sheet}:<<# EXAMPLE: personal>>: invalid TOML: invalid value",),
        sub("apr = 17.99 ", "apr = "),
    ),
    Case(
        "toml-unclosed-string",
        ("--pricing", "{sheet}", "estimate"),
        ('{sheet}:<<name = "Medical loan$>>: invalid TOML: ',),
        sub('name = "Medical loan"', 'name = "Medical loan'),
    ),
    Case(
        "toml-unclosed-inline-table",
        VALIDATE,
        ("{sheet}:<<high = 1000.00 $>>: invalid TOML: ",),
        sub("high = 1000.00 }", "high = 1000.00 "),
        v1=True,
    ),
    Case(
        "toml-duplicate-key",
        VALIDATE,
        ("{sheet}:<<apr = 15.00$>>: invalid TOML: cannot overwrite a value",),
        sub("apr = 17.99 ", "apr = 17.99\napr = 15.00\n"),
    ),
    Case(
        "duplicate-option-id",
        VALIDATE,
        ("{sheet}:<<[options.hsa]  # again+12>>: invalid TOML: cannot declare ('options', 'hsa') twice",),
        lambda text: text + '\n[options.hsa]  # again\nkind = "fsa"\nname = "Second HSA"\n',
    ),
    Case(
        "duplicate-treatment-id",
        ("--pricing", "{sheet}", "quote", *PATIENT, *DOCUMENTS),
        ("{sheet}:<<[treatments.iv]  # again+14>>: invalid TOML: cannot declare ('treatments', 'iv') twice",),
        lambda text: text + '\n[treatments.iv]  # again\nname = "Again"\n',
    ),
    Case(
        "toml-impossible-date",
        VALIDATE,
        ("{sheet}:<<2026-02-30>>: invalid TOML: invalid date or datetime",),
        sub("effective = 2026-11-01", "effective = 2026-02-30"),
    ),
    Case(
        "toml-garbage-line",
        VALIDATE,
        ("{sheet}:<<this is not toml+5>>: invalid TOML: expected '=' after a key in a key/value pair",),
        sub("[tax]\n", "[tax]\nthis is not toml\n"),
    ),
    # --- wrong types ----------------------------------------------------------------------------------------------
    Case(
        "type-number-for-whole-number",
        VALIDATE,
        (
            "{sheet}:<<term_months = 24.0>>: options.medical_loan.term_months: "
            "input should be a valid integer (got a number)",
        ),
        sub("term_months = 24 ", "term_months = 24.0"),
    ),
    Case(
        "type-string-for-sessions",
        VALIDATE,
        ('{sheet}:<<sessions = "6">>: treatments.iv.course.sessions: input should be a valid integer',),
        sub(
            "sessions = 6, weeks_min = 2, weeks_max = 3, frequency",
            'sessions = "6", weeks_min = 2, weeks_max = 3, frequency',
        ),
    ),
    Case(
        "type-boolean-for-money",
        VALIDATE,
        (
            "{sheet}:<<hsa_catch_up = true>>: tax.hsa_catch_up: "
            "decimal input should be an integer, float, string or Decimal object (got a boolean)",
        ),
        sub("hsa_catch_up = 1000.00", "hsa_catch_up = true"),
    ),
    Case(
        "type-table-for-text",
        VALIDATE,
        ("{sheet}:<<name = { a = 1 }>>: options.medical_loan.name: input should be a valid string (got a table)",),
        sub('name = "Medical loan"', "name = { a = 1 }"),
    ),
    Case(
        "type-boolean-for-date",
        VALIDATE,
        ("{sheet}:<<effective = true>>: effective: input should be a valid date (got a boolean)",),
        sub("effective = 2026-11-01", "effective = true"),
    ),
    Case(
        "type-array-for-table",
        VALIDATE,
        ("{sheet}:<<course = [6, 2, 3]>>: treatments.iv.course: input should be a valid dictionary",),
        sub(
            'course = { sessions = 6, weeks_min = 2, weeks_max = 3, frequency = "2-3 infusions a week" }',
            "course = [6, 2, 3]",
        ),
    ),
    Case(
        "unknown-kind",
        VALIDATE,
        (
            "{sheet}:<<medical_loan]>>: options.medical_loan: "
            "kind must be one of 'self_pay', 'hsa', 'fsa', 'loan', 'lender_grid', 'clinic_plan', 'deferred_interest', "
            "'reduced_apr', 'insurance', 'copay_program', 'out_of_network', 'va', 'clinic_membership' (got 'lone')",
        ),
        sub('kind = "loan"', 'kind = "lone"'),
    ),
    Case(
        "missing-kind",
        VALIDATE,
        ("{sheet}:<<medical_loan]>>: options.medical_loan: missing required key 'kind'",),
        sub('kind = "loan"\n', ""),
    ),
    Case(
        "wrong-schema-version",
        VALIDATE,
        ("{sheet}:<<schema_version = 3>>: schema_version: input should be 1 or 2",),
        sub("schema_version = 2", "schema_version = 3"),
    ),
    Case(
        "empty-name",
        VALIDATE,
        ('{sheet}:<<name = "">>: options.medical_loan.name: string should have at least 1 character',),
        sub('name = "Medical loan"', 'name = ""'),
    ),
    # --- numbers: negative, NaN, infinite, out of bounds, too many decimals --------------------------------------
    Case(
        "negative-money",
        VALIDATE,
        ("{sheet}:<<hsa_catch_up = -1000.00>>: tax.hsa_catch_up: input should be greater than or equal to 0",),
        sub("hsa_catch_up = 1000.00", "hsa_catch_up = -1000.00"),
    ),
    Case(
        "negative-price",
        ("--pricing", "{sheet}", "estimate", "-f", "json"),
        ("{sheet}:<<low = -400.00>>: treatments.iv.price.low: input should be greater than or equal to 0",),
        sub("price = { low = 400.00, typical = 600.00", "price = { low = -400.00, typical = 600.00"),
        v1=True,
    ),
    Case(
        "nan",
        VALIDATE,
        ("{sheet}:<<apr = nan>>: options.medical_loan.apr: input should be a finite number",),
        sub("apr = 17.99 ", "apr = nan "),
    ),
    Case(
        "infinity",
        VALIDATE,
        ("{sheet}:<<fsa_limit = inf>>: tax.fsa_limit: input should be a finite number",),
        sub("fsa_limit = 3400.00", "fsa_limit = inf"),
    ),
    Case(
        "negative-infinity",
        VALIDATE,
        (
            "{sheet}:<<prepay_discount_pct = -inf>>: options.self_pay.prepay_discount_pct: "
            "input should be a finite number",
        ),
        sub("prepay_discount_pct = 0.00", "prepay_discount_pct = -inf"),
    ),
    Case(
        "money-over-a-million",
        VALIDATE,
        (
            "{sheet}:<<hsa_family_limit = 1000000.01>>: tax.hsa_family_limit: "
            "input should be less than or equal to 1000000.00",
        ),
        sub("hsa_family_limit = 8750.00", "hsa_family_limit = 1000000.01"),
    ),
    Case(
        "money-huge-exponent",
        VALIDATE,
        ("{sheet}:<<hsa_catch_up = 1e400>>: tax.hsa_catch_up: input should be less than or equal to 1000000.00",),
        sub("hsa_catch_up = 1000.00", "hsa_catch_up = 1e400"),
    ),
    Case(
        "money-three-decimals",
        VALIDATE,
        ("{sheet}:<<fsa_limit = 3400.001>>: tax.fsa_limit: decimal input should have no more than 2 decimal places",),
        sub("fsa_limit = 3400.00", "fsa_limit = 3400.001"),
    ),
    Case(
        "price-three-decimals",
        ("--pricing", "{sheet}", "schedule", "-o", "medical_loan"),
        (
            "{sheet}:<<typical = 600.005>>: treatments.iv.price.typical: "
            "decimal input should have no more than 2 decimal places",
        ),
        sub("typical = 600.00, high = 1000.00", "typical = 600.005, high = 1000.00"),
        v1=True,
    ),
    Case(
        "percent-over-100",
        VALIDATE,
        (
            "{sheet}:<<coinsurance_pct = 100.5>>: options.insurance.coinsurance_pct: "
            "input should be less than or equal to 100",
        ),
        sub("coinsurance_pct = 20.00", "coinsurance_pct = 100.5"),
    ),
    Case(
        "apr-over-100",
        VALIDATE,
        ("{sheet}:<<apr = 117.99>>: options.medical_loan.apr: input should be less than or equal to 100",),
        sub("apr = 17.99 ", "apr = 117.99 "),
    ),
    Case(
        "fee-of-100-percent",
        VALIDATE,
        (
            "{sheet}:<<origination_fee_pct = 100>>: options.medical_loan.origination_fee_pct: "
            "input should be less than or equal to 30",
        ),
        sub("origination_fee_pct = 5.00", "origination_fee_pct = 100"),
    ),
    Case(
        "term-zero",
        VALIDATE,
        ("{sheet}:<<term_months = 0>>: options.medical_loan.term_months: input should be greater than or equal to 1",),
        sub("term_months = 24 ", "term_months = 0 "),
    ),
    Case(
        "term-over-120",
        VALIDATE,
        ("{sheet}:<<months = 121>>: options.clinic_plan.months: input should be less than or equal to 120",),
        sub("months = 6 ", "months = 121 "),
    ),
    Case(
        "sessions-zero",
        ("--pricing", "{sheet}", "estimate"),
        ("{sheet}:<<sessions = 0>>: treatments.iv.course.sessions: input should be greater than or equal to 1",),
        sub(
            "sessions = 6, weeks_min = 2, weeks_max = 3, frequency",
            "sessions = 0, weeks_min = 2, weeks_max = 3, frequency",
        ),
    ),
    Case(
        "sessions-negative",
        VALIDATE,
        ("{sheet}:<<sessions = -6>>: treatments.iv.course.sessions: input should be greater than or equal to 1",),
        sub(
            "sessions = 6, weeks_min = 2, weeks_max = 3, frequency",
            "sessions = -6, weeks_min = 2, weeks_max = 3, frequency",
        ),
    ),
    Case(
        "sessions-over-200",
        VALIDATE,
        ("{sheet}:<<sessions = 201>>: treatments.iv.course.sessions: input should be less than or equal to 200",),
        sub(
            "sessions = 6, weeks_min = 2, weeks_max = 3, frequency",
            "sessions = 201, weeks_min = 2, weeks_max = 3, frequency",
        ),
    ),
    Case(
        "boosters-over-200",
        VALIDATE,
        ("{sheet}:<<boosters = 201>>: treatments.iv.maintenance.boosters: input should be less than or equal to 200",),
        sub("boosters = 6,", "boosters = 201,"),
    ),
    Case(
        "tax-year-out-of-range",
        VALIDATE,
        ("{sheet}:<<year = 1999>>: tax.year: input should be greater than or equal to 2000",),
        sub("year = 2026", "year = 1999"),
    ),
    Case(
        "quantity-zero",
        VALIDATE,
        ("{sheet}:<<quantity = 0>>: treatments.iv.line_items.0.quantity: input should be greater than or equal to 1",),
        sub("quantity = 1\nprice = { low = 250.00", "quantity = 0\nprice = { low = 250.00"),
        v1=True,
    ),
    # --- cross-field rules ----------------------------------------------------------------------------------------
    Case(
        "low-above-high",
        VALIDATE,
        ("{sheet}:<<low = 1200.00>>: treatments.iv.price.low: must not exceed high (1200.00 > 1000.00)",),
        sub(
            "{ low = 400.00, typical = 600.00, high = 1000.00 }", "{ low = 1200.00, typical = 600.00, high = 1000.00 }"
        ),
        v1=True,
    ),
    Case(
        "typical-outside-range",
        VALIDATE,
        (
            "{sheet}:<<typical = 1100.00>>: treatments.iv.price.typical: "
            "must lie between low and high (400.00..1000.00)",
        ),
        sub("typical = 600.00, high = 1000.00", "typical = 1100.00, high = 1000.00"),
        v1=True,
    ),
    Case(
        "weeks-min-above-max",
        VALIDATE,
        ("{sheet}:<<weeks_min = 4>>: treatments.iv.course.weeks_min: must not exceed weeks_max (4 > 3)",),
        sub(
            'weeks_min = 2, weeks_max = 3, frequency = "2-3 infusions',
            'weeks_min = 4, weeks_max = 3, frequency = "2-3 infusions',
        ),
    ),
    Case(
        "line-items-do-not-add-up",
        VALIDATE,
        (
            "{sheet}:<<line_items]]>>: treatments.iv.line_items: "
            "line items add up to 450.00 at the low price, not the price per infusion 400.00 "
            "(quantity x price of each item must sum to it exactly)",
        ),
        sub("price = { low = 250.00, typical = 370.00", "price = { low = 300.00, typical = 370.00"),
        v1=True,
    ),
    Case(
        "two-down-payments",
        VALIDATE,
        (
            "{sheet}:<<down_payment = 100.00>>: options.clinic_plan.down_payment: "
            "give down_payment or down_payment_pct, not both",
        ),
        sub("setup_fee = 0.00", "setup_fee = 0.00\ndown_payment = 100.00"),
    ),
    # --- keys and ids ---------------------------------------------------------------------------------------------
    Case(
        "unknown-key-with-suggestion",
        ("--pricing", "{sheet}", "estimate"),
        ("{sheet}:<<term_mnths>>: options.medical_loan.term_mnths: unknown key (did you mean 'term_months'?)",),
        sub("term_months = 24 ", "term_months = 24\nterm_mnths = 24 "),
    ),
    Case(
        "unknown-top-level-key",
        VALIDATE,
        ("{sheet}:<<efective>>: efective: unknown key (did you mean 'effective'?)",),
        sub("currency = ", "efective = 2026-11-01\ncurrency = "),
    ),
    Case(
        "unknown-key-in-inline-table",
        VALIDATE,
        ("{sheet}:<<tpyical>>: treatments.iv.price.tpyical: unknown key (did you mean 'typical'?)",),
        sub("typical = 600.00, high = 1000.00", "typical = 600.00, tpyical = 600.00, high = 1000.00"),
        v1=True,
    ),
    Case(
        "invalid-id",
        VALIDATE,
        ("{sheet}:<<Bad_Id>>: options.Bad_Id: invalid id 'Bad_Id': use lowercase letters, digits, '_' or '-'",),
        sub("[options.hsa]", "[options.Bad_Id]"),
    ),
    Case(
        "unknown-default-treatment",
        VALIDATE,
        ("{sheet}:<<default_treatment>>: default_treatment: 'ivv' is not a treatment (im, iv, kap, oral, spravato)",),
        sub('default_treatment = "iv"', 'default_treatment = "ivv"'),
    ),
    Case(
        "option-names-unknown-treatment",
        VALIDATE,
        ("{sheet}:<<\"ketamine\">>: options.va.treatments.1: 'ketamine' is not a treatment",),
        sub('treatments = ["iv", "spravato"]', 'treatments = ["iv", "ketamine"]'),
    ),
    Case(
        "line-item-names-unknown-provider",
        VALIDATE,
        (
            '{sheet}:<<provider = "nurse">>: treatments.iv.line_items.0.provider: '
            "'nurse' is not a provider (choose from: clinic, physician, therapist)",
        ),
        sub('provider = "clinic"', 'provider = "nurse"'),
        v1=True,
    ),
    Case(
        "missing-required-key",
        VALIDATE,
        ("{sheet}:<<medical_loan]>>: options.medical_loan.term_months: missing required key",),
        sub("term_months = 24 ", "# term_months = 24 "),
    ),
    Case(
        "bad-npi",
        VALIDATE,
        ("{sheet}:<<npi = \"1234567890\">>: clinic.npi: '1234567890' is not a valid NPI: wrong check digit",),
        sub('npi = "1234567893"', 'npi = "1234567890"'),
    ),
    Case(
        "bad-state",
        VALIDATE,
        (
            '{sheet}:<<state = "ZZ">>: clinic.state: '
            "'ZZ' is not a US state's two-letter postal code (e.g. CA, NY, TX)",
        ),
        sub('state = "IL"', 'state = "ZZ"'),
    ),
    Case(
        "bad-diagnosis-code-in-sheet",
        VALIDATE,
        ("{sheet}:<<\"F33-2\">>: treatments.iv.diagnosis_codes.0: 'F33-2' is not an ICD-10-CM code",),
        sub('diagnosis_codes = ["F33.2"]', 'diagnosis_codes = ["F33-2"]'),
    ),
    Case(
        "several-problems-at-once-in-file-order",
        VALIDATE,
        (
            "{sheet}:<<default_treatment>>: default_treatment: 'ivv' is not a treatment",
            "{sheet}:<<fsa_limit = 3400.001>>: tax.fsa_limit: decimal input should have no more than 2 decimal places",
            "{sheet}:<<apr = nan>>: options.medical_loan.apr: input should be a finite number",
            "{sheet}:<<term_months = 0>>: options.medical_loan.term_months: input should be greater than or equal to 1",
        ),
        sub(
            'default_treatment = "iv"',
            'default_treatment = "ivv"',
            "fsa_limit = 3400.00",
            "fsa_limit = 3400.001",
            "apr = 17.99 ",
            "apr = nan ",
            "term_months = 24 ",
            "term_months = 0 ",
        ),
    ),
    Case(
        "two-sheets-both-bad",
        ("pricing", "validate", "{sheet}", "missing.toml"),
        (
            "{sheet}:<<apr = nan>>: options.medical_loan.apr: input should be a finite number",
            "missing.toml: no such file",
        ),
        sub("apr = 17.99 ", "apr = nan "),
    ),
    # --- command-line values --------------------------------------------------------------------------------------
    Case("sessions-flag-negative", ("estimate", "-n", "-3"), ("--sessions: -3 must be between 1 and 200",)),
    Case("sessions-flag-zero", ("estimate", "--sessions", "0"), ("--sessions: 0 must be between 1 and 200",)),
    Case(
        "sessions-flag-over-200",
        ("schedule", "-o", "medical_loan", "-n", "201"),
        ("--sessions: 201 must be between 1 and 200",),
    ),
    Case("sessions-flag-not-a-number", ("estimate", "-n", "six"), ("Error: Invalid value for '--sessions' / '-n': ",)),
    Case("boosters-flag-negative", ("estimate", "--boosters", "-1"), ("--boosters: -1 must be between 0 and 200",)),
    Case("tax-rate-150", ("estimate", "--tax-rate", "150"), ("--tax-rate: '150' must be between 0 and 100",)),
    Case(
        "coinsurance-negative",
        ("estimate", "--coinsurance", "-5%"),
        ("--coinsurance: '-5%' must be between 0 and 100",),
    ),
    Case(
        "price-abc",
        ("estimate", "--price", "abc"),
        ("--price: 'abc' is not a number (expected an amount such as 650 or 650.00)",),
    ),
    Case(
        "price-three-decimals-flag",
        ("estimate", "--price", "650.005"),
        ("--price: '650.005' has more than two decimals",),
    ),
    Case(
        "price-negative-flag", ("estimate", "--price", "-5"), ("--price: '-5' must be between 0.00 and 1,000,000.00",)
    ),
    Case(
        "price-nan-flag",
        ("estimate", "--price", "NaN"),
        ("--price: 'NaN' is not a finite number (expected an amount such as 650 or 650.00)",),
    ),
    Case("price-infinity-flag", ("schedule", "-o", "va", "--price", "inf"), ("--price: 'inf' is not a finite number",)),
    Case(
        "price-over-a-million-flag",
        ("estimate", "--price", "1000000.01"),
        ("--price: '1000000.01' must be between 0.00 and 1,000,000.00",),
    ),
    Case("hsa-balance-abc", ("estimate", "--hsa-balance", "lots"), ("--hsa-balance: 'lots' is not a number",)),
    Case(
        "several-bad-flags-at-once",
        ("estimate", "-n", "0", "--price", "abc", "--tax-rate", "150", "--budget", "1.234"),
        (
            "--sessions: 0 must be between 1 and 200",
            "--price: 'abc' is not a number",
            "--tax-rate: '150' must be between 0 and 100",
            "--budget: '1.234' has more than two decimals",
        ),
    ),
    Case(
        "unknown-treatment",
        ("estimate", "-t", "ivv"),
        ("--treatment: unknown treatment 'ivv' (choose from: iv, im, spravato, kap, oral)",),
    ),
    Case(
        "unknown-option",
        ("estimate", "-o", "loan"),
        (f"--option: unknown payment option 'loan' (choose from: {OPTIONS})",),
    ),
    Case(
        "unknown-add-on",
        ("estimate", "--add-on", "massage"),
        ("--add-on: unknown add-on for iv 'massage' (choose from: consultation)",),
    ),
    Case(
        "schedule-unknown-option",
        ("schedule", "-o", "nope"),
        (f"--option: unknown payment option 'nope' (choose from: {OPTIONS})",),
    ),
    Case("unknown-flag", ("estimate", "--sesions", "6"), ("Error: No such option: --sesions",)),
    Case("unknown-format", ("estimate", "--format", "xml"), ("Error: Invalid value for '--format' / '-f': ",)),
    Case(
        "unknown-price-point",
        ("schedule", "-o", "medical_loan", "--at", "middle"),
        ("Error: Invalid value for '--at': ",),
    ),
    Case(
        "impossible-start-date",
        ("schedule", "-o", "medical_loan", "--start", "2027-02-30"),
        ("--start: '2027-02-30' is not a date",),
    ),
    Case("batch-missing-input", ("estimate", "--input", "nope.csv"), ("nope.csv: no such file",)),
    Case(
        "batch-unknown-column",
        ("estimate", "--input", "s.csv"),
        ("s.csv:1: unknown field 'sesions' (did you mean 'sessions'?)",),
        files={"s.csv": b"treatment,sesions\niv,6\n"},
    ),
    Case(
        "batch-unknown-format",
        ("estimate", "--input", "s.txt"),
        ("s.txt: cannot tell the input format: name it .csv or .jsonl",),
        files={"s.txt": b"iv,6\n"},
    ),
    Case(
        "batch-not-utf8",
        ("estimate", "--input", "s.csv"),
        ("s.csv: not UTF-8 text (byte 0xe9)",),
        files={"s.csv": b"treatment\n\xe9\n"},
    ),
    # --- quotes: nothing saved, nothing written -------------------------------------------------------------------
    Case(
        "quote-impossible-scheduled-date",
        ("quote", *PATIENT, "--scheduled", "2027-02-30", *DOCUMENTS),
        ("--scheduled: '2027-02-30' is not a real calendar date",),
    ),
    Case(
        "quote-scheduled-in-the-past",
        ("quote", *PATIENT, "--scheduled", "2026-11-26", *DOCUMENTS),
        ("--scheduled: 2026-11-26 is in the past (today is 2026-11-27)",),
    ),
    Case(
        "quote-impossible-dob",
        ("quote", "--patient", "Ana", "--dob", "1984-02-30", *DOCUMENTS),
        ("--dob: '1984-02-30' is not a real calendar date",),
    ),
    Case(
        "quote-future-dob",
        ("quote", "--patient", "Ana", "--dob", "2026-11-28", *DOCUMENTS),
        ("--dob: 2026-11-28 is in the future (today is 2026-11-27)",),
    ),
    Case(
        "quote-dob-not-a-date",
        ("quote", "--patient", "Ana", "--dob", "03/02/1984", *DOCUMENTS),
        ("--dob: '03/02/1984' is not a date (expected YYYY-MM-DD, e.g. 1984-03-02)",),
    ),
    Case(
        "quote-bad-icd10",
        ("quote", *PATIENT, "--diagnosis", "F33-2", *DOCUMENTS),
        ("--diagnosis: 'F33-2' is not an ICD-10-CM code",),
    ),
    Case(
        "quote-empty-patient",
        ("quote", "--patient", " ", "--dob", "1984-03-02", *DOCUMENTS),
        ("--patient: must not be empty",),
    ),
    Case(
        "quote-control-character-in-name",
        ("quote", "--patient", "Ana\x1b[2J", "--dob", "1984-03-02", *DOCUMENTS),
        ("--patient: contains a control character (U+001B)",),
    ),
    Case(
        "quote-several-problems-at-once",
        ("quote", "--patient", "", "--dob", "2026-13-01", "--diagnosis", "XYZ", "--html", "nowhere/gfe.html"),
        (
            "--patient: must not be empty",
            "--dob: '2026-13-01' is not a real calendar date",
            "--diagnosis: 'XYZ' is not an ICD-10-CM code",
            "--html: nowhere/gfe.html: no such directory 'nowhere'",
        ),
    ),
    Case(
        "quote-unknown-ids-after-the-sheet-loaded",
        ("quote", *PATIENT, "-t", "ivv", "-o", "loan", *DOCUMENTS),
        ("--treatment: unknown treatment 'ivv'", "--option: unknown payment option 'loan'"),
    ),
    Case(
        "quote-sessions-beyond-12-months",
        ("quote", *PATIENT, "-n", "120", *DOCUMENTS),
        ("--sessions: 120 infusions take up to 60 weeks",),
    ),
    Case(
        "quote-same-file-twice",
        ("quote", *PATIENT, "--html", "out", "--json", "out"),
        ("--json: out is also given to --html",),
    ),
    Case(
        "quote-broken-sheet",
        ("--pricing", "{sheet}", "quote", *PATIENT, *DOCUMENTS),
        ("{sheet}:<<apr = nan>>: options.medical_loan.apr: input should be a finite number",),
        sub("apr = 17.99 ", "apr = nan "),
    ),
    Case(
        "quotes-check-billed-without-amount",
        ("quotes", "check", "{quote}", "--billed", "clinic"),
        ("--billed: 'clinic' must be PROVIDER=AMOUNT, e.g. clinic=6400.00",),
    ),
    Case(
        "quotes-check-billed-not-a-number",
        ("quotes", "check", "{quote}", "--billed", "clinic=lots"),
        ("--billed: 'lots' is not a number",),
    ),
    Case(
        "quotes-check-several-problems",
        ("quotes", "check", "{quote}", "--billed", "clinic=1.234", "--billed", "=5", "--bill-date", "2027-02-30"),
        (
            "--billed: '1.234' has more than two decimals",
            "--billed: '=5' must be PROVIDER=AMOUNT",
            "--bill-date: '2027-02-30' is not a real calendar date",
        ),
    ),
    Case(
        "quotes-show-unknown-id",
        ("quotes", "show", "Q-20261127-ZZZZ", "--html", "again.html"),
        ("no quote Q-20261127-ZZZZ in the register ",),
    ),
    Case(
        "quotes-list-impossible-since",
        ("quotes", "list", "--since", "2026-13-01"),
        ("--since: '2026-13-01' is not a real calendar date",),
    ),
    # --- editing the sheet: the file stays byte-identical ---------------------------------------------------------
    Case(
        "set-unknown-key",
        ("--pricing", "{sheet}", "pricing", "set", "options.medical_loan.apx=15"),
        ("unknown key 'options.medical_loan.apx' (did you mean 'options.medical_loan.apr'?)",),
        sheet=same,
    ),
    Case(
        "set-invalid-value",
        ("--pricing", "{sheet}", "pricing", "set", "options.medical_loan.apr=200"),
        (
            "{sheet}:<<apr = 17.99>>: options.medical_loan.apr: input should be less than or equal to 100",
            "{sheet}: not changed: the edit would leave the sheet invalid",
        ),
        sheet=same,
    ),
    Case(
        "set-not-a-toml-value",
        ("--pricing", "{sheet}", "pricing", "set", "options.medical_loan.apr=abc"),
        (
            "options.medical_loan.apr: 'abc' is not a TOML value (text needs quotes: "
            "options.medical_loan.apr='\"...\"')",
        ),
        sheet=same,
    ),
    Case(
        "set-without-equals",
        ("--pricing", "{sheet}", "pricing", "set", "options.medical_loan.apr"),
        ("'options.medical_loan.apr': expected KEY=VALUE, e.g. treatments.iv.price.high=950.00",),
        sheet=same,
    ),
    Case(
        "set-the-built-in-sheet",
        ("pricing", "set", "options.medical_loan.apr=15"),
        ("built-in default: the built-in sheet is never edited; run `ketacost pricing init`",),
        # no ./pricing.toml (tests/conftest.py isolates the working directory): the built-in sheet is in use
    ),
    Case(
        "scale-by-abc",
        ("--pricing", "{sheet}", "pricing", "scale", "--by", "abc"),
        ("--by: 'abc' needs a percent sign, e.g. 3.5% or -2%",),
        sheet=same,
    ),
    Case(
        "scale-by-nan",
        ("--pricing", "{sheet}", "pricing", "scale", "--by", "nan%"),
        ("--by: 'nan%' is not a finite number",),
        sheet=same,
    ),
    Case(
        "scale-by-minus-100",
        ("--pricing", "{sheet}", "pricing", "scale", "--by", "-100%"),
        ("--by: '-100%' must be more than -100% and at most 1000%",),
        sheet=same,
    ),
    Case(
        "scale-round-zero",
        ("--pricing", "{sheet}", "pricing", "scale", "--by", "5%", "--round", "0"),
        ("--round: '0' must be more than 0",),
        sheet=same,
    ),
    Case(
        "scale-selects-nothing",
        ("--pricing", "{sheet}", "pricing", "scale", "--by", "5%", "--select", "nothing.here"),
        ("--select 'nothing.here' matches no amount of money in {sheet}",),
        sheet=same,
    ),
    Case(
        "init-over-an-existing-file",
        ("pricing", "init", "mine.toml"),
        ("mine.toml: already exists; nothing written (use --force to overwrite it)",),
        files={"mine.toml": b"# my own sheet, not to be overwritten\n"},
    ),
    Case("init-into-a-directory", ("pricing", "init", "."), (".: is a directory",)),
    Case(
        "init-into-a-missing-directory",
        ("pricing", "init", "nowhere/pricing.toml"),
        ("nowhere/pricing.toml: no such directory: ",),
    ),
    Case(
        "init-through-a-file",
        ("pricing", "init", "{sheet}/pricing.toml"),
        ("sheet.toml/pricing.toml: no such directory: ",),
        sheet=same,
    ),
]

SUBPROCESS = [
    "missing-file",
    "directory-as-pricing",
    "non-utf8-text",
    "low-above-high",
    "several-bad-flags-at-once",
    "unknown-treatment",
    "quote-impossible-scheduled-date",
    "set-invalid-value",
    "scale-by-abc",
]

# --- running a case ---------------------------------------------------------------------------------------------


def socket_sheet(tmp_path: Path, _: pytest.MonkeyPatch) -> None:
    listener = socket.socket(socket.AF_UNIX)
    listener.bind("sheet.toml")  # relative: the working directory is tmp_path (a socket path is short)
    listener.close()


def dangling_link(tmp_path: Path, _: pytest.MonkeyPatch) -> None:
    (tmp_path / "link.toml").symlink_to(tmp_path / "gone" / "pricing.toml")


def mode_000(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sheet = tmp_path / "locked.toml"
    sheet.write_bytes(DEFAULT_SHEET.read_bytes())
    sheet.chmod(0)
    if os.geteuid() == 0:  # root reads anything: raise what the OS raises for a normal user
        read_bytes = Path.read_bytes

        def refuse(self: Path) -> bytes:
            if self.name == "locked.toml":
                raise PermissionError(13, "Permission denied", str(self))
            return read_bytes(self)

        monkeypatch.setattr(Path, "read_bytes", refuse)


SETUPS: dict[str, Callable[[Path, pytest.MonkeyPatch], None]] = {
    "a Unix socket named sheet.toml": socket_sheet,
    "dangling symlink link.toml": dangling_link,
    "locked.toml, mode 000": mode_000,
}


TODAY = dt.date(2026, 11, 27)
USAGE = re.compile(r"^(Usage: |Try '|$)")  # click's usage lines around its one "Error: ..." line
PLACE = re.compile(r"<<(.+?)(\$|\+[0-9]+)?>>", re.S)


def place(text: str, marker: str, shift: str | None) -> str:
    """``line:column`` (1-based) where ``marker`` starts in ``text`` (``$``: just after it ends; ``+N``: N further)."""
    index = text.index(marker)
    index += len(marker) if shift == "$" else int(shift[1:]) if shift else 0
    line = text.count("\n", 0, index) + 1
    return f"{line}:{index - (text.rfind(chr(10), 0, index) + 1) + 1}"


def snapshot(root: Path) -> dict[str, object]:
    """Every file under ``root`` with its bytes (directories, links and sockets by kind). Left out: the sidecar
    lock an edit takes, when empty (holding a lock writes nothing), and SQLite's shared-memory index and empty
    write-ahead log, which come and go whenever the register is opened, even to read it."""
    shot: dict[str, object] = {}
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        if path.is_symlink():
            shot[name] = f"-> {os.readlink(path)}"
        elif path.is_dir():
            shot[name] = "dir"
        elif path.is_socket():
            shot[name] = "socket"
        elif (path.name.endswith((".lock", "-wal")) and path.stat().st_size == 0) or path.name.endswith("-shm"):
            continue
        elif path.stat().st_mode & 0o444 == 0:
            shot[name] = ("unreadable", path.stat().st_size)
        else:
            shot[name] = path.read_bytes()
    return shot


def quotes_saved(tmp_path: Path) -> int:
    register = tmp_path / "register" / "quotes.sqlite3"  # KETACOST_STORE (tests/conftest.py)
    if not register.exists():
        return 0
    with sqlite3.connect(f"file:{register}?mode=ro", uri=True) as connection:
        (count,) = connection.execute("SELECT count(*) FROM quotes").fetchone()
    connection.close()
    return int(count)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ketacost.cli.quote.today", lambda: TODAY)


def prepare(case: Case, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str]]:
    """Lay out the case's files; return its argv and expected lines with every placeholder filled in."""
    text = ""
    if case.sheet is not None:
        content = case.sheet((V1_SHEET if case.v1 else DEFAULT_SHEET).read_text(encoding="utf-8"))
        if isinstance(content, bytes):
            (tmp_path / "sheet.toml").write_bytes(content)
            text = content.decode("latin-1")  # a byte per character: columns in bytes, as ketacost counts them
        else:
            (tmp_path / "sheet.toml").write_text(content, encoding="utf-8")
            text = content
    quote_id = ""
    if case.args[0] in ("quote", "quotes") or "quote" in case.args:  # a register holding one quote already
        issued = run("quote", *PATIENT)
        assert issued.exit_code == 0, issued.stderr
        quote_id = re.search(r"Quote (Q-[0-9]{8}-[0-9A-Z]{4}) ", issued.stderr).group(1)  # type: ignore[union-attr]
    for name, data in case.files.items():
        (tmp_path / name).write_bytes(data)
    if case.setup is not None:
        SETUPS[case.setup](tmp_path, monkeypatch)
    args = [arg.replace("{sheet}", "sheet.toml").replace("{quote}", quote_id) for arg in case.args]
    expect = [
        PLACE.sub(lambda m: place(text, m.group(1), m.group(2)), line.replace("{sheet}", "sheet.toml"))
        for line in case.expect
    ]
    return args, expect


def check(case: Case, expect: list[str], code: int, stdout: str, stderr: str) -> None:
    assert code == 2, (code, stdout, stderr)
    assert "Traceback" not in stdout + stderr
    assert stdout == ""
    problems = [line for line in stderr.splitlines() if not USAGE.match(line)]
    assert len(problems) == len(expect), f"expected {len(expect)} problem lines, got:\n{stderr}"
    for line, wanted in zip(problems, expect, strict=True):
        assert line.startswith(wanted), f"\n  got:      {line!r}\n  expected: {wanted!r}..."


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input(case: Case, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args, expect = prepare(case, run, tmp_path, monkeypatch)
    saved = quotes_saved(tmp_path)  # first: reading the register makes SQLite's -wal and -shm files
    before = snapshot(tmp_path)
    result = run(*args, env=case.env)
    check(case, expect, result.exit_code, result.stdout, result.stderr)
    assert snapshot(tmp_path) == before, "something was written"
    assert quotes_saved(tmp_path) == saved


@pytest.mark.parametrize("case_id", SUBPROCESS)
def test_bad_input_through_the_installed_program(
    case_id: str, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (case,) = [case for case in CASES if case.id == case_id]
    args, expect = prepare(case, run, tmp_path, monkeypatch)
    if "quote" in args:  # the program's own clock: a date that is always in the past or impossible is the same
        assert all("2026-11-2" not in line for line in expect)
    saved = quotes_saved(tmp_path)
    before = snapshot(tmp_path)
    result = subprocess.run(
        [installed_ketacost(), *args], capture_output=True, text=True, env={**os.environ, **case.env}, timeout=60
    )
    check(case, expect, result.returncode, result.stdout, result.stderr)
    assert snapshot(tmp_path) == before, "something was written"
    assert quotes_saved(tmp_path) == saved


def test_the_catalog_is_big_and_every_case_named_once() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
    assert len(CASES) >= 50
    assert set(SUBPROCESS) <= set(ids)
