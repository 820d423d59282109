"""The command line: parse options, call the engine, hand results to a renderer.

Data goes to stdout, warnings and errors to stderr. Exit codes: 0 success, 1 broken data
(or a failed run), 2 bad input. Usage errors are one line; only a bug shows a traceback.
Heavy modules (pydantic, rich) are imported inside the commands that need them.
"""

import contextlib
import functools
import inspect
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from mlsal import __version__
from mlsal.errors import DataError, MlsalError, one_line

if TYPE_CHECKING:
    from mlsal.catalog import Catalog
    from mlsal.profile import Profile
else:
    Profile = Any  # imported lazily, in the commands; the name keeps signatures evaluable


PIPED_WIDTH = 120  # columns of a table written to a pipe or a file
MIN_WIDTH = 40  # the narrowest a table is drawn, whatever COLUMNS says


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class OneLineErrors(TyperGroup):
    """Click's usage errors as one line on stderr, exit code 2, nothing on stdout."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except typer.Abort:
            typer.echo("error: aborted", err=True)
            sys.exit(1)
        except Exception as error:
            # Click's usage errors (vendored by newer Typer) carry these two attributes.
            if not (hasattr(error, "format_message") and hasattr(error, "exit_code")):
                raise
            context = getattr(error, "ctx", None)
            hint = f" (see '{context.command_path} --help')" if context is not None else ""
            message = one_line(error.format_message().replace("\n", " "))
            typer.echo(f"error: {message}{hint}", err=True)
            sys.exit(error.exit_code)
        sys.exit(code if isinstance(code, int) else 0)


class LazyCommands(OneLineErrors):
    """Builds a subcommand's parser only when it is run (or help lists it): building all of
    them costs every run of a CLI that shell scripts call in loops."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, name: str) -> Any:
        single = COMMANDS.get(name)
        return None if single is None else typer.main.get_command(single)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS:
            from mlsal.names import did_you_mean, nearest

            hint = (
                did_you_mean(nearest(name, list(COMMANDS))) or f"; commands: {', '.join(COMMANDS)}"
            )
            typer.echo(f"error: {one_line(f'unknown command {name!r}{hint}')}", err=True)
            sys.exit(2)
        return super().resolve_command(ctx, args)


# Each command lives in a Typer app of its own, so that it can be built alone.
COMMANDS: dict[str, typer.Typer] = {}
PLAIN_TYPER = {"add_completion": False, "pretty_exceptions_enable": False, "rich_markup_mode": None}


def command(func: Callable[..., None]) -> Callable[..., None]:
    single = typer.Typer(**PLAIN_TYPER)  # type: ignore[arg-type]
    single.command(name=func.__name__)(quiet_when_the_reader_leaves(func))
    COMMANDS[func.__name__] = single
    return func


def quiet_when_the_reader_leaves(func: Callable[..., None]) -> Callable[..., None]:
    """A reader that closed the pipe early (`mlsal batch … | head`) has all it wanted: exit 0,
    as every command does, instead of Click's exit 1."""

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            func(*args, **kwargs)
        except BrokenPipeError:
            raise typer.Exit(0) from None

    return run


app = typer.Typer(
    name="mlsal",
    cls=LazyCommands,
    help="Salary estimates for Machine Learning Engineers, every figure traced to its source.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Settings:
    """Options given before the command, read by every command."""

    data_dirs: list[Path] = []


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"mlsal {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
    data_dir: Annotated[
        list[str] | None,  # str, not Path: Typer's Path conversion fails on a NUL byte
        typer.Option(
            "--data-dir",
            metavar="DIR",
            help=(
                "A directory of your own sources, in the format of data/ (repeatable; or "
                f"MLSAL_DATA_DIR, several joined with '{os.pathsep}')."
            ),
        ),
    ] = None,
) -> None:
    """Salary estimates for Machine Learning Engineers, every figure traced to its source."""
    if data_dir is None:  # split as PATH is, so that a directory's name may hold spaces
        data_dir = [d for d in os.environ.get("MLSAL_DATA_DIR", "").split(os.pathsep) if d]
    Settings.data_dirs = [Path(d) for d in data_dir]


# ---------------------------------------------------------------------------------------
# Output


def fail(error: MlsalError) -> NoReturn:
    if isinstance(error, DataError):
        for problem in error.problems:
            typer.echo(f"error: {one_line(problem)}", err=True)
    else:
        typer.echo(f"error: {one_line(str(error))}", err=True)
    raise typer.Exit(error.exit_code) from None


def print_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        typer.echo(f"warning: {one_line(warning)}", err=True)


def print_renderable(renderable: Any) -> None:

    from rich.console import Console

    # Text from data files is shown as it is: never read as Rich markup or emoji codes.
    plain = {"soft_wrap": False, "markup": False, "emoji": False, "highlight": False}
    width = asked_width()
    console = Console(width=width, **plain)  # type: ignore[arg-type]
    if width is None and not console.is_terminal:
        # Piped or redirected: wide enough that tables are not cut to a terminal's 80 columns.
        console = Console(width=PIPED_WIDTH, **plain)  # type: ignore[arg-type]
    console.print(renderable)


def asked_width() -> int | None:
    """COLUMNS, where set, but never so narrow that nothing fits (COLUMNS=0 or 1)."""
    text = os.environ.get("COLUMNS", "").strip()
    if not text:
        return None
    try:
        return max(MIN_WIDTH, int(text))
    except ValueError:
        return None  # not a number: as if unset


def emit(
    output_format: OutputFormat,
    data: Callable[[], Any],
    csv_text: Callable[[], str],
    table: Callable[[], Any],
    warnings: list[str] | None = None,
) -> None:
    """Print one result in the chosen format. JSON carries its warnings inside; the other
    formats print them on stderr."""
    if output_format is OutputFormat.json:
        from mlsal.render.json_text import to_json

        typer.echo(to_json(data()))
        return
    print_warnings(warnings or [])
    if output_format is OutputFormat.csv:
        typer.echo(csv_text(), nl=False)
    else:
        print_renderable(table())


def load() -> "Catalog":
    from mlsal.api import catalog

    return catalog(Settings.data_dirs)


# ---------------------------------------------------------------------------------------
# The profile options every estimating command shares


def _option(kind: Any, *names: str, metavar: str, help: str) -> Any:
    return Annotated[kind, typer.Option(*names, metavar=metavar, help=help)]


PROFILE_OPTIONS: list[tuple[str, Any, Any]] = [
    (
        "years",
        _option(float | None, "--years", "-y", metavar="N", help="Years of experience (0 to 60)."),
        None,
    ),
    (
        "level",
        _option(
            str | None,
            "--level",
            "-l",
            metavar="LEVEL",
            help="entry, mid, senior, staff or principal.",
        ),
        None,
    ),
    (
        "city",
        _option(str | None, "--city", metavar="CITY", help="City, e.g. SF, NYC, Seattle, London."),
        None,
    ),
    (
        "state",
        _option(
            str | None,
            "--state",
            metavar="STATE",
            help="US state, e.g. WA or Texas (stands in for a city the data does not know).",
        ),
        None,
    ),
    (
        "country",
        _option(str | None, "--country", metavar="COUNTRY", help="Country, e.g. US, UK, Germany."),
        None,
    ),
    (
        "industry",
        _option(
            str | None, "--industry", metavar="INDUSTRY", help="Industry, e.g. finance, healthcare."
        ),
        None,
    ),
    (
        "education",
        _option(str | None, "--education", metavar="DEGREE", help="bachelors, masters or phd."),
        None,
    ),
    (
        "company",
        _option(
            str | None, "--company", metavar="COMPANY", help="Employer, e.g. amazon, nvidia, ibm."
        ),
        None,
    ),
    (
        "company_size",
        _option(str | None, "--company-size", metavar="SIZE", help="startup, mid-size or large."),
        None,
    ),
    (
        "role",
        _option(
            str,
            "--role",
            metavar="ROLE",
            help="ml-engineer, data-scientist, research-scientist, ai-engineer or data-engineer.",
        ),
        "ml-engineer",
    ),
    (
        "skill",
        _option(
            list[str] | None,
            "--skill",
            metavar="SKILL",
            help="A skill, e.g. nlp (repeat, or separate with commas).",
        ),
        None,
    ),
    (
        "cert",
        _option(
            list[str] | None,
            "--cert",
            metavar="CERT",
            help="A certification, e.g. aws (repeat, or separate with commas).",
        ),
        None,
    ),
    (
        "as_of",
        _option(
            int | None,
            "--as-of",
            metavar="YEAR",
            help="Give figures in dollars of this year (default: the latest CPI year).",
        ),
        None,
    ),
    (
        "currency",
        _option(
            str | None,
            "--currency",
            metavar="CODE",
            help="Show amounts in this currency, e.g. GBP, EUR, INR (at rates the records state).",
        ),
        None,
    ),
]


def profile_command(func: Callable[..., None]) -> Callable[..., None]:
    """Give a command the profile options; it receives them as one `profile` argument."""
    signature = inspect.signature(func, eval_str=True)
    own = [p for p in signature.parameters.values() if p.name != "profile"]
    shared = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
        for name, kind, default in PROFILE_OPTIONS
    ]

    @functools.wraps(func)
    def command(**options: Any) -> None:
        profile = make_profile({name: options.pop(name) for name, _, _ in PROFILE_OPTIONS})
        func(profile=profile, **options)

    command.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[
            *(
                p
                for p in own
                if p.kind is not inspect.Parameter.KEYWORD_ONLY
                and p.default is inspect.Parameter.empty
            ),
            *shared,
            *(
                p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
                for p in own
                if p.default is not inspect.Parameter.empty
            ),
        ]
    )
    command.__annotations__ = {p.name: p.annotation for p in (*own, *shared)}
    return command


def make_profile(options: dict[str, Any]) -> "Profile":
    from mlsal.profile import Profile

    return Profile(
        years=options["years"],
        level=options["level"],
        city=options["city"],
        state=options["state"],
        country=options["country"],
        industry=options["industry"],
        education=options["education"],
        company=options["company"],
        company_size=options["company_size"],
        role=options["role"],
        skills=tuple(options["skill"] or ()),
        certifications=tuple(options["cert"] or ()),
        as_of=options["as_of"],
        currency=options["currency"],
    )


FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]
RealOption = Annotated[
    bool,
    typer.Option(
        "--real", help="Also show what the pay buys at US-average prices (BEA price parities)."
    ),
]


# ---------------------------------------------------------------------------------------
# Commands


@command
@profile_command
def estimate(
    profile: Profile,
    real: RealOption = False,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Estimate low / median / high annual pay for a profile, with its sources.

    Example: mlsal estimate --years 3 --city SF
    """
    from mlsal.api import estimate_result

    try:
        result = estimate_result(profile, data_dirs=Settings.data_dirs)
    except MlsalError as error:
        fail(error)
    warnings = list(result.warnings)
    if real and result.purchasing_power is None:
        warnings.append(no_price_parity(result.labels.get("city")))

    def table() -> Any:
        from mlsal.render.table import render_estimate

        return render_estimate(result, real=real)

    def csv_text() -> str:
        from mlsal.render.csv_text import estimates_csv

        return estimates_csv([result])

    emit(output_format, result.to_dict, csv_text, table, warnings)


def with_offer_currency(profile: Profile, currency: str) -> Profile:
    """The profile, shown in the currency the offer is in (which --currency may also name)."""
    from dataclasses import replace

    from mlsal.errors import UsageError

    if profile.currency is not None and profile.currency.strip().upper() != currency:
        raise UsageError(
            f"the offer is in {currency} but --currency {profile.currency} was given; "
            "give one currency"
        )
    return replace(profile, currency=currency)


def no_price_parity(city: str | None) -> str:
    if city is None:
        return "--real needs a US --city: without one, pay is at US-average prices already"
    return f"no price parity for {city}: BEA's price parities cover US metro areas only"


@command
@profile_command
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
    from mlsal.compare import compare as run_compare

    try:
        comparison = run_compare(load(), values, profile, by=by, sort=sort)
    except MlsalError as error:
        fail(error)

    def table() -> Any:
        from mlsal.render.compare_table import render_comparison

        return render_comparison(comparison, real=real)

    def csv_text() -> str:
        from mlsal.render.csv_text import comparison_csv

        return comparison_csv(comparison)

    emit(output_format, comparison.to_dict, csv_text, table, comparison.warnings)


@command
@profile_command
def explain(profile: Profile, output_format: FormatOption = OutputFormat.table) -> None:
    """Show the calculation behind an estimate, step by step, with every figure's quote.

    Example: mlsal explain --years 3 --city SF
    """
    from mlsal.engine import estimate as run_estimate
    from mlsal.explain import explain as explain_steps
    from mlsal.profile import resolve_profile

    try:
        catalog = load()
        result = run_estimate(catalog, resolve_profile(profile, catalog))
    except MlsalError as error:
        fail(error)
    steps = explain_steps(result, catalog.method.factors)

    def table() -> Any:
        from mlsal.render.explain_text import render_steps

        return render_steps(result, steps)

    def csv_text() -> str:
        from mlsal.render.csv_text import steps_csv

        return steps_csv(steps)

    def data() -> Any:
        return {**result.to_dict(), "steps": [s.to_dict() for s in steps]}

    emit(output_format, data, csv_text, table, result.warnings)


@command
@profile_command
def offer(
    profile: Profile,
    amount: Annotated[
        str,
        typer.Argument(
            metavar="AMOUNT", help="Annual pay: 185000, 185k, $185,000, or £85k, 85000 EUR."
        ),
    ],
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Is this offer fair? Where a base-salary offer sits among the profile's market pay.

    Example: mlsal offer 185k --years 4 --city NYC --company google
    """
    from mlsal.api import estimate_result
    from mlsal.offer import assess, offer_in_dollars, parse_amount

    try:
        offered, currency = parse_amount(amount)
        if currency is not None:
            profile = with_offer_currency(profile, currency)
        result = estimate_result(profile, data_dirs=Settings.data_dirs)
        assessment = assess(load(), result, offer_in_dollars(result, offered))
    except MlsalError as error:
        fail(error)

    def table() -> Any:
        from mlsal.render.offer_table import render_offer

        return render_offer(assessment)

    def csv_text() -> str:
        from mlsal.render.csv_text import offer_csv

        return offer_csv(assessment)

    emit(output_format, assessment.to_dict, csv_text, table, result.warnings)


@command
@profile_command
def trajectory(
    profile: Profile,
    to: Annotated[int, typer.Option("--to", metavar="YEARS", help="Last year of the curve.")] = 20,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Low / median / high by years of experience, as a table and a chart, levels marked.

    Example: mlsal trajectory --city SF --to 15
    """
    from mlsal.trajectory import trajectory as run_trajectory

    try:
        curve = run_trajectory(load(), profile, to)
    except MlsalError as error:
        fail(error)

    def table() -> Any:
        from mlsal.render.trajectory_chart import render_trajectory

        return render_trajectory(curve)

    def csv_text() -> str:
        from mlsal.render.csv_text import to_csv

        data = curve.to_dict()["points"]
        columns = ("years", "level", "low", "median", "high")
        return to_csv(columns, ([p[c] for c in columns] for p in data))

    emit(output_format, curve.to_dict, csv_text, table, curve.warnings)


class BatchFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


@command
def batch(
    input_path: Annotated[
        str,
        typer.Argument(metavar="INPUT", help="CSV of profiles, one per row ('-' reads stdin)."),
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", metavar="PATH", help="Write here (atomically) instead of stdout."
        ),
    ] = None,
    output_format: Annotated[
        BatchFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
    ] = BatchFormat.csv,
    strict: Annotated[bool, typer.Option("--strict", help="Stop at the first bad row.")] = False,
) -> None:
    """Estimate one profile per CSV row; columns named as the estimate options.

    The output holds the input columns plus low, median, high, band, sources and warnings,
    in input order. Bad rows are reported on stderr with their line and left out; the run
    then exits 1. Example: mlsal batch profiles.csv -o estimates.csv
    """
    from mlsal.batch_io import run_batch_files

    try:
        target = None if output is None else Path(output)
        bad = run_batch_files(load(), input_path, target, output_format.value, strict)
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
) -> None:
    """List the dimensions, or every value of one with its multiplier, aliases and sources.

    Example: mlsal factors city
    """
    from mlsal import listing

    try:
        catalog = load()
        columns: tuple[str, ...]
        if dimension is None:
            data = listing.dimensions_data(catalog)
            columns = listing.DIMENSION_COLUMNS
        else:
            from mlsal.compare import resolve_dimension

            if dimension.strip().casefold() not in listing.DIMENSION_DESCRIPTIONS:
                dimension = resolve_dimension(dimension)
            data = listing.factor_values_data(catalog, dimension)
            columns = listing.LEVEL_COLUMNS if dimension == "level" else listing.FACTOR_COLUMNS
    except MlsalError as error:
        fail(error)

    def table() -> Any:
        from mlsal.render import listing_tables

        if dimension is None:
            return listing_tables.dimensions_table(data)
        return listing_tables.factor_values_table(dimension, data)

    def csv_text() -> str:
        from mlsal.render.csv_text import to_csv

        return to_csv(*listing.table_rows(columns, data))

    emit(output_format, lambda: data, csv_text, table)


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
    from mlsal import listing

    try:
        catalog = load()
        if source_id is None:
            data: Any = listing.sources_data(catalog)
        else:
            data = listing.source_data(catalog, source_id)
    except MlsalError as error:
        fail(error)

    def table() -> Any:
        from mlsal.render import listing_tables

        if source_id is None:
            return listing_tables.sources_table(data)
        return listing_tables.source_facts_table(data)

    def csv_text() -> str:
        from mlsal.render.csv_text import to_csv

        if source_id is None:
            return to_csv(*listing.sources_rows(data))
        return to_csv(*listing.facts_rows(data["facts"]))

    emit(output_format, lambda: data, csv_text, table)


def shown_path(path: Path) -> str:
    """A path as the user would type it: relative to here when it is below here."""
    import os

    relative = os.path.relpath(path.resolve())
    return str(path) if relative.startswith("..") else relative


# `mlsal data validate`: a group of its own, so that more data commands can join it.
data_app = typer.Typer(help="Check data directories.", **PLAIN_TYPER)  # type: ignore[arg-type]
COMMANDS["data"] = data_app


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
    from mlsal.catalog import default_data_dir, load_catalog

    directory = None if folder is None else Path(folder)
    extra = list(Settings.data_dirs)
    whole = (
        directory is not None
        and "\0" not in str(directory)
        and (directory / "dimensions.toml").is_file()
    )
    if directory is not None and not whole:
        extra.append(directory)
    shipped = directory if directory is not None and whole else default_data_dir()
    try:
        catalog = load_catalog(extra, shipped_dir=shipped, use_cache=False)
    except MlsalError as error:
        fail(error)
    checked = [shown_path(shipped), *(shown_path(d) for d in extra)]
    report = {
        "ok": True,
        "directories": checked,
        "sources": len(catalog.sources),
        "facts": len(catalog.facts),
        "values": sum(len(values) for values in catalog.values.values()),
    }
    if output_format is OutputFormat.json:
        from mlsal.render.json_text import to_json

        typer.echo(to_json(report))
    elif output_format is OutputFormat.csv:
        from mlsal.render.csv_text import to_csv

        typer.echo(
            to_csv(
                ("ok", "sources", "facts", "values", "directories"),
                [[True, report["sources"], report["facts"], report["values"], checked]],
            ),
            nl=False,
        )
    else:
        typer.echo(
            f"ok: {report['sources']} sources, {report['facts']} facts and "
            f"{report['values']} values in {', '.join(checked)}: no problem found"
        )


def main() -> None:
    """The console script: run, then leave without tearing the interpreter down.

    Freeing every module and object at exit costs a CLI that shell scripts call in loops more
    than its own work; the operating system frees the memory anyway. Output is flushed first,
    and a reader that closed the pipe early (`mlsal ... | head`) is no error.
    """
    if sys.stdout is None or sys.stderr is None:  # started with stdout or stderr closed
        if sys.stderr is not None:
            print("error: cannot write the output: stdout is closed", file=sys.stderr)
        os._exit(1)
    for stream in (sys.stdout, sys.stderr):
        # An output that cannot hold '×', '—' or '£' (PYTHONIOENCODING=ascii, cp437) gets
        # '?' in their place rather than a crash.
        if not (getattr(stream, "encoding", None) or "utf-8").lower().startswith("utf"):
            with contextlib.suppress(AttributeError, ValueError):
                stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    try:
        app()
        code: int = 0
    except SystemExit as done:
        if isinstance(done.code, str):
            print(done.code, file=sys.stderr)
            code = 1
        else:
            code = done.code or 0
    except BrokenPipeError:  # the reader has all it wanted (`mlsal batch … | head`)
        code = 0
    except OSError as error:  # stdout on a full disk, or closed; a path the system refuses
        where = "write the output" if error.filename is None else f"use '{error.filename}'"
        print(one_line(f"error: cannot {where}: {error.strerror}"), file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass
    os._exit(code)
