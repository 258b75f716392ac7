"""The sheet cache holds data, never code: a hostile, foreign or broken entry or directory is a cache miss, never
code run, a hang or another sheet's prices (issue 9, item 2)."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ketacost.sheet import cache, cache_codec
from ketacost.sheet.load import parse_prices
from ketacost.sheet.model import Sheet

DEARER = ("apr = 17.99", "apr = 18.99")  # another valid sheet, with other figures


def ketacost() -> str:
    found = shutil.which("ketacost", path=str(Path(sys.executable).parent))
    assert found, "the ketacost console script is not installed next to this Python (pip install -e '.[test]')"
    return found


class Touch:
    """Unpickling this creates ``path``: proof that loading the cache ran code."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.path), "w"))


def estimate(cache_dir: Path, *args: str, cache_on: bool = True, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KETACOST_CACHE_DIR": str(cache_dir)}
    env.pop("KETACOST_CACHE", None)
    if not cache_on:
        env["KETACOST_CACHE"] = "off"
    return subprocess.run([ketacost(), "estimate", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


def entries(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir() if not path.name.startswith("."))


def expect_right_figures(result: subprocess.CompletedProcess[str], reference: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == reference.stdout


@pytest.mark.parametrize("how", ["in_place", "symlinked"])
def test_hostile_pickles_for_every_entry_run_no_code_and_give_the_right_figures(tmp_path: Path, how: str) -> None:
    folder, proof = tmp_path / "cache", tmp_path / "pwned"
    reference = estimate(folder, cache_on=False, cwd=tmp_path)
    assert reference.returncode == 0, reference.stderr
    assert estimate(folder, cwd=tmp_path).returncode == 0  # warms the cache
    warm = entries(folder)
    assert warm
    hostile = pickle.dumps(Touch(proof), protocol=0)  # the text pickle of the report
    for number, entry in enumerate(warm):
        entry.unlink()
        if how == "in_place":
            entry.write_bytes(hostile)
            entry.chmod(0o600)
        else:
            target = tmp_path / f"hostile-{number}"
            target.write_bytes(hostile)
            target.chmod(0o600)
            entry.symlink_to(target)
    for _ in range(2):
        expect_right_figures(estimate(folder, cwd=tmp_path), reference)
        assert not proof.exists()


def test_a_fifo_in_place_of_an_entry_does_not_hang(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    reference = estimate(folder, cache_on=False, cwd=tmp_path)
    estimate(folder, cwd=tmp_path)
    for entry in entries(folder):
        entry.unlink()
        os.mkfifo(entry, 0o600)
    expect_right_figures(estimate(folder, cwd=tmp_path), reference)  # a hang fails on the timeout


def test_another_sheets_entry_renamed_to_this_sheets_key_is_a_miss(tmp_path: Path, sheet_text: str) -> None:
    folder = tmp_path / "cache"
    sheet_a, sheet_b = tmp_path / "a.toml", tmp_path / "b.toml"
    sheet_a.write_text(sheet_text)
    sheet_b.write_text(sheet_text.replace(*DEARER))
    reference = estimate(folder, "--pricing", str(sheet_a), cache_on=False, cwd=tmp_path)
    estimate(folder, "--pricing", str(sheet_a), cwd=tmp_path)
    (entry_a,) = entries(folder)
    estimate(folder, "--pricing", str(sheet_b), cwd=tmp_path)
    (entry_b,) = set(entries(folder)) - {entry_a}
    os.replace(entry_b, entry_a)
    result = estimate(folder, "--pricing", str(sheet_a), cwd=tmp_path)
    expect_right_figures(result, reference)
    assert "interest rate 17.99%" in result.stdout


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts full validations of a sheet: a cache hit makes none."""
    counted: list[int] = []
    validate = Sheet.model_validate

    def counting(*args: object, **kwargs: object) -> Sheet:
        counted.append(1)
        return validate(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Sheet, "model_validate", counting)
    return counted


def cache_folder() -> Path:
    folder = cache.directory()
    assert folder is not None
    return folder


def test_a_group_or_world_writable_cache_directory_is_neither_read_nor_written(
    sheet_text: str, validations: list[int]
) -> None:
    folder = cache_folder()
    parse_prices(sheet_text, "p.toml")
    (entry,) = entries(folder)
    for mode in (0o770, 0o777):
        folder.chmod(mode)
        assert parse_prices(sheet_text, "p.toml").default_treatment == "iv"
    assert len(validations) == 3
    entry.unlink()
    parse_prices(sheet_text, "p.toml")
    assert entries(folder) == []


def test_a_symlinked_cache_directory_is_not_used(sheet_text: str, tmp_path: Path, validations: list[int]) -> None:
    real = cache_folder()
    parse_prices(sheet_text, "p.toml")
    link = tmp_path / "linked-cache"
    link.symlink_to(real, target_is_directory=True)
    os.environ["KETACOST_CACHE_DIR"] = str(link)  # the autouse fixture restores it
    parse_prices(sheet_text, "p.toml")
    parse_prices(sheet_text.replace(*DEARER), "p.toml")
    assert len(validations) == 3
    assert len(entries(real)) == 1


def test_a_directory_of_another_user_is_not_used(
    sheet_text: str, validations: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    parse_prices(sheet_text, "p.toml")
    monkeypatch.setattr(os, "getuid", lambda: os.stat(cache_folder()).st_uid + 1)
    parse_prices(sheet_text, "p.toml")
    assert len(validations) == 2


@pytest.mark.parametrize(
    "damage",
    [
        *("symlink", "oversize", "truncated", "garbled", "trailing", "deep"),
        *("group_writable", "empty", "directory", "old_pickle"),
    ],
)
def test_a_damaged_or_untrusted_entry_is_a_miss_and_the_sheet_is_validated(
    sheet_text: str, tmp_path: Path, validations: list[int], damage: str
) -> None:
    expected = parse_prices(sheet_text, "p.toml")
    (entry,) = entries(cache_folder())
    data = entry.read_bytes()
    if damage == "symlink":  # even to a good entry: links are never followed
        elsewhere = tmp_path / "elsewhere"
        entry.rename(elsewhere)
        entry.symlink_to(elsewhere)
    elif damage == "oversize":  # still a well-formed entry, padded past the cap
        entry.write_bytes(data + b" " * cache.MAX_ENTRY)
    elif damage == "truncated":
        entry.write_bytes(data[: len(data) // 2])
    elif damage == "garbled":
        entry.write_bytes(data.replace(b'"#decimal"', b'"#decimai"', 1))
    elif damage == "trailing":
        entry.write_bytes(data + b"[]")
    elif damage == "deep":  # nesting past Python's recursion limit
        entry.write_bytes(b"[" * 200_000)
    elif damage == "group_writable":
        entry.chmod(0o620)
    elif damage == "empty":
        entry.write_bytes(b"")
    elif damage == "directory":
        entry.unlink()
        entry.mkdir()
    else:
        entry.write_bytes(pickle.dumps(expected))
    assert parse_prices(sheet_text, "p.toml") == expected
    assert len(validations) == 2


def entry_value(sheet_text: str) -> tuple[Path, dict[str, object]]:
    parse_prices(sheet_text, "p.toml")
    (entry,) = entries(cache_folder())
    return entry, json.loads(entry.read_text())


def rewrite(entry: Path, document: dict[str, object], change: Callable[[str], str]) -> None:
    entry.write_text(change(json.dumps(document)))


@pytest.mark.parametrize(
    "change",
    [
        lambda text: text.replace('["PriceList"', '["Sheet"', 1),  # a class outside the allow-list
        lambda text: text.replace('["PriceList"', '["Record"', 1),
        lambda text: text.replace('["PriceList"', '["os.system"', 1),
        lambda text: text.replace('["#decimal", "400.00"]', "400.0", 1),  # a float where money was
        lambda text: text.replace('["#decimal", "400.00"]', '["#decimal", "__import__"]', 1),
        lambda text: text.replace('["#date", "2026-11-01"]', '["#date", "tomorrow"]', 1),
        lambda text: text.replace('["TaxYear", 2026', '["TaxYear"', 1),  # a record of another shape
        lambda text: text.replace('"format": 1', '"format": 2', 1),
        lambda text: text.replace('"value": ', '"value": ["#tuple"], "x": ', 1),  # not a price list
    ],
    ids=["sheet", "record", "dotted", "float", "decimal", "date", "shape", "format", "not_prices"],
)
def test_an_entry_with_anything_unexpected_is_a_miss(
    sheet_text: str, validations: list[int], change: Callable[[str], str]
) -> None:
    entry, document = entry_value(sheet_text)
    before = json.dumps(document)
    assert change(before) != before, "the change did not apply"
    rewrite(entry, document, change)
    assert parse_prices(sheet_text, "p.toml").default_treatment == "iv"
    assert len(validations) == 2


def test_the_codec_round_trips_a_price_list_and_refuses_what_it_cannot_rebuild(sheet_text: str) -> None:
    prices = parse_prices(sheet_text, "p.toml")
    assert cache_codec.decode(cache_codec.encode("k", prices), "k") == prices
    with pytest.raises(cache_codec.Undecodable):
        cache_codec.decode(cache_codec.encode("k", prices), "another key")
    with pytest.raises(ValueError, match="float"):
        cache_codec.encode("k", prices._replace(default_treatment=1.5))


def test_without_the_c_scanner_the_json_module_reads_entries_as_strictly(
    sheet_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    prices = parse_prices(sheet_text, "p.toml")
    data = cache_codec.encode("k", prices)
    monkeypatch.setitem(sys.modules, "_json", None)  # importing it now fails
    assert cache_codec.decode(data, "k") == prices
    for bad in (data + b"[]", data.replace(b'["#decimal","400.00"]', b"400.0", 1), b"[NaN]"):
        with pytest.raises(cache_codec.Undecodable):
            cache_codec.decode(bad, "k")


def test_entries_are_private_files_and_leave_no_temporary_files(sheet_text: str) -> None:
    old = os.umask(0)
    try:
        parse_prices(sheet_text, "p.toml")
    finally:
        os.umask(old)
    folder = cache_folder()
    assert folder.stat().st_mode & 0o777 == 0o700
    assert [(path.suffix, path.stat().st_mode & 0o777) for path in folder.iterdir()] == [(".json", 0o600)]


def test_estimate_never_imports_pickle(tmp_path: Path) -> None:
    probe = (
        "import sys; sys.argv = ['ketacost', 'estimate']\n"
        "from ketacost.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pickle', '_pickle') if m in sys.modules), file=sys.stderr)\n"
    )
    env = {**os.environ, "KETACOST_CACHE_DIR": str(tmp_path / "cache")}
    for run in ("miss", "hit"):
        result = subprocess.run(
            [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
        )
        assert result.stderr.strip().splitlines()[-1] == "[]", run
