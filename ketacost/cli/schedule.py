"""``ketacost schedule``: one payment option month by month: payment, interest, principal, fees, balance."""

import datetime as dt
from enum import StrEnum
from typing import Annotated

import typer

from ketacost.cli import complete
from ketacost.cli.app import PricingOption, env_of, reports_errors
from ketacost.cli.options import FormatOption, OutputFormat, Renderers, check_format, render
from ketacost.cli.scenario import ScenarioFlags, naming_flags, scenario_flags
from ketacost.errors import BadInput

# What `schedule` prints in each format (see ketacost.cli.options.render).
RENDERERS: Renderers[OutputFormat] = {
    OutputFormat.table: ("ketacost.render.schedule_out:print_rich", "ketacost.render.schedule_out:print_plain"),
    OutputFormat.json: "ketacost.render.schedule_out:print_json",
    OutputFormat.csv: "ketacost.render.schedule_out:print_csv",
    OutputFormat.markdown: "ketacost.render.schedule_out:print_markdown",
}


class PricePoint(StrEnum):
    low = "low"
    typical = "typical"
    high = "high"


def register(app: typer.Typer) -> None:
    app.command("schedule", short_help="One payment option month by month: payment, interest, balance.")(
        schedule_command
    )


@reports_errors
@scenario_flags(leave_out=("options", "budget"))
def schedule_command(
    ctx: typer.Context,
    option: Annotated[
        str,
        typer.Option(
            "--option", "-o", metavar="ID", help="The payment option to show.", autocompletion=complete.options
        ),
    ],
    scenario: ScenarioFlags,
    at: Annotated[PricePoint, typer.Option("--at", help="Which course price to repay.")] = PricePoint.typical,
    start: Annotated[
        str | None, typer.Option("--start", metavar="DATE", help="First day of the loan (YYYY-MM-DD): adds dates.")
    ] = None,
    minimum_only: Annotated[
        bool,
        typer.Option("--minimum-only", help="Deferred-interest plans: what happens if only minimums are paid."),
    ] = False,
    output: FormatOption = OutputFormat.table,
    pricing: PricingOption = None,
) -> None:
    """Show a payment option month by month, with totals; rows add up to the estimate's total paid.

    Loans, plans and cards show their repayment (a fee inside a loan is month 0); copays and insurance shares,
    paid at each visit, are listed visit by visit; an option paid in full up front has no monthly rows.
    """
    check_format(ctx, output, RENDERERS)
    from ketacost.estimator import estimate
    from ketacost.repayment import repayment
    from ketacost.sheet.load import discover, load_prices

    env = env_of(ctx, pricing)
    flags = scenario.parse(options=[option])
    first_day = _date("--start", start)
    source = discover(env.pricing)
    sheet = load_prices(source)
    with naming_flags():
        result = estimate(sheet, flags, source=source.label)
    plan = repayment(result.options[0], at.value, result.course, start=first_day, minimum_only=minimum_only)
    render(env, output, plan, RENDERERS)


def _date(flag: str, text: str | None) -> dt.date | None:
    if text is None:
        return None
    from ketacost.values import within_calendar

    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{flag}: {text!r} is not a date (expected YYYY-MM-DD, e.g. 2026-12-01)") from None
    return within_calendar(flag, day)
