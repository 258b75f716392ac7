"""``ketacost estimate``: the course total and what each way of paying costs, per month and in all."""

from __future__ import annotations

import typer

from ketacost import values
from ketacost.cli.app import PricingOption, env_of, reports_errors
from ketacost.cli.context import Env
from ketacost.cli.options import (
    AddOnOption,
    FormatOption,
    FsaBalanceOption,
    HsaBalanceOption,
    OutputFormat,
    PaymentOptionOption,
    PriceOption,
    SessionsOption,
    TaxRateOption,
    TreatmentOption,
)


def register(app: typer.Typer) -> None:
    app.command("estimate", no_args_is_help=False)(estimate_command)


@reports_errors
def estimate_command(
    ctx: typer.Context,
    treatment: TreatmentOption = None,
    sessions: SessionsOption = None,
    price: PriceOption = None,
    add_on: AddOnOption = None,
    tax_rate: TaxRateOption = None,
    hsa_balance: HsaBalanceOption = None,
    fsa_balance: FsaBalanceOption = None,
    option: PaymentOptionOption = None,
    output: FormatOption = OutputFormat.table,
    pricing: PricingOption = None,
) -> None:
    """Estimate a course's cost and each payment option's upfront, monthly and total cost.

    Figures are shown at the typical price, with the low-high range; the lowest net cost is marked with *.
    """
    from ketacost.estimate import Scenario, estimate
    from ketacost.sheet.load import discover, load

    env = env_of(ctx, pricing)
    scenario = Scenario(
        treatment=treatment,
        sessions=values.sessions("--sessions", sessions),
        price=values.money("--price", price),
        tax_rate=values.percent("--tax-rate", tax_rate),
        hsa_balance=values.money("--hsa-balance", hsa_balance),
        fsa_balance=values.money("--fsa-balance", fsa_balance),
        options=tuple(option or ()),
        add_ons=tuple(add_on or ()),
    )
    source = discover(env.pricing)
    sheet = load(source)
    result = estimate(sheet, scenario, source=source.label)
    write(env, output, result)


def write(env: Env, output: OutputFormat, result: object) -> None:
    """Render an estimate in the chosen format; each renderer is imported only when used."""
    from ketacost.estimate import Estimate

    assert isinstance(result, Estimate)
    if output is OutputFormat.table and env.is_terminal():
        from ketacost.render.table import render_table

        render_table(result, env.console())
        return
    if output is OutputFormat.table:
        from ketacost.render.plain import render_plain

        render_plain(result, env.stdout, env.width())
        return
    if output is OutputFormat.json:
        from ketacost.render.json_out import render_json as render
    elif output is OutputFormat.csv:
        from ketacost.render.csv_out import render_csv as render
    else:
        from ketacost.render.markdown_out import render_markdown as render
    env.stdout.write(render(result))
