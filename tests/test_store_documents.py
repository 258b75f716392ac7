"""The register's one way of keeping a saved document (store.Register._issue, _checked, _matching and the
append-only guards), as the superbills table uses it beside the quotes: ids retried then refused, a tampered document
is named, every table refuses changes alike (rollback: tests/test_store.py, through the same _issue)."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from ketacost import store
from ketacost.errors import BadInput, Conflict
from tests.test_store import issue, quote

SHARED = {field.name for field in dataclasses.fields(store.SuperbillRow)}


def bill(superbill_id: str, name: str = "Ana Diaz") -> store.SuperbillRow:
    """A superbill row with test_store's quote row's values in the columns the two tables share."""
    like = quote(superbill_id, name)
    return store.SuperbillRow(
        **{field.name: getattr(like, field.name) for field in dataclasses.fields(like) if field.name in SHARED},
        first_date="2026-11-02",
        last_date="2026-11-05",
        total_charged="1200.00",
        total_paid="1050.00",
    )


def issue_bill(path: Path, *ids: str, name: str = "Ana Diaz") -> store.SuperbillRow:
    drawn = iter(ids)
    with store.open_register(path, create=True) as register:
        assert register is not None
        return register.issue_superbill(lambda sid: bill(sid, name), lambda: next(drawn))


def test_a_taken_superbill_id_is_drawn_again_and_then_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "quotes.sqlite3"
    issue_bill(path, "S-20261127-AAAA")
    assert issue_bill(path, "S-20261127-AAAA", "S-20261127-BBBB").id == "S-20261127-BBBB"
    with pytest.raises(Conflict) as raised:
        issue_bill(path, *["S-20261127-AAAA"] * store.MAX_ID_ATTEMPTS)
    assert raised.value.lines == (
        f"{path}: could not find an unused superbill ID after {store.MAX_ID_ATTEMPTS} attempts",
    )


def test_a_quote_and_a_superbill_may_share_a_random_part_their_tables_are_apart(tmp_path: Path) -> None:
    path = tmp_path / "quotes.sqlite3"
    issue(path, "Q-20261127-AAAA")
    issue_bill(path, "S-20261127-AAAA")
    with store.open_register(path, create=False) as register:
        assert register is not None
        assert [q.id for q in register.find()] == ["Q-20261127-AAAA"]
        assert [s.id for s in register.superbills()] == ["S-20261127-AAAA"]


def test_a_tampered_superbill_is_named_with_its_id(tmp_path: Path) -> None:
    path = tmp_path / "quotes.sqlite3"
    issue_bill(path, "S-20261127-AAAA")
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER superbills_never_updated")
    db.execute("UPDATE superbills SET document = replace(document, 'AAAA', 'ZZZZ')")
    db.commit()
    db.close()
    with store.open_register(path, create=False) as register, pytest.raises(BadInput) as raised:
        assert register is not None
        register.superbills()
    assert raised.value.lines == (
        f"{path}: superbill S-20261127-AAAA: the stored document does not match its SHA-256: "
        "the register was changed outside ketacost",
    )


def test_superbills_are_found_by_part_of_the_name_ignoring_case_or_by_id(tmp_path: Path) -> None:
    path = tmp_path / "quotes.sqlite3"
    issue_bill(path, "S-20261127-AAAA", name="Ana Díaz")
    issue_bill(path, "S-20261127-BBBB", name="Ben Ode")
    with store.open_register(path, create=False) as register:
        assert register is not None
        assert [s.id for s in register.superbills(patient="DÍAZ")] == ["S-20261127-AAAA"]
        assert [s.id for s in register.superbills(wanted="S-20261127-BBBB")] == ["S-20261127-BBBB"]
        assert register.superbills(patient="\udcff") == []  # not UTF-8 on the command line: matches nothing


@pytest.mark.parametrize(
    ("table", "noun"), [("quotes", "quotes"), ("supersessions", "quotes"), ("superbills", "superbills")]
)
def test_every_table_of_saved_documents_is_append_only_with_its_own_words(
    tmp_path: Path, table: str, noun: str
) -> None:
    path = tmp_path / "quotes.sqlite3"
    issue(path, "Q-20261127-AAAA")
    with store.open_register(path, create=True) as register:
        assert register is not None
        register.issue(quote, lambda: "Q-20261127-BBBB", supersedes="Q-20261127-AAAA")
    issue_bill(path, "S-20261127-AAAA")
    db = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match=f"saved {noun} are never changed"):
        db.execute(f"UPDATE {table} SET rowid = rowid")
    with pytest.raises(sqlite3.IntegrityError, match=f"saved {noun} are never deleted"):
        db.execute(f"DELETE FROM {table}")
    db.close()
