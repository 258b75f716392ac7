"""Superbill IDs: ``S-YYYYMMDD-XXXX``, made at random and read back as people type them (as quote IDs are)."""

from __future__ import annotations

import datetime as dt
import re

from ketacost.gfe.ids import new_quote_id


def new_superbill_id(issued: dt.date) -> str:
    """``S-YYYYMMDD-XXXX``: the issue date and 4 random base32 characters (uniqueness: the register retries)."""
    return "S" + new_quote_id(issued)[1:]


def normalize_superbill_id(text: str) -> str:
    """A superbill ID as typed: any case; in the random part O reads as 0 and I or L as 1."""
    value = text.strip().upper()
    if re.fullmatch(r"S-[0-9]{8}-[0-9A-Z]{4}", value):
        return value[:11] + value[11:].translate(str.maketrans("OIL", "011"))
    return value
