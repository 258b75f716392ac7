"""The sheet's JSON Schema (draft 2020-12), for editors that complete and check TOML (``#:schema`` comments).

Made from the pydantic models, then tidied for a TOML file: amounts and percentages are TOML numbers (the
models would also take a number in a string), ids are the only keys a table of ids may have, and the
generated titles ("Weeks Min") are dropped in favour of the models' descriptions.
"""

from __future__ import annotations

import json
from typing import Any

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def sheet_schema() -> dict[str, Any]:
    """The JSON Schema of a price sheet, as a JSON-ready dict."""
    from ketacost.sheet.model import Sheet

    generated = Sheet.model_json_schema(mode="validation")
    tidy: dict[str, Any] = _tidy(generated)
    return {
        "$schema": DRAFT,
        "title": "ketacost price sheet",
        "description": "What a course of ketamine therapy costs and how it can be paid for (ketacost pricing.toml).",
        **{key: value for key, value in tidy.items() if key not in ("title", "description")},
    }


def schema_text() -> str:
    """The schema as the committed ``pricing.schema.json`` holds it: readable UTF-8, but the invisible characters
    of the text "pattern" written as JSON escapes, so that the file shows what it holds."""
    import re

    from ketacost.text import HIDDEN_CLASS

    readable = json.dumps(sheet_schema(), indent=2, ensure_ascii=False) + "\n"
    return re.sub(HIDDEN_CLASS, lambda match: json.dumps(match.group())[1:-1], readable)


def _tidy(node: Any) -> Any:
    if isinstance(node, list):
        return [_tidy(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _tidy(value) for key, value in node.items() if not (key == "title" and isinstance(value, str))}
    if "properties" in node:  # "title" is also a legitimate property name; only generated titles go
        result["properties"] = {name: _tidy(value) for name, value in node["properties"].items()}
    choices = result.get("anyOf")
    if isinstance(choices, list):
        # Decimal fields come out as "a number or a string"; in a TOML sheet an amount is a number.
        numeric = any(isinstance(choice, dict) and choice.get("type") == "number" for choice in choices)
        kept = [choice for choice in choices if not (numeric and choice == {"type": "string"})]
        if len(kept) != len(choices):
            result.pop("anyOf")
            if len(kept) == 1:
                result.update(kept[0])
            else:
                result["anyOf"] = kept
        if "default" in result and isinstance(result["default"], str) and _is_number(result["default"]):
            result["default"] = json.loads(result["default"])
    if "patternProperties" in result:
        result.setdefault("additionalProperties", False)  # a key that is not an id is an error, as when loading
    return result


def _is_number(text: str) -> bool:
    from decimal import Decimal, InvalidOperation

    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False
