"""`mlsal help TOPIC`: the sections of docs/methodology.md, found by number or by words of
their titles, so the method can be read where the tool is used."""

from __future__ import annotations

import re
from pathlib import Path

from mlsal.errors import DataError, UsageError
from mlsal.names import did_you_mean, nearest

HEADING = re.compile(r"^## (\S+)\.? (.+)$", re.MULTILINE)


def methodology_path() -> Path:
    """The methodology shipped with mlsal: inside the installed package, or in a checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "docs" / "methodology.md"
    return packaged if packaged.is_file() else here.parent / "docs" / "methodology.md"


def methodology_text() -> str:
    """The methodology's text; from a wheel or zip on sys.path, read from the archive."""
    try:
        return methodology_path().read_text(encoding="utf-8")
    except OSError as error:
        from importlib.resources import files

        try:
            return (files("mlsal") / "docs" / "methodology.md").read_text(encoding="utf-8")
        except OSError:
            raise DataError([f"{methodology_path()}: cannot be read: {error.strerror}"]) from None


def sections(text: str | None = None) -> list[tuple[str, str, str]]:
    """(number, title, body) of each '## N. Title' section."""
    if text is None:
        text = methodology_text()
    found = list(HEADING.finditer(text))
    return [
        (
            match.group(1).rstrip("."),
            match.group(2).strip(),
            text[match.start() : found[i + 1].start() if i + 1 < len(found) else len(text)],
        )
        for i, match in enumerate(found)
    ]


def topics() -> list[str]:
    return [f"{number}. {title}" for number, title, _ in sections()]


def topic(words: str) -> str:
    """The section a topic names: its number ('8', '7b'), or words of its title ('employers',
    'like for like'); the first whose title holds every word."""
    wanted = words.strip().casefold()
    found = sections()
    numbers = ", ".join(number for number, _, _ in found)
    asked = [w for w in (w.strip(":,.()") for w in wanted.split()) if w]
    if not asked:  # '', '.': no topic is named, so none is the answer
        raise UsageError(
            f"no topic named: give a number or words of a title; the topics are {numbers}"
        )
    for number, _, body in found:
        if wanted == number.casefold():
            return body.rstrip() + "\n"
    for _, title, body in found:
        # Whole words of the title, or their beginnings ('employ' finds 'Employers'), not any
        # substring ('.' is in every title).
        words_of = [w.strip(":,.()") for w in title.casefold().split()]
        if all(any(w.startswith(word) for w in words_of) for word in asked):
            return body.rstrip() + "\n"
    vocabulary = sorted({w.strip(":,()").casefold() for _, t, _ in found for w in t.split()})
    hint = did_you_mean(nearest(wanted, vocabulary)) or f"; the topics are {numbers}"
    raise UsageError(f"no topic '{words}'{hint}")
