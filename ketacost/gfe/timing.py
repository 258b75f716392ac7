"""When a Good Faith Estimate is due (45 CFR 149.610(b)(1)(vi); DOMAIN.md section 7). Pure.

Scheduled at least 3 business days ahead: due 1 business day after scheduling; at least 10 business days ahead: 3
business days after scheduling; on request (or scheduled less than 3 business days ahead, when the rule sets no
deadline at scheduling): 3 business days after the request. Business days are counted Monday to Friday.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

AHEAD_SHORT = 3  # business days ahead from which the GFE is due 1 business day after scheduling
AHEAD_LONG = 10  # business days ahead from which it is due 3 business days after scheduling
DUE_SHORT = 1
DUE_LONG = 3
DUE_ON_REQUEST = 3


def add_business_days(day: dt.date, count: int) -> dt.date:
    """``count`` business days (Monday to Friday) after ``day``."""
    while count > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Business days after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += day.weekday() < 5
    return count


@dataclass(frozen=True, slots=True)
class Due:
    """The deadline a GFE had to meet, and the rule's words for why."""

    by: dt.date
    rule: str

    def sentence(self) -> str:
        return f"Due by {_long(self.by)}: {self.rule}."


def due(asked: dt.date, scheduled: dt.date | None) -> Due:
    """When the GFE is due: ``asked`` is the day the care was scheduled (or the estimate requested)."""
    how = "on request"
    if scheduled is not None:
        ahead = business_days_between(asked, scheduled)
        how = f"scheduled {ahead} business days ahead (less than {AHEAD_SHORT}): as on request"
        if ahead >= AHEAD_LONG:
            return Due(
                add_business_days(asked, DUE_LONG),
                f"scheduled {ahead} business days ahead (at least {AHEAD_LONG}), so within {DUE_LONG} business "
                f"days of scheduling on {_long(asked)}",
            )
        if ahead >= AHEAD_SHORT:
            return Due(
                add_business_days(asked, DUE_SHORT),
                f"scheduled {ahead} business days ahead (at least {AHEAD_SHORT}), so within {DUE_SHORT} business "
                f"day of scheduling on {_long(asked)}",
            )
    return Due(
        add_business_days(asked, DUE_ON_REQUEST),
        f"{how}, within {DUE_ON_REQUEST} business days of the request on {_long(asked)}",
    )


def _long(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"
