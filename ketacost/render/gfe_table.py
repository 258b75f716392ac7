"""Good Faith Estimate -> a terminal preview for the front desk (Rich); the written document is the HTML/Markdown.

Every text is passed as a Rich ``Text``, never as markup, so a name like ``[bold]`` prints as typed, and without
escape sequences or control characters (:func:`terminal_text`): sheet text cannot drive the terminal.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ketacost.gfe import GoodFaithEstimate
from ketacost.render import gfe_view as view
from ketacost.render.rich_table import rich_table
from ketacost.render.safe import terminal_text


def _text(text: str, style: str = "") -> Text:
    return Text(terminal_text(text), style=style)


def _table(*columns: str, numeric_from: int) -> Table:
    table = rich_table()
    for index, name in enumerate(columns):
        numeric = index >= numeric_from
        table.add_column(name, justify="right" if numeric else "left", no_wrap=numeric)
    return table


def render_gfe_table(gfe: GoodFaithEstimate, console: Console) -> None:
    def line(label: str, value: str, style: str = "") -> None:
        text = Text(f"{label}: ", style="dim")
        text.append(terminal_text(value), style=style)
        console.print(text)

    console.print(Text(f"{view.TITLE} (preview)", style="bold"))
    line("Quote", f"{gfe.quote_id}, issued {view.long_date(gfe.issued)} by {gfe.clinic.name}")
    line("Patient", f"{gfe.patient.name}, born {view.long_date(gfe.patient.dob)}", "bold")
    line("Service", gfe.service)
    line("Scheduled", view.scheduled(gfe))
    line("Diagnosis codes", view.diagnosis(gfe.diagnosis_codes, gfe.diagnosis_names))
    line("Scope", view.scope_sentence(gfe))
    if gfe.timing:
        line("Timing", gfe.timing)
    if gfe.supersedes:
        line("Replaces", f"Good Faith Estimate {gfe.supersedes}")
    console.print()

    for group in gfe.providers:
        console.print(_text(group.provider.name, style="bold"))
        console.print(_text(view.provider_heading(group), style="dim"))
        table = _table("Service or item", "Code", "Qty", "Expected charge", numeric_from=2)
        for row in view.line_rows(group):
            table.add_row(_text(row[0]), _text(row[3]), _text(row[4]), _text(row[5]))
        table.add_row(Text("Provider subtotal", style="bold"), Text(""), Text(""), Text(view.money(group.subtotal)))
        console.print(table)
        console.print()
    line("Total expected charges", view.money(gfe.total), "bold")
    console.print(_text(view.dispute_basis(gfe), style="dim"))
    console.print()

    if gfe.payment_options:
        console.print(Text(f"Payment options at the typical price ({view.dollars(gfe.typical_total)})", style="bold"))
        table = _table("Option", "Upfront", "Monthly", "Total paid", numeric_from=1)
        for row in view.payment_rows(gfe):
            table.add_row(*(_text(cell) for cell in row[:4]))
        console.print(table)
        console.print()
    if gfe.separately_scheduled:
        console.print(Text("Needs separate scheduling (not included):", style="bold"))
        for item in gfe.separately_scheduled:
            console.print(_text(f"- {item}"))
        console.print()
    titles = "; ".join(d.title for d in gfe.disclaimers)
    console.print(_text(f"The written estimate also carries the disclaimers: {titles}.", style="dim"))
