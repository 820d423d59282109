"""The commands: each parses its options, calls the core and hands the result to
mlsal.render ("parse, compute, emit"). Heavy modules are imported inside the commands."""

import gc
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mlsal.cli.app import (
    COMMANDS,
    MORE,
    PLAIN_TYPER,
    FormatOption,
    PayOption,
    RealOption,
    Settings,
    command,
    estimating_command,
    fail,
    load,
    show,
)
from mlsal.errors import MlsalError
from mlsal.render.formats import OutputFormat, RowsFormat, View

if TYPE_CHECKING:
    from mlsal.profile import Profile
else:
    Profile = Any  # imported lazily, in the commands; the name keeps signatures evaluable

LONG_RUN_GC = 700  # Python's default: batch, a long run, goes back to it (see launch.main)


@estimating_command
def estimate(
    profile: Profile,
    real: RealOption = False,
    detail: Annotated[
        bool,
        typer.Option(
            "--explain",
            "-v",
            "--verbose",
            help="Show the whole calculation: each step, what every source says, official "
            "statistics and caveats.",
        ),
    ] = False,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Estimate low / median / high annual pay for a profile, with its sources.

    Example: mlsal estimate --years 3 --city SF
    """

    def compute() -> View:
        from mlsal.api import estimate_result
        from mlsal.render.views import estimate_view

        result = estimate_result(profile, data_dirs=Settings.data_dirs, real=real, pay=Settings.pay)
        return estimate_view(result, real=real, detail=detail, more=MORE)

    show(output_format, compute)


@estimating_command
def compare(
    profile: Profile,
    values: Annotated[
        list[str],
        typer.Argument(
            metavar="VALUE...",
            help="Values of one dimension: companies, cities, levels, industries…",
        ),
    ],
    by: Annotated[
        str | None,
        typer.Option("--by", help="The dimension the values belong to, if ambiguous."),
    ] = None,
    sort: Annotated[
        str | None, typer.Option("--sort", help="Order rows by median, low, high or label.")
    ] = None,
    real: RealOption = False,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Estimate the same profile once per company, city, level… and show them side by side.

    Examples: mlsal compare amazon apple google meta;  mlsal compare sf nyc seattle --years 5
    """

    def compute() -> View:
        from mlsal.compare import AmbiguousValues
        from mlsal.compare import compare as run_compare
        from mlsal.errors import UsageError
        from mlsal.render.views import comparison_view

        try:
            comparison = run_compare(load(), values, profile, by=by, sort=sort)
        except AmbiguousValues as error:
            raise UsageError(f"{error} (with --by)") from None
        return comparison_view(comparison, real=real)

    show(output_format, compute)


@estimating_command
def explain(profile: Profile, output_format: FormatOption = OutputFormat.table) -> None:
    """Show the calculation behind an estimate, step by step, with every figure's quote.

    Example: mlsal explain --years 3 --city SF
    """

    def compute() -> View:
        from mlsal.api import estimate_result
        from mlsal.explain import explain as explain_steps
        from mlsal.render.views import explanation_view

        result = estimate_result(profile, data_dirs=Settings.data_dirs, pay=Settings.pay)
        return explanation_view(result, explain_steps(result, load().method.factors))

    show(output_format, compute)


@estimating_command
def offer(
    profile: Profile,
    amount: Annotated[
        str | None,
        typer.Argument(
            metavar="[AMOUNT]",
            help="Annual pay: 185000, 185k, $185,000, or £85k, 85000 EUR (or give its parts).",
        ),
    ] = None,
    base: Annotated[
        str | None, typer.Option("--base", metavar="AMOUNT", help="The offer's base salary.")
    ] = None,
    bonus: Annotated[
        str | None,
        typer.Option(
            "--bonus",
            metavar="AMOUNT",
            help="Its yearly bonus (0 if none), or a share of base ('15%').",
        ),
    ] = None,
    equity: Annotated[
        str | None,
        typer.Option("--equity", metavar="AMOUNT", help="Its equity a year (0 if none)."),
    ] = None,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Is this offer fair? Where an offer sits among the profile's market pay, like with like.

    Give the offer as one amount, or as --base, --bonus and --equity: the parts the market
    figures hold are compared (base and bonus against gross pay), the others left out and said.
    Example: mlsal offer --base 185k --bonus 20k --years 4 --city NYC --company google
    """

    def compute() -> View:
        from dataclasses import replace

        from mlsal.api import catalog, estimate_result
        from mlsal.offer import (
            OfferAssessment,
            OfferParts,
            assess,
            counted_offer,
            in_offer_currency,
            offer_in_dollars,
        )
        from mlsal.render.views import offer_view

        amounts, currency = OfferParts(amount, base, bonus, equity).read()
        shown = in_offer_currency(catalog(Settings.data_dirs), profile, currency)

        def judged(pay: str) -> OfferAssessment:
            result = estimate_result(shown, data_dirs=Settings.data_dirs, pay=pay)
            offered, counted, left_out = counted_offer(amounts, result.basis, result.currency)
            dollars = offer_in_dollars(result, offered)
            return assess(
                catalog(Settings.data_dirs, pay),
                result,
                dollars,
                counted,
                tuple(left_out),
                given=offered,
            )

        assessment = judged(Settings.pay)
        if assessment.estimate.basis == "base" and "bonus" in amounts:  # like with like, both
            assessment = replace(assessment, also=judged("gross"))
        return offer_view(assessment)

    show(output_format, compute)


@estimating_command
def trajectory(
    profile: Profile,
    to: Annotated[int, typer.Option("--to", metavar="YEARS", help="Last year of the curve.")] = 20,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Low / median / high by years of experience, as a table and a chart, levels marked.

    Example: mlsal trajectory --city SF --to 15
    """

    def compute() -> View:
        from mlsal.errors import UsageError
        from mlsal.render.views import trajectory_view
        from mlsal.trajectory import trajectory as run_trajectory

        catalog = load()
        most = catalog.method.limits.max_years
        if not 0 <= to <= most:
            raise UsageError(f"--to must be between 0 and {most}, got {to}")
        return trajectory_view(run_trajectory(catalog, profile, to))

    show(output_format, compute)


@command
def batch(
    input_path: Annotated[
        str,
        typer.Argument(
            metavar="INPUT",
            help="CSV or JSON Lines of profiles, one per row ('-' reads stdin).",
        ),
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", metavar="PATH", help="Write here (atomically) instead of stdout."
        ),
    ] = None,
    output_format: Annotated[
        RowsFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format (default: by the output's extension, else csv).",
            case_sensitive=False,
        ),
    ] = None,
    input_format: Annotated[
        RowsFormat | None,
        typer.Option(
            "--input-format",
            help="Input format (default: by the input's extension, else csv).",
            case_sensitive=False,
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Stop at the first bad row.")] = False,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            help="Processes for a large CSV file (0, the default: one per core; 1: this "
            "process alone). The output is the same, byte for byte.",
        ),
    ] = 0,
    pay: PayOption = "default",
) -> None:
    """Estimate one profile per row; columns (or keys) named as the estimate options.

    The output holds the input columns plus low, median, high, band, sources and warnings,
    in input order. Bad rows are reported on stderr with their line and left out; the run
    then exits 1. Example: mlsal batch profiles.csv -o estimates.csv
    """
    from mlsal.batch.files import run_batch_files
    from mlsal.batch.jobs import cores

    gc.set_threshold(LONG_RUN_GC, *gc.get_threshold()[1:])  # see main(): measured, less memory

    Settings.pay = pay
    try:
        target = None if output is None else Path(output)
        bad = run_batch_files(
            load(),
            input_path,
            target,
            output_format,
            strict,
            input_format=input_format,
            jobs=jobs or cores(),
            data_dirs=Settings.data_dirs,
            pay=Settings.pay,
        )
    except MlsalError as error:
        fail(error)
    if bad:
        raise typer.Exit(1)


@command
def factors(
    dimension: Annotated[
        str | None,
        typer.Argument(metavar="[DIMENSION]", help="A dimension: list its values and figures."),
    ] = None,
    output_format: FormatOption = OutputFormat.table,
    pay: PayOption = "default",
) -> None:
    """List the dimensions, or every value of one with its multiplier, aliases and sources.

    Example: mlsal factors city
    """

    Settings.pay = pay

    def compute() -> View:
        from mlsal import listing
        from mlsal.render import views

        if dimension is None:
            return views.dimensions_view(listing.dimensions_data(load()))
        from mlsal.compare import resolve_dimension

        named = resolve_dimension(dimension)
        return views.factor_values_view(named, listing.factor_values_data(load(), named))

    show(output_format, compute)


@command
def sources(
    source_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="A source id: list its facts.")
    ] = None,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """List the sources, or one source's facts with their verbatim quotes.

    Example: mlsal sources s004 --format json
    """

    def compute() -> View:
        from mlsal import listing
        from mlsal.render import views

        if source_id is None:
            return views.sources_view(listing.sources_data(load()))
        return views.source_view(listing.source_data(load(), source_id))

    show(output_format, compute)


@command
def help(
    words: Annotated[
        list[str] | None,
        typer.Argument(metavar="[TOPIC]", help="A number or words of a topic's title."),
    ] = None,
) -> None:
    """Read the methodology: how mlsal reads, weighs and combines its sources.

    Without a topic, lists the topics. Examples: mlsal help employers;  mlsal help 7b
    """
    from mlsal import topics
    from mlsal.errors import UsageError

    try:
        if words and words[0] in COMMANDS:
            raise UsageError(f"'{words[0]}' is a command: see 'mlsal {words[0]} --help'")
        text = topics.topic(" ".join(words)) if words else "\n".join(topics.topics()) + "\n"
    except MlsalError as error:
        fail(error)
    typer.echo(text, nl=False)


# `mlsal data validate`: a group of its own, so that more data commands can join it.
data_app = typer.Typer(help="Check data directories.", **PLAIN_TYPER)  # type: ignore[arg-type]


COMMANDS["data"] = lambda: data_app


@data_app.callback()
def data() -> None:
    """Check data directories: the shipped data/, or your own sources for --data-dir."""


@data_app.command()
def validate(
    folder: Annotated[
        str | None,
        typer.Argument(
            metavar="[DIR]",
            help="A directory of your own sources (checked with the shipped data), or a whole "
            "data directory (one with dimensions.toml). Default: the shipped data.",
        ),
    ] = None,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Check a data directory and report every problem at once (file, entry, field).

    Exit code 1 if there is any problem. Example: mlsal data validate examples/team-data
    """

    def compute() -> View:
        from mlsal.load import validation_report
        from mlsal.render.views import validation_view

        given = None if folder is None else Path(folder)
        return validation_view(validation_report(given, Settings.data_dirs))

    show(output_format, compute)
