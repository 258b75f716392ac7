"""Bounds that catch absurd input, shared by the price sheet's schema and the command-line flags."""

from __future__ import annotations

from decimal import Decimal

MAX_AMOUNT = Decimal("1000000.00")
MIN_SESSIONS = 1
MAX_SESSIONS = 200
MIN_MONTHS = 1
MAX_MONTHS = 120
