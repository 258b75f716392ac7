"""Quote IDs: ``Q-YYYYMMDD-XXXX``, made at random and read back as people type them (:mod:`ketacost.document.ids`)."""

from __future__ import annotations

import datetime as dt

from ketacost.document.ids import new_id, normalize_id


def new_quote_id(issued: dt.date) -> str:
    """``Q-YYYYMMDD-XXXX``: the issue date and 4 random base32 characters (uniqueness: the register retries)."""
    return new_id("Q", issued)


def normalize_quote_id(text: str) -> str:
    """A quote ID as typed: any case; in the random part O reads as 0 and I or L as 1, as Crockford's base32 says."""
    return normalize_id("Q", text)
