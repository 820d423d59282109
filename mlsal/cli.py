"""The command line: parse the options, call the core, hand the result to mlsal.render.

Each command is "parse, compute, emit". Data goes to stdout, warnings and errors to stderr.
Exit codes: 0 success, 1 broken data (or a failed run), 2 bad input. Usage errors are one
line; only a bug shows a traceback. Heavy modules (pydantic, rich) are imported inside the
commands that need them, and a command's parser is built only when it runs: a CLI that shell
scripts call in loops pays for the one it runs.
"""

import contextlib
import functools
import gc
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
from mlsal.dimensions import INPUTS
from mlsal.errors import DataError, MlsalError, one_line
from mlsal.render.formats import OutputFormat, View, emit

if TYPE_CHECKING:
    from mlsal.catalog import Catalog
    from mlsal.profile import Profile
else:
    Profile = Any  # imported lazily, in the commands; the name keeps signatures evaluable


class OneLineErrors(TyperGroup):
    """Click's usage errors as one line on stderr, exit code 2, nothing on stdout."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        given = kwargs.get("args", args[0] if args else None)
        if not (sys.argv[1:] if given is None else list(given)):
            kwargs["args"] = ["--help"]  # bare `mlsal`: the help, as asked for
            args = ()
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
        build = COMMANDS.get(name)
        return None if build is None else typer.main.get_command(build())

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


# Each command lives in a Typer app of its own, built when it is run (or help lists it).
COMMANDS: dict[str, Callable[[], typer.Typer]] = {}
PLAIN_TYPER = {"add_completion": False, "pretty_exceptions_enable": False, "rich_markup_mode": None}


def command(func: Callable[..., None]) -> Callable[..., None]:
    COMMANDS[func.__name__] = lambda: single_app(func)
    return func


def estimating_command(func: Callable[..., None]) -> Callable[..., None]:
    """A command that takes the profile's options (and receives them as one `profile`)."""
    COMMANDS[func.__name__] = lambda: single_app(with_profile_options(func))
    return func


def single_app(func: Callable[..., None]) -> typer.Typer:
    single = typer.Typer(**PLAIN_TYPER)  # type: ignore[arg-type]
    single.command(name=func.__name__)(quiet_when_the_reader_leaves(func))
    return single


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
    epilog=(
        "Shell completion: mlsal --install-completion (the shell detected), or "
        "mlsal --show-completion zsh (bash, zsh, fish or powershell) to see a script."
    ),
    no_args_is_help=True,
    # Shell completion (--install-completion, --show-completion; bash, zsh, fish) is switched
    # on in main() only when asked for: its options cost every other run ~8 ms.
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Settings:
    """Options given before the command, read by every command."""

    data_dirs: list[Path] = []
    pay: str = "default"  # --pay: base salary (the method's default) or gross pay


def version_callback(value: bool) -> None:
    """The version, then the data it ships: each source and the year its figures are for."""
    if not value:
        return
    typer.echo(f"mlsal {__version__}")
    try:
        catalog = load()
    except MlsalError as error:
        typer.echo(f"data: cannot be read ({one_line(str(error))})")
        raise typer.Exit() from None
    facts = len(catalog.facts)
    typer.echo(f"data: {len(catalog.sources)} sources, {facts:,} facts")
    for source in sorted(catalog.sources.values(), key=lambda s: s.id):
        year = source.year or "year not stated"
        typer.echo(f"  {source.id} ({year}): {source.title}")
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
# Errors, and the data every command reads


def fail(error: MlsalError) -> NoReturn:
    problems = error.problems if isinstance(error, DataError) else [str(error)]
    for problem in problems:
        typer.echo(f"error: {one_line(problem)}", err=True)
    raise typer.Exit(error.exit_code) from None


def show(output_format: OutputFormat, compute: Callable[[], View]) -> None:
    """Compute a command's result, then emit it; a bad input or broken data fails cleanly,
    before anything is written on stdout."""
    try:
        view = compute()
    except MlsalError as error:
        fail(error)
    emit(output_format, view)


def load() -> "Catalog":
    """The data, read for the pay asked for (--pay)."""
    from mlsal.api import catalog

    return catalog(Settings.data_dirs, Settings.pay)


PayOption = Annotated[
    str,
    typer.Option(
        "--pay",
        metavar="base|gross",
        help=(
            "base: base salary, from the official records (the default); gross: aijobs.net's "
            "self-reported gross pay, bonus and equity not separated. Never mixed."
        ),
    ),
]


def pay_option() -> inspect.Parameter:
    """--pay, beside the profile's options on every estimating command."""
    return inspect.Parameter(
        "pay", inspect.Parameter.KEYWORD_ONLY, default="default", annotation=PayOption
    )


# ---------------------------------------------------------------------------------------
# The profile options every estimating command shares, one per input of mlsal.dimensions

OPTION_TYPES: dict[str, Any] = {
    "number": float | None,
    "year": int | None,
    "names": list[str] | None,
    "name": str | None,
    "code": str | None,
}


def values_of(dimension: str) -> Callable[[str], list[str]]:
    """Shell completion of an option's values: the keys of the dimension's values that
    begin with what is typed ('san-' → san-francisco, san-jose…)."""

    def complete(incomplete: str) -> list[str]:
        try:
            keys = [value.key for value in load().values[dimension]]
        except MlsalError:
            return []
        typed = incomplete.casefold()
        return sorted(key for key in keys if key.casefold().startswith(typed))[:100]

    return complete


@functools.cache
def profile_options() -> list[inspect.Parameter]:
    """The profile's options, built once for all the commands that take them."""
    options = []
    for item in INPUTS:
        names = (item.option, item.short) if item.short else (item.option,)
        completes = values_of(item.dimension) if item.dimension else None
        option = typer.Option(
            *names, metavar=item.metavar, help=item.help, autocompletion=completes
        )
        kind = Annotated[OPTION_TYPES[item.kind], option]  # type: ignore[valid-type,name-defined]
        options.append(
            inspect.Parameter(
                item.field, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=kind
            )
        )
    return options


def with_profile_options(func: Callable[..., None]) -> Callable[..., None]:
    """The command with the profile options; it receives them as one `profile` argument."""
    signature = inspect.signature(func, eval_str=True)
    own = [p for p in signature.parameters.values() if p.name != "profile"]
    shared = [*profile_options(), pay_option()]

    @functools.wraps(func)
    def command(**options: Any) -> None:
        from mlsal.profile import make_profile

        Settings.pay = options.pop("pay")

        try:
            profile = make_profile({p.name: options.pop(p.name) for p in shared[:-1]})
        except MlsalError as error:
            fail(error)
        func(profile=profile, **options)

    positional = [
        p
        for p in own
        if p.kind is not inspect.Parameter.KEYWORD_ONLY and p.default is inspect.Parameter.empty
    ]
    optional = [
        p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
        for p in own
        if p.default is not inspect.Parameter.empty
    ]
    command.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*positional, *shared, *optional]
    )
    command.__annotations__ = {p.name: p.annotation for p in (*own, *shared)}
    return command


MORE = (
    "Add --explain for how each figure was made, what every source says, official statistics "
    "and caveats; mlsal sources ID quotes a source."
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


class BatchFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


class BatchInputFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


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
        BatchFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format (default: by the output's extension, else csv).",
            case_sensitive=False,
        ),
    ] = None,
    input_format: Annotated[
        BatchInputFormat | None,
        typer.Option(
            "--input-format",
            help="Input format (default: by the input's extension, else csv).",
            case_sensitive=False,
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Stop at the first bad row.")] = False,
    pay: PayOption = "default",
) -> None:
    """Estimate one profile per row; columns (or keys) named as the estimate options.

    The output holds the input columns plus low, median, high, band, sources and warnings,
    in input order. Bad rows are reported on stderr with their line and left out; the run
    then exits 1. Example: mlsal batch profiles.csv -o estimates.csv
    """
    from mlsal.batch_io import run_batch_files

    gc.set_threshold(LONG_RUN_GC, *gc.get_threshold()[1:])  # see main(): measured, less memory

    Settings.pay = pay
    try:
        target = None if output is None else Path(output)
        bad = run_batch_files(
            load(),
            input_path,
            target,
            None if output_format is None else output_format.value,
            strict,
            input_format=None if input_format is None else input_format.value,
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
        from mlsal.loader import validation_report
        from mlsal.render.views import validation_view

        given = None if folder is None else Path(folder)
        return validation_view(validation_report(given, Settings.data_dirs))

    show(output_format, compute)


SHORT_RUN_GC = 10_000  # new objects between the cyclic collector's young collections
LONG_RUN_GC = 700  # Python's default


def negative_offer(args: list[str]) -> str | None:
    """An amount given to `offer` as '-5k' or '--base -5k', which Click reads as an option."""
    if not args or args[0] != "offer":
        return None
    return next((a for a in args[1:] if len(a) > 1 and a[0] == "-" and a[1] in "0123456789."), None)


SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def completion_shell_asked(args: list[str]) -> str | None:
    """The shell named after --show-completion ('--show-completion zsh' or '=zsh'), if any."""
    if len(args) == 2 and args[0] == "--show-completion":
        return args[1]
    if len(args) == 1 and args[0].startswith("--show-completion="):
        return args[0].partition("=")[2]
    return None


def show_completion(shell: str) -> int:
    """Print the completion script of a shell named; exit code 2 for a shell Typer has none
    for."""
    if shell not in SHELLS:
        print(f"error: unknown shell '{shell}'; choose one of {', '.join(SHELLS)}", file=sys.stderr)
        return 2
    from typer._completion_shared import get_completion_script

    print(get_completion_script(prog_name="mlsal", complete_var="_MLSAL_COMPLETE", shell=shell))
    return 0


def is_completion_request(environ: Any) -> bool:
    """Whether a shell asks for completions: '_MLSAL_COMPLETE=complete_bash' with the
    shell's words (COMP_WORDS, COMP_CWORD), or 'source_zsh'. Left in the environment from
    elsewhere, the variable alone would make every command fail."""
    instruction = environ.get("_MLSAL_COMPLETE", "")
    action, _, shell = instruction.partition("_")
    if shell not in ("bash", "zsh", "fish"):
        return False
    return action == "source" or (
        action == "complete" and "COMP_WORDS" in environ and "COMP_CWORD" in environ
    )


def main() -> None:
    """The console script: run, then leave without tearing the interpreter down.

    Freeing every module and object at exit costs a CLI that shell scripts call in loops more
    than its own work; the operating system frees the memory anyway. Output is flushed first,
    and a reader that closed the pipe early (`mlsal ... | head`) is no error.
    """
    # What is made so far (Typer, Click, these modules) lives for the whole run: the cyclic
    # garbage collector need not scan it again. A run makes few reference cycles, so young
    # collections come after 10,000 new objects rather than 700: a short run then makes none
    # (`batch`, a long run, goes back to Python's default).
    gc.freeze()
    gc.set_threshold(SHORT_RUN_GC, *gc.get_threshold()[1:])
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
    completion = ("--install-completion", "--show-completion")
    shell = completion_shell_asked(sys.argv[1:])
    if shell is not None:  # '--show-completion zsh': that shell's script, not the detected one
        shown = show_completion(shell)
        sys.stdout.flush()
        os._exit(shown)
    negative = negative_offer(sys.argv[1:])
    if negative is not None:  # Click would read '-5k' as an option: 'No such option: -5'
        print(
            f"error: the offer '{negative}' is negative; give annual pay from 1,000",
            file=sys.stderr,
        )
        os._exit(2)
    if not is_completion_request(os.environ):  # a stray _MLSAL_COMPLETE is no request
        os.environ.pop("_MLSAL_COMPLETE", None)
    if "_MLSAL_COMPLETE" in os.environ or any(a.startswith(completion) for a in sys.argv[1:]):
        app._add_completion = True
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
