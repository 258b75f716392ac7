"""Superbill IDs: ``S-YYYYMMDD-XXXX``, made at random and read back as people type them, as quote IDs are
(:mod:`ketacost.document.ids`)."""

from __future__ import annotations

import datetime as dt

from ketacost.document.ids import new_id, normalize_id


def new_superbill_id(issued: dt.date) -> str:
    """``S-YYYYMMDD-XXXX``: the issue date and 4 random base32 characters (uniqueness: the register retries)."""
    return new_id("S", issued)


def normalize_superbill_id(text: str) -> str:
    """A superbill ID as typed: any case; in the random part O reads as 0 and I or L as 1."""
    return normalize_id("S", text)
