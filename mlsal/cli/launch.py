"""The console script: the process around the commands. Completion scripts and a negative
offer answered before Typer is involved; output flushed; the interpreter left without
tearing it down."""

import contextlib
import gc
import os
import sys
from typing import Any

from mlsal.cli.app import app
from mlsal.errors import one_line

SHORT_RUN_GC = 10_000  # new objects between the cyclic collector's young collections


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
