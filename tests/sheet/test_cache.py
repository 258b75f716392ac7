"""The validated-sheet cache: a hit skips validation (and pydantic), and it can change no answer and no error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ketacost.errors import BadInput
from ketacost.sheet import cache
from ketacost.sheet.load import parse_prices
from ketacost.sheet.model import Sheet


def entries() -> list[Path]:
    folder = cache.directory()
    assert folder is not None
    return sorted(folder.glob("*.json")) if folder.exists() else []


def test_a_valid_sheet_is_cached_and_the_hit_skips_validation(sheet_text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    first = parse_prices(sheet_text, "p.toml")
    (entry,) = entries()
    assert entry.stat().st_mode & 0o777 == 0o600

    def no_validation(*_: object, **__: object) -> None:
        raise AssertionError("validated again")

    monkeypatch.setattr(Sheet, "model_validate", no_validation)
    assert parse_prices(sheet_text, "p.toml") == first


def test_any_change_to_the_text_misses(sheet_text: str) -> None:
    parse_prices(sheet_text, "p.toml")
    changed = parse_prices(sheet_text.replace("apr = 17.99", "apr = 18.99"), "p.toml")
    assert str(changed.options["medical_loan"].apr) == "18.99"  # type: ignore[union-attr]
    assert len(entries()) == 2


def test_invalid_sheets_are_never_cached_so_errors_always_come_from_validation(sheet_text: str) -> None:
    broken = sheet_text.replace("term_months = 24", "term_months = 0")
    for _ in range(2):
        with pytest.raises(BadInput, match="term_months"):
            parse_prices(broken, "p.toml")
    assert entries() == []


@pytest.mark.parametrize("damage", ["corrupt", "group_writable", "not_a_sheet"])
def test_a_damaged_or_untrusted_entry_is_a_miss(sheet_text: str, damage: str) -> None:
    parse_prices(sheet_text, "p.toml")
    (entry,) = entries()
    if damage == "corrupt":
        entry.write_bytes(b"\x80\x05garbage")
    elif damage == "group_writable":
        os.chmod(entry, 0o620)
    else:
        entry.write_text('{"not": "a sheet"}')
        os.chmod(entry, 0o600)
    assert parse_prices(sheet_text, "p.toml").effective.isoformat() == "2026-11-01"


def test_an_unwritable_cache_does_not_break_loading(
    sheet_text: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    monkeypatch.setenv("KETACOST_CACHE_DIR", str(blocker / "sub"))
    assert parse_prices(sheet_text, "p.toml").default_treatment == "iv"


def test_cache_can_be_turned_off(sheet_text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KETACOST_CACHE", "off")
    parse_prices(sheet_text, "p.toml")
    assert cache.directory() is None


def test_a_hit_imports_neither_tomllib_nor_the_schema(sheet_text: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    sheet = tmp_path / "sheet.toml"
    sheet.write_text(sheet_text)
    code = (
        "import sys; from ketacost.sheet.load import parse_prices; "
        "text = open(sys.argv[1]).read(); parse_prices(text, 's'); "
        "print(sorted(m for m in ('tomllib', 'ketacost.sheet.model') if m in sys.modules))"
    )
    runs = [subprocess.run([sys.executable, "-c", code, str(sheet)], capture_output=True, text=True) for _ in (1, 2)]
    assert [run.stdout.strip() for run in runs] == ["['ketacost.sheet.model', 'tomllib']", "[]"], runs[1].stderr
