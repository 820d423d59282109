"""What batch reads and writes: the lines of its input (each read up to a limit), a row and
a chunk of rows, a bad row, a row's outputs (made from the engine's shares of its profile),
the checks on a header's columns, and the bounded memos that keep memory flat."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from mlsal.catalog import Catalog
from mlsal.dimensions import INPUT_NAMES
from mlsal.distribution import z_score
from mlsal.engine import Share, profile_shares
from mlsal.engine.shares import median_and_sigma, said_by, sources_of
from mlsal.errors import MlsalError, UsageError
from mlsal.profile import Profile

OUTPUT_COLUMNS = ("low", "median", "high", "band", "sources", "warnings")


NOT_UTF8 = "it is not UTF-8 text (save it as UTF-8)"


CHUNK = 256  # rows estimated together: enough to share the work; few, for flat memory


MAX_LINE_CHARS = 1_000_000  # no row of a profile is this long; a longer line is not read


# Stands for a line longer than MAX_LINE_CHARS (found by identity: no line is this object).
TOO_LONG = "\x00 longer than the limit\n"


TOO_LONG_SAID = f"longer than {MAX_LINE_CHARS:,} characters: not read"


def capped_lines(stream: IO[str]) -> Iterator[str]:
    """The stream's lines, each read up to MAX_LINE_CHARS: a longer one (a 50 MB line, a
    file of no line ends such as /dev/zero) is TOO_LONG, its rest read and dropped a piece at
    a time, so memory stays bounded whatever the input."""
    read = stream.readline
    while line := read(MAX_LINE_CHARS + 1):
        if len(line) <= MAX_LINE_CHARS or line.endswith("\n"):
            yield line
            continue
        yield TOO_LONG
        while (rest := read(MAX_LINE_CHARS)) and not rest.endswith("\n"):
            pass


MEMO_LIMIT = 20_000  # cells and places remembered at once; emptied when full


def remember(memo: dict[Any, Any], key: Any, value: Any, limit: int | None = None) -> None:
    if len(memo) >= (limit or MEMO_LIMIT):  # a bound on memory, whatever the input
        memo.clear()
    memo[key] = value


@dataclass
class BadRow:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class NotARow:
    """What a reader met in place of a row (too many cells, not JSON…), and why."""

    message: str


# A row as read: its cells, one per column (CSV), or an object by its keys (JSON).
Row = list[str] | dict[str, Any]


@dataclass
class Chunk:
    """Rows read together, in order: the line each starts on; its cells, or what stands in
    its place when there is none (NotARow); and for a CSV row, its line where it can be
    written back as it is (what the csv module writes of its cells), else None."""

    lines: list[int]
    rows: list[Row | NotARow]
    plains: list[str | None]

    def stop(self, line: int, message: str) -> None:
        """What stops the reading, said at its line, as the chunk's last row."""
        self.lines.append(line)
        self.rows.append(NotARow(message))
        self.plains.append(None)


# What a batch row's output holds: low, median, high, band, sources, warnings.
Outputs = tuple[int, int, int, float, tuple[str, ...], tuple[str, ...]]


def estimate_outputs(catalog: Catalog, profile: Profile) -> Outputs:
    """What a batch row shows of the estimate (see Outputs): the same figures and warnings as
    estimate(), computed without the rest of the Estimate."""
    return outputs_of_shares(catalog)(*profile_shares(catalog, profile))


def band_constants(catalog: Catalog) -> tuple[float, float, float]:
    """The z-scores of the band's low and high percentiles, and the share of pay between."""
    method = catalog.method.band
    z_low, z_high = z_score(method.low_percentile), z_score(method.high_percentile)
    return z_low, z_high, round((method.high_percentile - method.low_percentile) / 100, 4)


def outputs_of_shares(catalog: Catalog) -> Callable[..., Outputs]:
    """A function of a profile's shares (see profile_shares) to its Outputs, with the
    catalog's constants bound once: batch calls it for every row."""
    z_low, z_high, band_share = band_constants(catalog)
    sources_memo: dict[int, tuple[str, ...]] = catalog.memo.table("sources of bits")
    exp = math.exp

    def outputs(
        band: Share, work: Share, place: Share, employer: Share, credentials: Share
    ) -> Outputs:
        median, sigma = median_and_sigma(band, work, place, employer, credentials)
        bits = band.bits | work.bits | place.bits | employer.bits | credentials.bits
        return (
            round(median * exp(sigma * z_low)),
            round(median),
            round(median * exp(sigma * z_high)),
            band_share,
            sources_memo.get(bits) or sources_of(catalog, bits),
            said_by(band, work, place, employer, credentials),
        )

    return outputs


# A row's outputs, or the error that makes it no estimate.
Result = Outputs | MlsalError


def refuse_shown_in(columns: Iterable[str]) -> None:
    """A currency column would be validated and then not applied: batch rows are figures in
    US dollars. Refused, not half-read."""
    for column in columns:
        if INPUT_NAMES.get(str(column).strip().casefold()) == "currency":
            raise UsageError(
                f"the column '{column}' is not read: batch figures are in US dollars, "
                "whatever a row asks; leave the column out (a single estimate converts)"
            )


def check_profile_columns(header: list[str]) -> None:
    refuse_shown_in(header)
    if not any(c.strip().casefold() in INPUT_NAMES for c in header):
        known = ", ".join(
            sorted({k for k, f in INPUT_NAMES.items() if "-" not in k and f != "currency"})
        )
        raise UsageError(f"the input has no profile column; name columns after: {known}")


def check_header(header: list[str]) -> None:
    """One column per name: 'City' and 'city', or 'skill' and 'skills', name the same input,
    and the last would silently win."""
    duplicated = sorted({n for n in header if header.count(n) > 1})
    if duplicated:
        raise UsageError(f"the header names a column twice: {', '.join(duplicated)}")
    by_input: dict[str, list[str]] = {}
    for name in header:
        field = INPUT_NAMES.get(name.casefold())
        if field is not None:
            by_input.setdefault(field, []).append(name)
    for field, names in by_input.items():
        if len(names) > 1:
            spelled = " and ".join(f"'{n}'" for n in names)
            raise UsageError(f"the header names the input {field} twice: {spelled}; keep one")
