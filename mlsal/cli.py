"""The command line: parse options, call the engine, hand results to a renderer.

Data goes to stdout, warnings and errors to stderr. Exit codes: 0 success, 1 broken data
(or a failed run), 2 bad input. Usage errors are one line; only a bug shows a traceback.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from mlsal import __version__
from mlsal.errors import DataError, MlsalError

if TYPE_CHECKING:
    from mlsal.catalog import Catalog
    from mlsal.profile import Profile


PIPED_WIDTH = 120  # columns of a table written to a pipe or a file


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
            message = error.format_message().replace("\n", " ")
            typer.echo(f"error: {message}{hint}", err=True)
            sys.exit(error.exit_code)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    name="mlsal",
    cls=OneLineErrors,
    help="Salary estimates for Machine Learning Engineers, every figure traced to its source.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def fail(error: MlsalError) -> NoReturn:
    if isinstance(error, DataError):
        for problem in error.problems:
            typer.echo(f"error: {problem}", err=True)
    else:
        typer.echo(f"error: {error}", err=True)
    raise typer.Exit(error.exit_code) from None


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"mlsal {__version__}")
        raise typer.Exit()


class Settings:
    """Options given before the command, read by every command."""

    data_dirs: list[Path] = []


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
    data_dir: Annotated[
        list[Path] | None,
        typer.Option(
            "--data-dir",
            envvar="MLSAL_DATA_DIR",
            help="A directory of your own sources, in the format of data/ (repeatable).",
        ),
    ] = None,
) -> None:
    """Salary estimates for Machine Learning Engineers, every figure traced to its source."""
    Settings.data_dirs = list(data_dir or [])


# Options shared by every command that estimates a profile.
YearsOption = Annotated[
    float | None, typer.Option("--years", "-y", help="Years of experience (0 to 60).")
]
LevelOption = Annotated[
    str | None, typer.Option("--level", "-l", help="entry, mid, senior, staff or principal.")
]
CityOption = Annotated[str | None, typer.Option("--city", help="City, e.g. SF, NYC, London.")]
CountryOption = Annotated[str | None, typer.Option("--country", help="Country, e.g. US, UK.")]
IndustryOption = Annotated[
    str | None, typer.Option("--industry", help="Industry, e.g. finance, healthcare.")
]
EducationOption = Annotated[
    str | None, typer.Option("--education", help="bachelors, masters or phd.")
]
CompanyOption = Annotated[
    str | None, typer.Option("--company", help="Employer, e.g. amazon, google, meta.")
]
CompanySizeOption = Annotated[
    str | None, typer.Option("--company-size", help="startup, mid-size or large.")
]
RoleOption = Annotated[
    str,
    typer.Option(
        "--role",
        help="ml-engineer, data-scientist, research-scientist, ai-engineer or data-engineer.",
    ),
]
SkillOption = Annotated[
    list[str] | None,
    typer.Option("--skill", help="A skill, e.g. nlp (repeat, or separate with commas)."),
]
CertOption = Annotated[
    list[str] | None,
    typer.Option("--cert", help="A certification, e.g. aws (repeat, or separate with commas)."),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]


def make_profile(
    years: float | None,
    level: str | None,
    city: str | None,
    country: str | None,
    industry: str | None,
    education: str | None,
    company: str | None,
    company_size: str | None,
    role: str,
    skills: list[str] | None,
    certifications: list[str] | None,
) -> Profile:
    from mlsal.profile import Profile

    return Profile(
        years=years,
        level=level,
        city=city,
        country=country,
        industry=industry,
        education=education,
        company=company,
        company_size=company_size,
        role=role,
        skills=tuple(skills or ()),
        certifications=tuple(certifications or ()),
    )


def load() -> Catalog:
    from mlsal.catalog import load_catalog

    return load_catalog(Settings.data_dirs)


def print_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)


def print_renderable(renderable: Any) -> None:
    import os

    from rich.console import Console

    console = Console(soft_wrap=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        # Piped or redirected: wide enough that tables are not cut to a terminal's 80 columns.
        console = Console(soft_wrap=False, width=PIPED_WIDTH)
    console.print(renderable)


@app.command()
def estimate(
    years: YearsOption = None,
    level: LevelOption = None,
    city: CityOption = None,
    country: CountryOption = None,
    industry: IndustryOption = None,
    education: EducationOption = None,
    company: CompanyOption = None,
    company_size: CompanySizeOption = None,
    role: RoleOption = "ml-engineer",
    skill: SkillOption = None,
    cert: CertOption = None,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Estimate low / median / high annual pay for a profile, with its sources.

    Example: mlsal estimate --years 3 --city SF
    """
    from mlsal.engine import estimate as run_estimate
    from mlsal.profile import resolve_profile

    try:
        catalog = load()
        profile = resolve_profile(
            make_profile(
                years,
                level,
                city,
                country,
                industry,
                education,
                company,
                company_size,
                role,
                skill,
                cert,
            ),
            catalog,
        )
        result = run_estimate(catalog, profile)
    except MlsalError as error:
        fail(error)
    if output_format is OutputFormat.json:
        from mlsal.render.json_text import to_json

        typer.echo(to_json(result.to_dict()))
    elif output_format is OutputFormat.csv:
        from mlsal.render.csv_text import estimates_csv

        print_warnings(result.warnings)
        typer.echo(estimates_csv([result]), nl=False)
    else:
        from mlsal.render.table import render_estimate

        print_warnings(result.warnings)
        print_renderable(render_estimate(result))


@app.command()
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
    if output_format is OutputFormat.json:
        from mlsal.render.json_text import to_json

        typer.echo(to_json(data))
    elif output_format is OutputFormat.csv:
        from mlsal.render.csv_text import to_csv

        header, rows = (
            listing.sources_rows(data) if source_id is None else listing.facts_rows(data["facts"])
        )
        typer.echo(to_csv(header, rows), nl=False)
    else:
        from mlsal.render import listing_tables

        print_renderable(
            listing_tables.sources_table(data)
            if source_id is None
            else listing_tables.source_facts_table(data)
        )


@app.command()
def compare(
    values: Annotated[
        list[str],
        typer.Argument(help="Values of one dimension: companies, cities, levels, industries…"),
    ],
    by: Annotated[
        str | None,
        typer.Option("--by", help="The dimension the values belong to, if ambiguous."),
    ] = None,
    sort: Annotated[
        str | None, typer.Option("--sort", help="Order rows by median, low, high or label.")
    ] = None,
    years: YearsOption = None,
    level: LevelOption = None,
    city: CityOption = None,
    country: CountryOption = None,
    industry: IndustryOption = None,
    education: EducationOption = None,
    company: CompanyOption = None,
    company_size: CompanySizeOption = None,
    role: RoleOption = "ml-engineer",
    skill: SkillOption = None,
    cert: CertOption = None,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Estimate the same profile once per company, city, level… and show them side by side.

    Examples: mlsal compare amazon apple google meta;  mlsal compare sf nyc seattle --years 5
    """
    from mlsal.compare import compare as run_compare

    try:
        catalog = load()
        profile = make_profile(
            years,
            level,
            city,
            country,
            industry,
            education,
            company,
            company_size,
            role,
            skill,
            cert,
        )
        comparison = run_compare(catalog, values, profile, by=by, sort=sort)
    except MlsalError as error:
        fail(error)
    if output_format is OutputFormat.json:
        from mlsal.render.json_text import to_json

        typer.echo(to_json(comparison.to_dict()))
        return
    print_warnings(comparison.warnings)
    if output_format is OutputFormat.csv:
        from mlsal.render.csv_text import comparison_csv

        typer.echo(comparison_csv(comparison), nl=False)
    else:
        from mlsal.render.compare_table import render_comparison

        print_renderable(render_comparison(comparison))


@app.command()
def explain(
    years: YearsOption = None,
    level: LevelOption = None,
    city: CityOption = None,
    country: CountryOption = None,
    industry: IndustryOption = None,
    education: EducationOption = None,
    company: CompanyOption = None,
    company_size: CompanySizeOption = None,
    role: RoleOption = "ml-engineer",
    skill: SkillOption = None,
    cert: CertOption = None,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Show the calculation behind an estimate, step by step, with every figure's quote.

    Example: mlsal explain --years 3 --city SF
    """
    from mlsal.engine import estimate as run_estimate
    from mlsal.explain import explain as explain_steps
    from mlsal.profile import resolve_profile

    try:
        catalog = load()
        profile = resolve_profile(
            make_profile(
                years,
                level,
                city,
                country,
                industry,
                education,
                company,
                company_size,
                role,
                skill,
                cert,
            ),
            catalog,
        )
        result = run_estimate(catalog, profile)
    except MlsalError as error:
        fail(error)
    steps = explain_steps(result, catalog.method.factors.prior_weight)
    if output_format is OutputFormat.json:
        from mlsal.render.json_text import to_json

        typer.echo(to_json({**result.to_dict(), "steps": [s.to_dict() for s in steps]}))
        return
    print_warnings(result.warnings)
    if output_format is OutputFormat.csv:
        from mlsal.render.csv_text import steps_csv

        typer.echo(steps_csv(steps), nl=False)
    else:
        from mlsal.render.explain_text import render_steps

        print_renderable(render_steps(result, steps))


@app.command()
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
    if output_format is OutputFormat.json:
        from mlsal.render.json_text import to_json

        typer.echo(to_json(data))
    elif output_format is OutputFormat.csv:
        from mlsal.render.csv_text import to_csv

        typer.echo(to_csv(*listing.table_rows(columns, data)), nl=False)
    else:
        from mlsal.render import listing_tables

        print_renderable(
            listing_tables.dimensions_table(data)
            if dimension is None
            else listing_tables.factor_values_table(dimension, data)
        )


def main() -> None:
    app()
