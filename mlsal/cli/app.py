"""The command line's frame: the group that builds a command's parser only when it runs and
says usage errors in one line; the options given before the command (Settings); the
profile's options, one per input of mlsal.dimensions; failing and showing a result."""

import functools
import inspect
import os
import sys
from collections.abc import Callable
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
