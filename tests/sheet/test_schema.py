"""The JSON Schema for editors: committed next to pricing.toml, pointed at by its first line, and true to the loader."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from typing import Any

import jsonschema
import pytest

from ketacost.sheet.schema import DRAFT, schema_text, sheet_schema
from tests.conftest import ROOT


def as_json(text: str) -> Any:
    """TOML -> the JSON data an editor validates (dates as strings, numbers as numbers)."""

    def convert(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: convert(item) for key, item in value.items()}
        if isinstance(value, list):
            return [convert(item) for item in value]
        return value.isoformat() if isinstance(value, dt.date) else value

    return convert(tomllib.loads(text))


def errors(text: str) -> list[str]:
    """Every message, including those under a oneOf (where an editor shows the option's own errors)."""
    validator = jsonschema.Draft202012Validator(sheet_schema())

    def messages(error: jsonschema.ValidationError) -> list[str]:
        return [error.message] + [line for sub in error.context or () for line in messages(sub)]

    return [line for error in validator.iter_errors(as_json(text)) for line in messages(error)]


def test_the_committed_schema_file_is_what_the_command_prints() -> None:
    assert (ROOT / "pricing.schema.json").read_text(encoding="utf-8") == schema_text(), (
        "pricing.schema.json is stale: run `ketacost pricing schema > pricing.schema.json`"
    )


def test_the_repository_sheet_points_editors_at_the_schema() -> None:
    first = (ROOT / "pricing.toml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "#:schema ./pricing.schema.json"


def test_it_is_a_valid_draft_2020_12_schema() -> None:
    schema = sheet_schema()
    assert schema["$schema"] == DRAFT == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_default_sheet_passes(sheet_text: str) -> None:
    assert errors(sheet_text) == []


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("term_months = 24", "term_mnths = 24", "'term_mnths' was unexpected"),
        ("term_months = 24", 'term_months = "24"', "'24' is not of type 'integer'"),
        ("high = 1000.00", 'high = "1000.00"', "'1000.00' is not of type 'number'"),
        ("apr = 17.99", "apr = 117.99", "117.99 is greater than the maximum of 100"),
        ("[treatments.im]", "[treatments.IM]", "'IM' does not match any of the regexes"),
        ('kind = "va"', 'kind = "veterans"', "is not valid under any of the given schemas"),
    ],
)
def test_editors_see_the_mistakes_the_loader_refuses(sheet_v1_text: str, old: str, new: str, message: str) -> None:
    assert any(message in error for error in errors(sheet_v1_text.replace(old, new, 1))), errors(
        sheet_v1_text.replace(old, new, 1)
    )


def test_the_schema_text_is_stable_json() -> None:
    assert json.loads(schema_text()) == sheet_schema()
    assert schema_text().endswith("}\n")
