"""A per-user cache of validated price sheets, so an unchanged sheet is not parsed and validated on every run.

Parsing TOML, building the schema's validators and even importing the schema's models is most of what ketacost
would add to Python's start-up. The cache maps the SHA-256 of (sheet text, ketacost and pydantic versions, the
source of the schema and of the price-list records) to the sheet's :class:`~ketacost.prices.PriceList`, pickled:
loading it needs neither TOML nor pydantic's models. Anything unexpected (no cache directory, a corrupt, foreign
or group-writable file) means a miss, never an error: the sheet is then validated as usual. Only valid sheets are
cached, so every error message still comes from a full validation. ``KETACOST_CACHE=off`` turns it off;
``KETACOST_CACHE_DIR`` moves it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from ketacost.prices import PriceList

_PACKAGE = Path(__file__).parent.parent
# The price list's records and the schema: kinds/*.py, sorted, as each kind defines its option's record.
_SOURCES = (Path(__file__).with_name("model.py"), _PACKAGE / "prices.py", _PACKAGE / "kinds")


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
    from pydantic import VERSION

    from ketacost import __version__

    digest = hashlib.sha256()
    for part in (__version__, VERSION, text):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    for source in _SOURCES:
        with contextlib.suppress(OSError):  # a zipped install: the versions alone must do
            for path in sorted(source.glob("*.py")) if source.is_dir() else (source,):
                digest.update(path.read_bytes())
    return digest.hexdigest()


def get(text: str) -> PriceList | None:
    """The price list of this (valid) sheet text, if a trustworthy cache entry exists."""
    folder = directory()
    if folder is None:
        return None
    path = folder / f"{_key(text)}.pickle"
    try:
        with path.open("rb") as handle:
            status = os.fstat(handle.fileno())
            # Unpickling runs code: only ever read a file this user owns and nobody else may write.
            if status.st_uid != os.getuid() or status.st_mode & 0o022:
                return None
            prices = _unpickle(handle)
    except Exception:  # a missing, unreadable or corrupt entry is just a miss
        return None
    from ketacost.prices import PriceList

    return prices if isinstance(prices, PriceList) else None


def _unpickle(handle: BinaryIO) -> object:
    """``pickle.load``, from the C accelerator when there is one: importing the ``pickle`` module itself costs
    more start-up time than everything else the cache does."""
    try:
        from _pickle import load
    except ImportError:  # a Python without the C accelerator
        from pickle import load
    return load(handle)


def put(text: str, prices: PriceList) -> None:
    """Remember a valid sheet's price list; silently does nothing if the cache cannot be written."""
    folder = directory()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle = tempfile.NamedTemporaryFile(dir=folder, prefix=".tmp-", delete=False)  # noqa: SIM115
        try:
            import pickle

            with handle:
                pickle.dump(prices, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.chmod(handle.name, 0o600)
            os.replace(handle.name, folder / f"{_key(text)}.pickle")
        except BaseException:
            os.unlink(handle.name)
            raise
    except Exception:  # a read-only home or a full disk must never break an estimate
        return
