"""Whether a bill may be disputed against a Good Faith Estimate (patient-provider dispute resolution). Pure.

A self-pay patient may start the federal process when a provider's or facility's bill is "substantially in excess"
of the GFE: at least 400.00 more than "the total amount of expected charges listed on the good faith estimate for
the provider or facility" (45 CFR 149.620(a)(2)(ii), 86 FR 56138), per provider, not the grand total, and within
120 calendar days of the date on the bill (CMS, "Medical bill disagreements if you're uninsured",
www.cms.gov/nosurprises/consumers: "You have a bill dated within the last 120 calendar days").

Which figure of a range is "expected": the high end (see :data:`EXPECTED_POINT`; the GFE says so on its face).
A provider that bills but is not on the GFE has no expected charges listed there, so the figure the rule compares
its bill with is 0.00: it is eligible when it bills 400.00 or more (our reading of the definition above; the
dispute resolution entity decides the case).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from ketacost.errors import BadInput

if TYPE_CHECKING:
    from ketacost.gfe import GoodFaithEstimate, ProviderEstimate

# Figures of the federal patient-provider dispute resolution process (45 CFR 149.620; CMS, cms.gov/nosurprises),
# defined here once: the check below and the GFE's legal wording (ketacost.gfe) both use them.
DISPUTE_THRESHOLD = Decimal("400.00")  # billed at least this much above the GFE, for any one provider
DISPUTE_WINDOW_DAYS = 120  # calendar days from the date on the bill
DISPUTE_FEE = Decimal("25.00")
CMS_WEBSITE = "www.cms.gov/nosurprises"
CMS_URL = "https://www.cms.gov/nosurprises"
CMS_PHONE = "1-800-985-3059"
CMS_PHONE_URI = "tel:+18009853059"
# The point of a charge range that is the "expected charge" the 400.00 test measures from: the high end, the
# amount the patient can hold the provider to. The CMS model GFE (CMS-10791) lists one "Estimated Cost" per line;
# where ketacost shows a range, the document states this figure per provider as the one that counts.
EXPECTED_POINT: Final = "high"
UNLISTED = Decimal("0.00")  # the expected charges "listed on the GFE" for a provider that is not on it


def dollars(amount: Decimal) -> str:
    """An amount as legal wording writes it: ``$400``, or ``$12.50`` when it has cents."""
    return f"${amount:,.0f}" if amount == amount.to_integral_value() else f"${amount:,.2f}"


@dataclass(frozen=True, slots=True)
class ProviderCheck:
    """One provider's bill against its estimate. ``billed`` is None when no bill was given for it; ``listed`` is
    False for a provider that billed but is not on the GFE (its expected charges are then :data:`UNLISTED`)."""

    provider_id: str
    name: str
    npi: str
    estimate: Decimal  # the expected charges that count: the high end of the provider's range
    billed: Decimal | None
    listed: bool = True

    @property
    def over(self) -> Decimal | None:
        return None if self.billed is None else self.billed - self.estimate

    @property
    def over_threshold(self) -> bool:
        over = self.over
        return over is not None and over >= DISPUTE_THRESHOLD


@dataclass(frozen=True, slots=True)
class DisputeCheck:
    """The check of one bill: per provider, and whether the window to start dispute resolution is still open."""

    quote_id: str
    providers: tuple[ProviderCheck, ...]
    bill_date: dt.date | None
    today: dt.date

    @property
    def deadline(self) -> dt.date | None:
        """The last day to start dispute resolution: DISPUTE_WINDOW_DAYS calendar days after the date on the bill."""
        return None if self.bill_date is None else self.bill_date + dt.timedelta(days=DISPUTE_WINDOW_DAYS)

    @property
    def window_closed(self) -> bool:
        deadline = self.deadline
        return deadline is not None and self.today > deadline

    def provider_eligible(self, check: ProviderCheck) -> bool:
        return check.over_threshold and not self.window_closed

    @property
    def eligible(self) -> bool:
        return any(self.provider_eligible(check) for check in self.providers)


def check(
    gfe: GoodFaithEstimate,
    billed: Mapping[str, Decimal],
    bill_date: dt.date | None = None,
    *,
    today: dt.date,
) -> DisputeCheck:
    """Compare each provider's bill with its estimate. ``billed`` is keyed by provider id or NPI; a valid NPI that
    is not on the GFE is a provider that was not listed. A bill dated before the GFE was issued, or after today, is
    refused: a GFE estimates charges for care after it is issued."""
    from ketacost.codes import check_npi

    problems = []
    if bill_date is not None and bill_date < gfe.issued:
        problems.append(
            f"--bill-date: {bill_date.isoformat()} is before quote {gfe.quote_id} was issued "
            f"({gfe.issued.isoformat()}): that bill is not for the care this estimate covers"
        )
    if bill_date is not None and bill_date > today:
        problems.append(f"--bill-date: {bill_date.isoformat()} is in the future (today is {today.isoformat()})")
    by_key: dict[str, ProviderEstimate] = {}
    for group in gfe.providers:
        by_key[group.provider.id] = group
        by_key[group.provider.npi] = group
    amounts: dict[str, Decimal] = {}
    unlisted: dict[str, Decimal] = {}
    for key, amount in billed.items():
        found = by_key.get(key)
        if found is None:
            try:
                npi = check_npi(key)
            except ValueError:
                choices = ", ".join(f"{g.provider.id} (NPI {g.provider.npi})" for g in gfe.providers)
                problems.append(
                    f"--billed: {key!r} is not a provider on quote {gfe.quote_id} (choose from: {choices}; "
                    "a provider not on the estimate is given by its 10-digit NPI)"
                )
                continue
            if npi in unlisted:
                problems.append(f"--billed: {npi} is billed twice; give one total per provider")
            unlisted[npi] = amount
        elif found.provider.id in amounts:
            problems.append(f"--billed: {found.provider.id} is billed twice; give one total per provider")
        else:
            amounts[found.provider.id] = amount
    if problems:
        raise BadInput(*problems)
    listed = tuple(
        ProviderCheck(
            provider_id=group.provider.id,
            name=group.provider.name,
            npi=group.provider.npi,
            estimate=group.subtotal.at(EXPECTED_POINT),
            billed=amounts.get(group.provider.id),
        )
        for group in gfe.providers
    )
    others = tuple(
        ProviderCheck(npi, "Provider not on this estimate", npi, UNLISTED, amount, listed=False)
        for npi, amount in unlisted.items()
    )
    return DisputeCheck(quote_id=gfe.quote_id, providers=listed + others, bill_date=bill_date, today=today)
