"""What a superbill shows, as text cells shared by its HTML, Markdown and preview renderers. No arithmetic."""

from __future__ import annotations

from ketacost.money import fmt_grouped
from ketacost.superbill import PLACES, Provider, Superbill

TITLE = "Superbill"
SERVICE_COLUMNS = ("Date", "POS", "Code", "Mod.", "Description", "Diagnosis", "Units", "Charge", "Paid")
SIGNATURE = "Provider signature"
NOTE = (
    "Itemized statement of services provided and paid for, for the patient to file with their health plan "
    "(out-of-network). Place of service: 11 office; 02 telehealth other than in the patient's home; 10 telehealth "
    "in the patient's home."
)


def provider_line(provider: Provider) -> str:
    # A sheet's name often carries the credentials already ("Jane Example, MD"): not twice.
    shown = provider.credentials and provider.credentials not in provider.name
    return provider.name + (f", {provider.credentials}" if shown else "")


def provider_facts(provider: Provider) -> list[tuple[str, str]]:
    facts = [("NPI", provider.npi), ("TIN", provider.tin)]
    if provider.license:
        facts.append(("License", provider.license))
    facts.append(("Address", provider.address))
    if provider.phone:
        facts.append(("Phone", provider.phone))
    return facts


def patient_facts(bill: Superbill) -> list[tuple[str, str]]:
    facts = [("Name", bill.patient.name), ("Date of birth", bill.patient.dob.isoformat())]
    if bill.patient.member_id:
        facts.append(("Member ID", bill.patient.member_id))
    return facts


def service_rows(bill: Superbill) -> list[list[str]]:
    return [
        [
            line.date.isoformat(),
            line.place_of_service,
            line.code,
            " ".join(line.modifiers),
            line.description,
            ", ".join(line.diagnosis_codes),
            str(line.units),
            fmt_grouped(line.charge),
            fmt_grouped(line.paid),
        ]
        for line in bill.services
    ]


def totals(bill: Superbill) -> list[tuple[str, str]]:
    return [
        ("Total charged", fmt_grouped(bill.total_charged)),
        ("Total paid", fmt_grouped(bill.total_paid)),
        ("Balance due", fmt_grouped(bill.balance)),
    ]


def places(bill: Superbill) -> list[tuple[str, str]]:
    used = dict.fromkeys(line.place_of_service for line in bill.services)
    return [(code, PLACES.get(code, "")) for code in used]


def sheet_line(bill: Superbill) -> str:
    return (
        f"Superbill {bill.superbill_id}, issued {bill.issued.isoformat()}. Codes and charges from {bill.sheet.source} "
        f"(effective {bill.sheet.effective}, SHA-256 {bill.sheet.sha256[:12]})."
    )
