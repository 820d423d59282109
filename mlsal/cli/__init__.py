"""The command line: parse the options, call the core, hand the result to mlsal.render.

Each command is "parse, compute, emit". Data goes to stdout, warnings and errors to stderr.
Exit codes: 0 success, 1 broken data (or a failed run), 2 bad input. Usage errors are one
line; only a bug shows a traceback. Heavy modules (pydantic, rich) are imported inside the
commands that need them, and a command's parser is built only when it runs: a CLI that shell
scripts call in loops pays for the one it runs.

Rooms: app (the group, the options before the command, the profile's options, fail and
show), commands (one function per command), launch (the console script, main).
"""

from mlsal.cli import commands  # noqa: F401  (each command registers itself in COMMANDS)
from mlsal.cli.app import COMMANDS, app, profile_options
from mlsal.cli.launch import main

__all__ = ["COMMANDS", "app", "main", "profile_options"]
