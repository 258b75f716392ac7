"""Write the stored GFE documents again from today's code: run it (``python tests/data/gfe_documents/regenerate.py``)
only when the GFE's content changes on purpose, and say so in the commit. Each document keeps its scenario here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from ketacost import gfe
from ketacost.scenario import Scenario
from ketacost.sheet.load import parse_sheet

HERE = Path(__file__).parent
SHEET = parse_sheet((HERE.parents[2] / "ketacost" / "pricing.toml").read_text(encoding="utf-8"), "pricing.toml")
ANA = gfe.Request(gfe.Patient("Ana Diaz", dt.date(1984, 3, 2)), scheduled=dt.date(2026, 12, 1))
ODD = gfe.Request(
    gfe.Patient('Zoë O\u2019Brien-Nguyễn "Zo" \\ <b>&</b>\t\xa0', dt.date(1990, 1, 31)),
    diagnosis_codes=("F32.2", "Z63.79"),
)
ISSUED = dt.date(2026, 11, 27)
DOCUMENTS: dict[str, tuple[Scenario, gfe.Request, dt.date, str]] = {
    "iv": (Scenario(treatment="iv"), ANA, ISSUED, "built-in default"),
    "iv-with-add-ons": (Scenario(treatment="iv", add_ons=("consultation",)), ANA, ISSUED, "built-in default"),
    "im": (Scenario(treatment="im"), ANA, ISSUED, "built-in default"),
    "im-with-add-ons": (Scenario(treatment="im", add_ons=("consultation",)), ANA, ISSUED, "built-in default"),
    "spravato": (Scenario(treatment="spravato"), ANA, ISSUED, "built-in default"),
    "kap": (Scenario(treatment="kap"), ANA, ISSUED, "built-in default"),
    "oral": (Scenario(treatment="oral"), ANA, ISSUED, "built-in default"),
    "iv-one-session-unscheduled": (
        Scenario(treatment="iv", sessions=1),
        gfe.Request(ANA.patient),
        ISSUED,
        "built-in default",
    ),
    "iv-price-10-sessions-odd-patient": (
        Scenario(treatment="iv", sessions=10, price=Decimal("433.33"), add_ons=("consultation",)),
        ODD,
        dt.date(2027, 2, 28),
        "/home/ana/clinic pricing ü.toml",
    ),
    "kap-budget-down-payment": (
        Scenario(treatment="kap", budget=Decimal("300"), down_payment=Decimal("1750.50")),
        ANA,
        ISSUED,
        "built-in default",
    ),
}


def main() -> None:
    for name, (scenario, request, issued, source) in DOCUMENTS.items():
        built = gfe.build(
            SHEET,
            scenario,
            request,
            quote_id=f"Q-{issued:%Y%m%d}-AB12",
            issued=issued,
            source=source,
            sheet_sha256="0123456789abcdef" * 4,
        )
        (HERE / f"{name}.json").write_text(gfe.canonical_json(gfe.to_document(built)), encoding="utf-8")


if __name__ == "__main__":
    main()
