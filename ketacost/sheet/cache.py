"""A per-user cache of validated price sheets, so an unchanged sheet is not parsed and validated on every run.

Parsing TOML, building the schema's validators and even importing the schema's models is most of what ketacost
would add to Python's start-up. The cache maps the SHA-256 of (sheet text, ketacost and pydantic versions, the
source of the schema and of the price-list records) to the sheet's :class:`~ketacost.prices.PriceList`, kept as
plain JSON (:mod:`ketacost.sheet.cache_codec`): reading an entry builds data and never runs code, and it needs
neither TOML nor pydantic's models.

The cache holds data the next run trusts, so whoever can write it could change the prices shown. It is used only
when its directory is this user's own (created 0700; a symlink, or a directory of another user or writable by
group or others, is not used), and an entry only when it is a regular file (never a link, FIFO or device) owned
by this user, writable by nobody else, under 1 MiB, that names the same key inside (a renamed entry of another
sheet is a miss). Anything unexpected means a miss, never an error or a hang: the sheet is then validated as
usual. Entries are written to a fresh 0600 file, synced, then renamed into place. Only valid sheets are cached,
so every error message still comes from a full validation. ``KETACOST_CACHE=off`` turns it off;
``KETACOST_CACHE_DIR`` moves it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ketacost.prices import PriceList

_PACKAGE = Path(__file__).parent.parent
# The price list's records and the schema: kinds/*.py, sorted, as each kind defines its option's record.
_SOURCES = (Path(__file__).with_name("model.py"), _PACKAGE / "prices.py", _PACKAGE / "kinds")
MAX_ENTRY = 1 << 20  # bytes; the default sheet's entry is a few KiB
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def directory() -> Path | None:
    """Where cached sheets live, or None when caching is off."""
    if os.environ.get("KETACOST_CACHE", "").lower() in ("0", "off", "no", "false"):
        return None
    explicit = os.environ.get("KETACOST_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ketacost" / "sheets"


def _key(text: str) -> str:
    from ketacost import __version__

    digest = hashlib.sha256()
    for part in (__version__.encode("utf-8"), _pydantic_version(), text.encode("utf-8")):
        digest.update(part)
        digest.update(b"\0")
    for source in _SOURCES:
        with contextlib.suppress(OSError):  # a zipped install: the versions alone must do
            for path in sorted(source.glob("*.py")) if source.is_dir() else (source,):
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _pydantic_version() -> bytes:
    """pydantic's version module, read rather than imported: importing pydantic would cost a cached run a tenth
    of its start-up (the estimate itself needs no pydantic)."""
    import importlib.util

    with contextlib.suppress(Exception):  # not a plain install (zipped, frozen): ask pydantic itself
        spec = importlib.util.find_spec("pydantic")
        if spec is not None and spec.origin is not None:
            return Path(spec.origin).with_name("version.py").read_bytes()
    from pydantic import VERSION

    return VERSION.encode("utf-8")


def _own(status: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else: only then may its contents be believed."""
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def _open_directory(folder: Path) -> int:
    """A descriptor of the cache directory, which entries are then opened relative to (so it cannot be swapped
    between the check and the use). Raises OSError when it is missing, a symlink or not this user's own."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW)
    status = os.fstat(descriptor)
    if not stat.S_ISDIR(status.st_mode) or not _own(status):
        os.close(descriptor)
        raise PermissionError(f"{folder}: not a private directory")
    return descriptor


def get(text: str) -> PriceList | None:
    """The price list of this (valid) sheet text, if a trustworthy cache entry exists."""
    folder = directory()
    if folder is None:
        return None
    key = _key(text)
    try:
        data = _read(folder, f"{key}.json")
        from ketacost.sheet import cache_codec

        prices = cache_codec.decode(data, key)
    except Exception:  # a missing, untrusted, oversized or corrupt entry is just a miss
        return None
    from ketacost.prices import PriceList

    return prices if isinstance(prices, PriceList) else None


def _read(folder: Path, name: str) -> bytes:
    """An entry's bytes. Never follows a link, never blocks on a FIFO or device (O_NONBLOCK, then only a regular
    file is read), and reads at most MAX_ENTRY bytes; raises OSError for anything it will not read."""
    directory_fd = _open_directory(folder)
    try:
        descriptor = os.open(name, os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW, dir_fd=directory_fd)
    finally:
        os.close(directory_fd)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or not _own(status) or status.st_size > MAX_ENTRY:
            raise PermissionError(f"{name}: not a private regular file under {MAX_ENTRY} bytes")
        chunks, size = [], 0
        while size <= MAX_ENTRY:  # the file may have grown since fstat: the cap is on what is read
            chunk = os.read(descriptor, MAX_ENTRY + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_ENTRY:
            raise PermissionError(f"{name}: over {MAX_ENTRY} bytes")
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def put(text: str, prices: PriceList) -> None:
    """Remember a valid sheet's price list; silently does nothing if the cache cannot be written."""
    folder = directory()
    if folder is None:
        return
    try:
        from ketacost.sheet import cache_codec

        key = _key(text)
        data = cache_codec.encode(key, prices)
        if len(data) > MAX_ENTRY:
            return
        os.makedirs(folder, mode=0o700, exist_ok=True)
        directory_fd = _open_directory(folder)
        try:
            _write(directory_fd, f"{key}.json", data)
        finally:
            os.close(directory_fd)
    except Exception:  # a read-only home, a full disk or a foreign directory must never break an estimate
        return


def _write(directory_fd: int, name: str, data: bytes) -> None:
    """Write an entry atomically: a new 0600 file (O_EXCL, so never someone else's), synced, renamed over."""
    temporary = f".tmp-{os.urandom(8).hex()}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW
    descriptor = os.open(temporary, flags, 0o600, dir_fd=directory_fd)
    try:
        try:
            os.fchmod(descriptor, 0o600)  # whatever the umask
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, name, src_dir_fd=directory_fd, dst_dir_fd=directory_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=directory_fd)
        raise
