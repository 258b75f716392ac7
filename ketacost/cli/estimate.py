"""``ketacost estimate``: the course total and what each way of paying costs, per month and in all."""

from typing import Annotated

import typer

from ketacost.cli.app import PricingOption, env_of, reports_errors
from ketacost.cli.context import Env
from ketacost.cli.options import (
    AddOnOption,
    BoostersOption,
    BudgetOption,
    CoinsuranceOption,
    CopayOption,
    DeductibleOption,
    DownPaymentOption,
    FormatOption,
    FsaBalanceOption,
    HsaBalanceOption,
    OopMaxOption,
    OutputFormat,
    PaymentOptionOption,
    PriceOption,
    SessionsOption,
    TaxRateOption,
    TreatmentOption,
)
from ketacost.cli.scenario import build_scenario


def register(app: typer.Typer) -> None:
    app.command("estimate", short_help="Course cost and every way to pay it: upfront, monthly, total.")(
        estimate_command
    )


@reports_errors
def estimate_command(
    ctx: typer.Context,
    treatment: TreatmentOption = None,
    sessions: SessionsOption = None,
    boosters: BoostersOption = None,
    price: PriceOption = None,
    add_on: AddOnOption = None,
    tax_rate: TaxRateOption = None,
    hsa_balance: HsaBalanceOption = None,
    fsa_balance: FsaBalanceOption = None,
    down_payment: DownPaymentOption = None,
    budget: BudgetOption = None,
    deductible_left: DeductibleOption = None,
    coinsurance: CoinsuranceOption = None,
    copay: CopayOption = None,
    oop_max_left: OopMaxOption = None,
    option: PaymentOptionOption = None,
    timeline: Annotated[
        bool, typer.Option("--timeline", help="Also draw the cumulative cost of care, month by month.")
    ] = False,
    output: FormatOption = OutputFormat.table,
    pricing: PricingOption = None,
) -> None:
    """Estimate a course's cost and each payment option's upfront, monthly and total cost.

    Figures are shown at the typical price, with the low-high range; the lowest net cost is marked with *.
    """
    from ketacost.estimate import estimate
    from ketacost.sheet.load import discover, load

    env = env_of(ctx, pricing)
    scenario = build_scenario(
        treatment=treatment,
        sessions=sessions,
        boosters=boosters,
        price=price,
        add_on=add_on,
        tax_rate=tax_rate,
        hsa_balance=hsa_balance,
        fsa_balance=fsa_balance,
        down_payment=down_payment,
        budget=budget,
        deductible_left=deductible_left,
        coinsurance=coinsurance,
        copay=copay,
        oop_max_left=oop_max_left,
        option=option,
    )
    source = discover(env.pricing)
    sheet = load(source)
    result = estimate(sheet, scenario, source=source.label)
    write(env, output, result, timeline=timeline)


def write(env: Env, output: OutputFormat, result: object, *, timeline: bool = False) -> None:
    """Render an estimate in the chosen format; each renderer is imported only when used."""
    from ketacost.estimate import Estimate

    assert isinstance(result, Estimate)
    if output is OutputFormat.table and env.is_terminal():
        from ketacost.render.table import render_table

        console = env.console()
        render_table(result, console)
        if timeline:
            from ketacost.render.timeline import render_timeline_rich

            render_timeline_rich(result, console)
        return
    if output is OutputFormat.table:
        from ketacost.render.plain import render_plain

        render_plain(result, env.stdout, env.width())
        if timeline:
            from ketacost.render.timeline import render_timeline_plain

            env.stdout.write(render_timeline_plain(result, env.width()))
        return
    if output is OutputFormat.json:
        from ketacost.render.json_out import render_json

        env.stdout.write(render_json(result, timeline=timeline))
        return
    if output is OutputFormat.csv:
        from ketacost.render.csv_out import render_csv as render
    else:
        from ketacost.render.markdown_out import render_markdown as render
    env.stdout.write(render(result))
