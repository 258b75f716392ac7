"""The quote register: every issued Good Faith Estimate, kept in SQLite (WAL mode), never changed or deleted.

One transaction per quote, so a quote is saved whole or not at all, and concurrent writers queue on SQLite's
lock (a busy timeout) instead of failing. Triggers refuse UPDATE and DELETE on saved quotes; each quote keeps the
SHA-256 of its document, checked whenever a document is read (``quotes show``, ``check``, ``list --verify``); a
list reads only its columns, from a covering index. The schema is versioned with ``PRAGMA user_version``.

Location: ``--store PATH`` > ``$KETACOST_STORE`` > the user data directory (``$XDG_DATA_HOME/ketacost`` or
``~/.local/share/ketacost`` on Linux, ``~/Library/Application Support/ketacost`` on macOS, ``%LOCALAPPDATA%``
on Windows), file ``quotes.sqlite3``. The file is created readable by its owner only: it holds patient data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Protocol, TypeVar

from ketacost.errors import BadInput, Conflict, SystemRefused

ENV_VAR = "KETACOST_STORE"
FILE_NAME = "quotes.sqlite3"
SCHEMA_VERSION = 2
READABLE_VERSIONS = (1, SCHEMA_VERSION)  # a version-1 register reads as is; writing upgrades it (_MIGRATIONS)
BUSY_TIMEOUT_SECONDS = 30.0
MAX_ID_ATTEMPTS = 20

T = TypeVar("T")
R = TypeVar("R")


class _SavedRow(Protocol):
    """A saved document's row, as far as checking it against its SHA-256 goes."""

    @property
    def id(self) -> str: ...
    @property
    def document(self) -> str: ...
    @property
    def document_sha256(self) -> str: ...


Saved = TypeVar("Saved", bound=_SavedRow)

_SCHEMA = """
CREATE TABLE quotes (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE,
    patient_name    TEXT NOT NULL,
    patient_dob     TEXT NOT NULL,
    issued_at       TEXT NOT NULL,  -- when it was saved, ISO 8601 with the UTC offset
    issued_on       TEXT NOT NULL,  -- the issue date printed on the document
    service         TEXT NOT NULL,
    total_low       TEXT NOT NULL,
    total_high      TEXT NOT NULL,
    inputs          TEXT NOT NULL,  -- the command's inputs, JSON
    document        TEXT NOT NULL,  -- the canonical JSON document, byte for byte as issued
    document_sha256 TEXT NOT NULL,
    sheet_sha256    TEXT NOT NULL,
    sheet_effective TEXT NOT NULL,
    sheet_source    TEXT NOT NULL
);
CREATE INDEX quotes_issued_on ON quotes (issued_on);
CREATE INDEX quotes_listed ON quotes (
    seq, id, patient_name, patient_dob, issued_at, issued_on, service, total_low, total_high,
    sheet_sha256, sheet_effective, sheet_source
);
"""


def _append_only(table: str, noun: str, *, if_not_exists: str = "") -> str:
    """The two triggers that keep ``table`` append-only: saved ``noun`` (quotes, superbills) are never changed or
    deleted. Each table's guard is made here, so that all of them refuse alike."""
    return "".join(
        f"CREATE TRIGGER {if_not_exists}{table}_never_{done} BEFORE {verb} ON {table}\n"
        f"BEGIN SELECT RAISE(ABORT, 'saved {noun} are never {word}'); END;\n"
        for done, verb, word in (("updated", "UPDATE", "changed"), ("deleted", "DELETE", "deleted"))
    )


_SCHEMA += _append_only("quotes", "quotes")

# Version 2: which quote replaced which (``quote --supersedes``); append-only like the quotes. A quote is replaced
# at most once (a later change of scope replaces the newest GFE, so the links form one chain).
_SUPERSESSIONS = """
CREATE TABLE supersessions (
    quote_id   TEXT NOT NULL UNIQUE REFERENCES quotes (id),  -- the new GFE
    supersedes TEXT NOT NULL UNIQUE REFERENCES quotes (id)   -- the GFE it replaces
);
""" + _append_only("supersessions", "quotes")


@dataclass(frozen=True, slots=True)
class Issued:
    """The columns every saved document's row (a quote's, a superbill's) begins with: its id, whose it is, when it
    was issued and for what service."""

    id: str
    patient_name: str
    patient_dob: str
    issued_at: str  # when it was saved, ISO 8601 with the UTC offset
    issued_on: str  # the issue date printed on the document
    service: str


@dataclass(frozen=True, slots=True)
class Listed(Issued):
    """One register row as a list shows it (no document: a list of 100,000 quotes stays small)."""

    total_low: str
    total_high: str
    sheet_sha256: str
    sheet_effective: str
    sheet_source: str


@dataclass(frozen=True, slots=True)
class Quote(Listed):
    """One register row: what a list shows, the command's inputs and the document as issued."""

    inputs: str
    document: str
    document_sha256: str


_COLUMNS = tuple(field.name for field in dataclasses.fields(Quote))  # the table's columns, in Quote's order
# What `quotes list` shows: everything but the inputs and the document.
_LISTED = tuple(field.name for field in dataclasses.fields(Listed))
_DATES = (_LISTED.index("patient_dob"), _LISTED.index("issued_on"))
_AMOUNTS = (_LISTED.index("total_low"), _LISTED.index("total_high"))
# The append-only tables (each guarded by _append_only's two triggers) and what their guard keeps, in messages.
_GUARDED = {"quotes": "quotes", "supersessions": "quote replacements", "superbills": "superbills"}
# In SQL, so that a list does not check 100,000 rows one by one in Python: a row that passes is listable (every
# listed column text, the dates shaped as dates, the totals plain amounts); one that does not is judged by _unlistable.
_SOUND = " AND ".join(
    [*(f"typeof({name}) = 'text'" for name in _LISTED)]
    + [f"{name} GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'" for name in ("patient_dob", "issued_on")]
    + [
        f"({name} GLOB '[0-9]*' AND {name} NOT GLOB '*[^0-9.]*' AND {name} NOT GLOB '*.*.*')"
        for name in ("total_low", "total_high")
    ]
)


@dataclass(frozen=True, slots=True)
class Damaged:
    """A row that cannot be listed, and why, as one line."""

    problem: str


def _unlistable(fields: list[object], lenient: bool) -> str | None:
    """Why a row's listed columns cannot be shown, or None when they can (cheap: a list checks every row). Text
    read ``lenient``ly may hold lone surrogates, from bytes that were not UTF-8."""
    for name, value in zip(_LISTED, fields, strict=True):
        if type(value) is not str or (lenient and not _storable(value)):
            return f"{name} is not text"
    for index in _DATES:
        try:
            dt.date.fromisoformat(str(fields[index]))
        except ValueError:
            return f"{_LISTED[index]} is not a date ({str(fields[index])[:20]!r})"
    for index in _AMOUNTS:
        try:
            finite = Decimal(str(fields[index])).is_finite()
        except InvalidOperation:
            finite = False
        if not finite:
            return f"{_LISTED[index]} is not an amount ({str(fields[index])[:20]!r})"
    return None


def _matching(
    patient: str | None, *, since: dt.date | None = None, wanted: str | None = None
) -> tuple[list[str], list[str]] | None:
    """The SQL conditions and arguments for rows whose patient's name holds ``patient`` (any part, ignoring case),
    issued on or after ``since``, with the id ``wanted``; None when a text cannot match anything stored."""
    if any(text and not _storable(text) for text in (patient, wanted)):
        return None
    where, args = [], []
    if patient:
        where.append("instr(casefold(patient_name), ?) > 0")
        args.append(patient.casefold())
    if since is not None:
        where.append("issued_on >= ?")
        args.append(since.isoformat())
    if wanted is not None:
        where.append("id = ?")
        args.append(wanted)
    return where, args


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def default_path() -> Path:
    """``quotes.sqlite3`` in the user data directory."""
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "")
        base = Path(xdg) if os.path.isabs(xdg) else home / ".local" / "share"
    return base / "ketacost" / FILE_NAME


def discover(explicit: str | os.PathLike[str] | None) -> Path:
    """``--store PATH`` > ``$KETACOST_STORE`` > the user data directory."""
    if explicit is not None and str(explicit) != "":
        return Path(explicit)
    from_env = os.environ.get(ENV_VAR, "")
    return Path(from_env) if from_env else default_path()


class Register:
    """An open quote register."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection

    def issue(self, make: Callable[[str], Quote], new_id: Callable[[], str], *, supersedes: str = "") -> Quote:
        """Save the quote ``make(id)`` builds, in one transaction, retrying with a new id if the id is taken. With
        ``supersedes``, the new quote replaces that one (same patient, not replaced before), in the same
        transaction."""

        def link(quote: Quote) -> None:
            self._check_replaceable(supersedes, quote)
            self._db.execute("INSERT INTO supersessions (quote_id, supersedes) VALUES (?, ?)", (quote.id, supersedes))

        try:
            return self._issue("quotes", _COLUMNS, "quote", make, new_id, also=link if supersedes else None)
        except sqlite3.IntegrityError as error:
            if "supersessions.supersedes" in str(error):  # another process replaced it just now
                raise Conflict(f"--supersedes: quote {supersedes} was already replaced") from None
            raise

    def _issue(
        self,
        table: str,
        columns: tuple[str, ...],
        noun: str,
        make: Callable[[str], R],
        new_id: Callable[[], str],
        *,
        also: Callable[[R], None] | None = None,
    ) -> R:
        """Save the row ``make(id)`` builds into the append-only ``table``, in one transaction (with what ``also``
        does, after the row), retrying with a new id while the id is taken."""
        for _ in range(MAX_ID_ATTEMPTS):
            row = make(new_id())
            try:
                with self._transaction():
                    self._insert(table, columns, row)
                    if also is not None:
                        also(row)
            except sqlite3.IntegrityError as error:
                if f"{table}.id" not in str(error):
                    raise
                continue  # an id issued before (or just now by another process): draw another
            return row
        raise Conflict(f"{self.path}: could not find an unused {noun} ID after {MAX_ID_ATTEMPTS} attempts")

    def _check_replaceable(self, old_id: str, new: Quote) -> None:
        row = self._db.execute("SELECT patient_name, patient_dob FROM quotes WHERE id = ?", (old_id,)).fetchone()
        if row is None:
            raise BadInput(f"--supersedes: no quote {old_id} in the register {self.path}")
        if tuple(row) != (new.patient_name, new.patient_dob):
            raise BadInput(
                f"--supersedes: quote {old_id} is for {row[0]} (born {row[1]}), not {new.patient_name} "
                f"(born {new.patient_dob}): a new estimate replaces one for the same patient"
            )
        newer = self.replaced_by(old_id)
        if newer is not None:
            raise Conflict(f"--supersedes: quote {old_id} was already replaced by {newer}; replace {newer} instead")

    def replaced_by(self, quote_id: str) -> str | None:
        """The quote that replaced this one, if any (None also in a version-1 register, which has no links)."""
        if not self._has_supersessions():
            return None
        sql = "SELECT quote_id FROM supersessions WHERE supersedes = ?"
        row = _patiently(lambda: self._db.execute(sql, (quote_id,)).fetchone())
        return None if row is None else str(row[0])

    def _has_supersessions(self) -> bool:
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'supersessions'"
        return _patiently(lambda: self._db.execute(sql).fetchone()) is not None

    def get(self, quote_id: str) -> Quote | None:
        found = self._saved("quotes", _COLUMNS, Quote, "quote", _matching(None, wanted=quote_id))
        return found[0] if found else None

    def find(self, patient: str | None = None, since: dt.date | None = None) -> list[Quote]:
        """Quotes in the order issued; ``patient`` matches any part of the name, ignoring case."""
        return self._saved("quotes", _COLUMNS, Quote, "quote", _matching(patient, since=since))

    def listing(
        self, patient: str | None = None, since: dt.date | None = None, *, verify: bool = False
    ) -> Iterator[Listed | Damaged]:
        """The quotes in the order issued, one row at a time, with only the columns a list shows (never the
        documents, unless ``verify`` asks to check each against its SHA-256, one at a time). A row that cannot be
        listed comes as :class:`Damaged`, and the rest still come."""
        matching = _matching(patient, since=since)
        if matching is None:
            return
        where, args = matching
        check = "sha256_hex(CAST(document AS BLOB)) = document_sha256" if verify else "1"
        # Only indexed columns unless verifying: the covering index quotes_listed answers without reading the rows,
        # whose later columns sit behind each document's overflow pages.
        sql = f"SELECT seq, {', '.join(_LISTED)}, {_SOUND}, {check} FROM quotes WHERE seq > ?"
        if where:
            sql += " AND " + " AND ".join(where)
        last = 0
        while True:
            rows = _patiently(functools.partial(self._db.execute, sql + " ORDER BY seq", [last, *args]))
            lenient = self._db.text_factory is not str
            try:
                for seq, *fields, sound, whole in rows:
                    last = seq
                    if sound and whole and not lenient:
                        yield Listed(*fields)
                        continue
                    problem = _unlistable(fields, lenient)
                    if problem is None and not whole:
                        problem = (
                            "the stored document does not match its SHA-256: the register was changed outside ketacost"
                        )
                    if problem is None:
                        yield Listed(*fields)  # _unlistable: every field is text
                    else:
                        name = fields[0] if problem != "id is not text" else f"in row {seq}"
                        yield Damaged(f"{self.path}: quote {name}: {problem}")
                return
            except sqlite3.OperationalError as error:
                if "decode" not in str(error) or self._db.text_factory is not str:
                    raise
                # A row whose text is not UTF-8: go on from it, decoding what cannot be as lone surrogates, so that
                # it is reported (not text) and the rows after it still listed.
                self._db.text_factory = _lenient_text

    def _checked(self, row: Saved, noun: str) -> Saved:
        """A saved row (a quote, a superbill) whose document still matches its SHA-256; bad input if it does not."""
        if sha256(row.document) != row.document_sha256:
            raise BadInput(
                f"{self.path}: {noun} {row.id}: the stored document does not match its SHA-256: "
                "the register was changed outside ketacost"
            )
        return row

    # Superbills (issue 14): the second append-only table, beside the quotes.

    def issue_superbill(self, make: Callable[[str], SuperbillRow], new_id: Callable[[], str]) -> SuperbillRow:
        """Save the superbill ``make(id)`` builds, in one transaction, retrying with a new id if the id is taken."""
        return self._issue("superbills", _SUPERBILL_COLUMNS, "superbill", make, new_id)

    def superbills(self, patient: str | None = None, wanted: str | None = None) -> list[SuperbillRow]:
        """Superbills in the order issued (``patient``: any part of the name, ignoring case; ``wanted``: one id), each
        checked against its SHA-256. A register made before superbills has none."""
        if not self._db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'superbills'").fetchone():
            return []
        return self._saved(
            "superbills", _SUPERBILL_COLUMNS, SuperbillRow, "superbill", _matching(patient, wanted=wanted)
        )

    def _saved(
        self,
        table: str,
        columns: tuple[str, ...],
        row: Callable[..., Saved],
        noun: str,
        matching: tuple[list[str], list[str]] | None,
    ) -> list[Saved]:
        """The whole rows of ``table`` that match (see :func:`_matching`), in the order issued, each built by ``row``
        from its ``columns`` and checked against its SHA-256."""
        if matching is None:
            return []
        where, args = matching
        sql = f"SELECT {', '.join(columns)} FROM {table}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = _patiently(lambda: self._db.execute(sql + " ORDER BY seq", args).fetchall())
        return [self._checked(row(*values), noun) for values in rows]

    def _insert(self, table: str, columns: tuple[str, ...], row: object) -> None:
        """One row into ``table``, its ``columns`` read from ``row``'s fields of the same names."""
        values = tuple(getattr(row, name) for name in columns)
        self._db.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", values)

    def _transaction(self) -> AbstractContextManager[None]:
        # Take the write lock now: writers queue here, not mid-transaction.
        return _immediate(self._db, patiently=True)


@contextmanager
def open_register(path: Path, *, create: bool) -> Iterator[Register | None]:
    """Open the register at ``path``: for writing when ``create`` (made, private, if missing), else read-only (None
    when it does not exist: nothing is saved yet), so that a register in a read-only directory can still be read.

    SQLite failures become one-line errors: busy beyond the timeout is a conflict (exit 3), the system refusing
    (disk full, I/O error, read-only) exit 4, a file that is not a register bad input (exit 2).
    """
    if path.is_dir():
        raise BadInput(f"{path}: is a directory, not a quote register (give a file path with --store)")
    if not path.exists():
        if not create:
            yield None
            return
        _create_private(path)
    _make_private(path, writing=create)
    connection = _connect(path) if create else _connect_read_only(path)
    try:
        connection.create_function("casefold", 1, _casefold, deterministic=True)
        connection.create_function("sha256_hex", 1, _sha256_hex, deterministic=True)
        if create:
            _patiently(lambda: _prepare(path, connection))
            _check_triggers(path, connection)
        elif not _patiently(lambda: _readable(path, connection)):
            yield None  # created but killed before its schema was written: nothing is saved in it
            return
        yield Register(path, connection)
    except sqlite3.OperationalError as error:
        if _is_busy(error):
            raise Conflict(f"{path}: the quote register is busy (another process holds it); try again") from None
        if _refused_by_system(error):
            raise SystemRefused(f"{path}: the system refused the quote register: {error}") from None
        raise BadInput(f"{path}: quote register error: {error}") from None
    except sqlite3.DatabaseError as error:
        raise BadInput(f"{path}: not a ketacost quote register ({error})") from None
    finally:
        connection.close()


def _connect(path: Path) -> sqlite3.Connection:
    try:
        return sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    except sqlite3.Error as error:
        raise BadInput(f"{path}: cannot open the quote register: {error}") from None


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection. In WAL mode a reader needs the ``-shm`` file; in a directory it cannot write, with
    no ``-shm`` there, the register is opened as immutable instead, which is exact when no ``-wal`` file holds
    anything (SQLite removes both when the last writer closes)."""
    uri = path.resolve().as_uri()
    try:
        connection = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        _patiently(lambda: connection.execute("SELECT count(*) FROM sqlite_master").fetchone())
        return connection
    except sqlite3.OperationalError as error:
        if _is_busy(error) or _has_pending_wal(path):
            raise SystemRefused(f"{path}: cannot read the quote register: {error}") from None
    except sqlite3.Error as error:
        raise BadInput(f"{path}: not a ketacost quote register ({error})") from None
    try:
        return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None)
    except sqlite3.Error as error:
        raise SystemRefused(f"{path}: cannot read the quote register: {error}") from None


def _has_pending_wal(path: Path) -> bool:
    try:
        return path.with_name(path.name + "-wal").stat().st_size > 0
    except OSError:
        return False


def _readable(path: Path, db: sqlite3.Connection) -> bool:
    """Whether a register opened for reading has its schema (False: an empty file, nothing saved)."""
    db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version in READABLE_VERSIONS:
        return True
    if version == 0:
        if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise BadInput(f"{path}: is an SQLite database but not a ketacost quote register")
        return False
    raise BadInput(
        f"{path}: the quote register has schema version {version}; this ketacost reads version "
        f"{SCHEMA_VERSION} (upgrade ketacost)"
    )


def _check_triggers(path: Path, db: sqlite3.Connection) -> None:
    """Refuse to save into a register whose guards against changing or deleting saved documents (quotes, their
    replacements, superbills: every append-only table it has) were dropped."""
    sql = "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'trigger')"
    present = set(_patiently(lambda: db.execute(sql).fetchall()))
    for table, noun in _GUARDED.items():
        if ("table", table) not in present:
            continue  # not made yet (a register from before it): nothing of it to guard
        missing = [
            name for name in (f"{table}_never_updated", f"{table}_never_deleted") if ("trigger", name) not in present
        ]
        if missing:
            raise BadInput(
                f"{path}: the register's guard against changing or deleting {noun} is gone (trigger "
                f"{', '.join(missing)} was dropped outside ketacost); nothing was saved to it"
            )


def _make_private(path: Path, *, writing: bool) -> None:
    """A register readable by others (made before ketacost kept it private, or copied) is tightened to 0600,
    with its sidecars. One that cannot be tightened (another owner's) may be read, but nothing is saved to it."""
    for file in (path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))):
        try:
            mode = file.stat().st_mode & 0o777
        except OSError:
            continue
        if not mode & 0o077:
            continue
        try:
            os.chmod(file, 0o600)
        except OSError as error:
            if writing:
                raise SystemRefused(
                    f"{file}: the quote register is readable by others (mode {mode:04o}) and cannot be made "
                    f"private ({error.strerror or error}); nothing was saved to it"
                ) from None


def _refused_by_system(error: sqlite3.Error) -> bool:
    """SQLite's codes for the system saying no: disk full, I/O error, read-only file or directory, cannot open."""
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (
        sqlite3.SQLITE_PERM,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_CANTOPEN,
    )


def _lenient_text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _sha256_hex(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _patiently(action: Callable[[], T]) -> T:
    """Run ``action``, and again while SQLite reports busy, until the busy timeout has passed.

    The busy timeout covers most waits, but in WAL mode SQLite says busy at once, without waiting, in a few short
    moments: while another connection switches the new register to WAL, runs recovery, or cleans up the WAL as it
    closes last. Those last milliseconds; a second process issuing quotes must queue through them, not fail.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    pause = 0.001
    while True:
        try:
            return action()
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def _is_busy(error: sqlite3.OperationalError) -> bool:
    message = str(error)
    return "locked" in message or "busy" in message


def _storable(text: str) -> bool:
    """Whether SQLite can take ``text``. Bytes typed on a command line that are not UTF-8 arrive as lone
    surrogates, which it refuses; nothing stored holds one, so such a text matches nothing."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _casefold(value: object) -> str:
    return str(value).casefold()


def _create_private(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    except OSError as error:
        from ketacost.output import refusal

        raise refusal(path, error, "cannot create the quote register") from None


def _prepare(path: Path, db: sqlite3.Connection) -> None:
    """WAL mode, full durability, and the schema (created once, by whichever process gets there first)."""
    db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    if mode != "wal":
        db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")  # a saved quote survives a power cut, not only a crash
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        _add_listing_index(db)
        _add_superbills(db)
        return
    with _immediate(db):
        version = db.execute("PRAGMA user_version").fetchone()[0]  # again, now that we hold the lock
        if version == 0:
            tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise BadInput(f"{path}: is an SQLite database but not a ketacost quote register")
            _create(db, _SCHEMA)
            version = 1
        if 0 < version < SCHEMA_VERSION:
            _add_listing_index(db)
            for step in _MIGRATIONS[version - 1 :]:  # each step takes the register up one version
                step(db)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        elif version != SCHEMA_VERSION:
            raise BadInput(
                f"{path}: the quote register has schema version {version}; this ketacost reads version "
                f"{SCHEMA_VERSION} (upgrade ketacost)"
            )
    _add_superbills(db)


def _add_supersessions(db: sqlite3.Connection) -> None:
    """Version 1 -> 2: the table of which quote replaced which (``quote --supersedes``), append-only."""
    _create(db, _SUPERSESSIONS)


# The steps from each version to the next, in order: _MIGRATIONS[n - 1] takes a version-n register to n + 1.
_MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_add_supersessions,)


def _add_listing_index(db: sqlite3.Connection) -> None:
    """A register made before the listing index gets it (once; reading works without it, only slower)."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'quotes_listed'").fetchone():
        return
    create = next(statement for statement in _statements(_SCHEMA) if "quotes_listed" in statement)
    db.execute(create.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))


def _create(db: sqlite3.Connection, script: str) -> None:
    """Run a schema script (tables, indexes and their append-only guards) inside the caller's transaction."""
    for statement in _statements(script):
        db.execute(statement)


@contextmanager
def _immediate(db: sqlite3.Connection, *, patiently: bool = False) -> Iterator[None]:
    """One write transaction, its lock taken at once (``patiently``: waiting out SQLite's instant busy replies),
    committed when the block ends and rolled back when it raises anything."""
    begin = functools.partial(db.execute, "BEGIN IMMEDIATE")
    if patiently:
        _patiently(begin)
    else:
        begin()
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _statements(script: str) -> list[str]:
    """The schema's statements, one by one (``executescript`` would commit our transaction)."""
    statements, current = [], ""
    for line in script.strip().splitlines():
        current += line + "\n"
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements


# --- superbills (issue 14): a second append-only table, beside the quotes -------------------------------------

_SUPERBILLS = """
CREATE TABLE IF NOT EXISTS superbills (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE,
    patient_name    TEXT NOT NULL,
    patient_dob     TEXT NOT NULL,
    issued_at       TEXT NOT NULL,
    issued_on       TEXT NOT NULL,
    service         TEXT NOT NULL,
    first_date      TEXT NOT NULL,  -- the first and last dates of service
    last_date       TEXT NOT NULL,
    total_charged   TEXT NOT NULL,
    total_paid      TEXT NOT NULL,
    inputs          TEXT NOT NULL,
    document        TEXT NOT NULL,  -- the canonical JSON document, byte for byte as issued
    document_sha256 TEXT NOT NULL,
    sheet_sha256    TEXT NOT NULL,
    sheet_effective TEXT NOT NULL,
    sheet_source    TEXT NOT NULL
);
""" + _append_only("superbills", "superbills", if_not_exists="IF NOT EXISTS ")


def _add_superbills(db: sqlite3.Connection) -> None:
    """Migration step: a register gets the superbills table and its guards (once, in one transaction). Additive,
    so the schema version stays: a ketacost without superbills still reads the quotes of a register that has them."""
    # By the table, not a trigger: a guard dropped outside ketacost is refused (_check_triggers), not remade.
    if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'superbills'").fetchone():
        return
    with _immediate(db):
        _create(db, _SUPERBILLS)


@dataclass(frozen=True, slots=True)
class SuperbillRow(Issued):
    """One superbill in the register."""

    first_date: str
    last_date: str
    total_charged: str
    total_paid: str
    inputs: str
    document: str
    document_sha256: str
    sheet_sha256: str
    sheet_effective: str
    sheet_source: str


_SUPERBILL_COLUMNS = tuple(field.name for field in dataclasses.fields(SuperbillRow))
