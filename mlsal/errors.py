"""The errors mlsal reports to users. Each carries the exit code the CLI uses."""

from __future__ import annotations


class MlsalError(Exception):
    """Base of every error meant for the user rather than a bug report."""

    exit_code = 1


class UsageError(MlsalError):
    """The user asked for something mlsal does not know or cannot do (exit code 2)."""

    exit_code = 2


class NoFigure(UsageError):
    """What was asked is valid, but no source gives a figure for it (a country no records
    price): said, never answered with another place's pay (exit code 2)."""


class DataError(MlsalError):
    """A data file is broken. Holds one line per problem: 'file: entry: field: message'."""

    exit_code = 1

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def one_line(text: str) -> str:
    """The text as one printable line: control characters (newlines, NUL, separators) that
    users may type or data may hold are shown escaped, so a message stays one line; and not
    endless (a 5,000-character path is shown by its ends)."""
    line = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    if len(line) > MAX_LINE:
        line = f"{line[: MAX_LINE // 2]} … {line[-MAX_LINE // 4 :]}"
    return line


MAX_LINE = 1_000  # characters of one message line at the most
