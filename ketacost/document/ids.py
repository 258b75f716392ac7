"""Document IDs, ``P-YYYYMMDD-XXXX`` (P: Q for a quote, S for a superbill): made at random, read back as people type
them."""

from __future__ import annotations

import datetime as dt
import re
import secrets

# Crockford's base32: no I, L, O or U, so an ID read aloud or copied by hand is unambiguous.
_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ID_SUFFIX_LENGTH = 4


def new_id(prefix: str, issued: dt.date) -> str:
    """``P-YYYYMMDD-XXXX``: the issue date and 4 random base32 characters (uniqueness: the register retries)."""
    suffix = "".join(secrets.choice(_ID_ALPHABET) for _ in range(_ID_SUFFIX_LENGTH))
    return f"{prefix}-{issued:%Y%m%d}-{suffix}"


def normalize_id(prefix: str, text: str) -> str:
    """An ID as typed: any case; in the random part O reads as 0 and I or L as 1, as Crockford's base32 says.
    Text that is not shaped as an ID with this one-letter ``prefix`` comes back stripped and upper-cased."""
    value = text.strip().upper()
    if re.fullmatch(rf"{prefix}-[0-9]{{8}}-[0-9A-Z]{{4}}", value):
        return value[:11] + value[11:].translate(str.maketrans("OIL", "011"))
    return value
