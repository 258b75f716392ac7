"""Identifiers a Good Faith Estimate carries: NPI, TIN, ICD-10-CM diagnosis codes, CPT/HCPCS service codes.

Pure checks shared by the price sheet's schema and the command-line values. Each ``check_*`` returns the value
in its canonical spelling or raises ``ValueError`` with a message fit to show a user.
"""

from __future__ import annotations

import re

# The NPI check digit is a Luhn digit computed as if the 9 digits were prefixed with 80840, the NPI's ISO
# 7812 issuer prefix (CMS, "Requirements for NPI Check Digit").
NPI_PREFIX = "80840"

_ICD10 = r"^[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?$"  # compiled on first use (re caches it)
# CPT: five digits, or four digits and F/T/U (category II/III, PLA codes); HCPCS level II: a letter and 4 digits.
_SERVICE_CODE = r"^(?:[0-9]{4}[0-9FTU]|[A-V][0-9]{4})$"

_STATE_CODES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH "
    "OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI"
)
US_STATES = frozenset(_STATE_CODES.split())


def luhn_ok(digits: str) -> bool:
    """Whether a string of digits ends in a valid Luhn check digit."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def check_npi(text: str) -> str:
    """A National Provider Identifier: 10 digits whose last is the Luhn check digit (with the 80840 prefix)."""
    npi = text.strip()
    if not re.fullmatch(r"[0-9]{10}", npi):
        raise ValueError(f"{text!r} is not a valid NPI: it must be exactly 10 digits")
    if not luhn_ok(NPI_PREFIX + npi):
        raise ValueError(
            f"{text!r} is not a valid NPI: wrong check digit (Luhn with prefix {NPI_PREFIX}); check for a typo"
        )
    return npi


def check_tin(text: str) -> str:
    """A Taxpayer Identification Number (EIN 12-3456789 or SSN-style 123-45-6789): 9 digits, kept as digits."""
    digits = text.strip().replace("-", "")
    if not re.fullmatch(r"[0-9]{9}", digits) or len(text.strip()) - len(digits) > 2:
        raise ValueError(f"{text!r} is not a valid TIN: it must be 9 digits, e.g. 12-3456789")
    if digits == "000000000":
        raise ValueError(f"{text!r} is not a valid TIN: it cannot be all zeros")
    return digits


def format_tin(digits: str) -> str:
    """A TIN as printed on a GFE: ``12-3456789``."""
    return f"{digits[:2]}-{digits[2:]}"


def check_icd10(text: str) -> str:
    """An ICD-10-CM code such as ``F33.2`` (also accepted: ``f332``): upper case, with the dot after 3 characters."""
    code = text.strip().upper()
    if not re.fullmatch(_ICD10, code):
        raise ValueError(
            f"{text!r} is not an ICD-10-CM code (a letter, two characters, then an optional dot and up to 4 more, "
            "e.g. F33.2)"
        )
    core = code.replace(".", "")
    return core if len(core) == 3 else f"{core[:3]}.{core[3:]}"


def check_billable_icd10(text: str) -> str:
    """An ICD-10-CM code a claim or a GFE can carry: a 3-character category such as ``F33`` is refused (its
    subcodes are the billable ones, e.g. F33.2). The few 3-character codes that are billable as they stand are
    accepted where the sheet's ``[diagnoses]`` table lists them (see :func:`ketacost.values.diagnosis_codes`)."""
    code = check_icd10(text)
    if is_category(code):
        raise ValueError(
            f"{text!r} is an ICD-10-CM category, not a billable code: give one of its full codes (such as "
            f"{code}.1), or list a code billable as it stands in the sheet's [diagnoses]"
        )
    return code


def is_category(code: str) -> bool:
    """Whether a canonical ICD-10-CM code is 3 characters only (a category, in most chapters not billable)."""
    return "." not in code


def check_service_code(text: str) -> str:
    """A CPT or HCPCS code (``96365``, ``J3490``, ``0591T``); alternatives joined by ``/`` (``G2082/G2083``)."""
    parts = [part.strip().upper() for part in text.split("/")]
    bad = [part for part in parts if not re.fullmatch(_SERVICE_CODE, part)]
    if bad:
        raise ValueError(
            f"{text!r} is not a CPT or HCPCS code (5 digits such as 96365, or a letter and 4 digits such as J3490; "
            "alternatives as G2082/G2083)"
        )
    return "/".join(parts)


def check_state(text: str) -> str:
    """A US state or territory as its two-letter postal code."""
    state = text.strip().upper()
    if state not in US_STATES:
        raise ValueError(f"{text!r} is not a US state's two-letter postal code (e.g. CA, NY, TX)")
    return state
