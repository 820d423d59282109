"""Every command driven with generated argument lists: never a traceback, exit 0, 1 or 2,
errors as clear lines on stderr with nothing on stdout, and JSON that always parses."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Run

EXAMPLES = int(os.environ.get("MLSAL_FUZZ_EXAMPLES", "2500"))

COMMANDS = [
    ["estimate"],
    ["explain"],
    ["compare"],
    ["offer"],
    ["trajectory"],
    ["batch"],
    ["factors"],
    ["sources"],
    ["data", "validate"],
    ["data"],
    [],
    ["no-such-command"],
]
PROFILE_OPTIONS = [
    "--years",
    "-y",
    "--level",
    "-l",
    "--city",
    "--state",
    "--country",
    "--industry",
    "--education",
    "--company",
    "--company-size",
    "--role",
    "--skill",
    "--cert",
    "--as-of",
    "--currency",
]
OTHER_OPTIONS = ["--format", "-f", "--by", "--sort", "--to", "--output", "-o", "--bogus", "--"]
FLAGS = ["--real", "--strict", "--help", "--version"]
GOOD_VALUES = [
    "WA",
    "GBP",
    "£85k",
    "Kirkland, WA",
    "Springfield",
    "3",
    "0",
    "60",
    "12.5",
    "SF",
    "san francisco",
    "SAN FRANCISCO",
    "Bengalūru",
    "são paulo",
    "google",
    "facebook",
    "jp morgan",
    "senior",
    "staff",
    "finance",
    "phd",
    "startup",
    "nlp",
    "aws,gcp",
    "US",
    "UK",
    "2023",
    "2025",
    "json",
    "csv",
    "table",
    "jsonl",
    "median",
    "city",
    "company",
    "185k",
    "$185,000",
    "s004",
    "aijobs",
    "-",
]
BAD_VALUES = [
    "",
    " ",
    "-1",
    "61",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "99999999999999999999",
    "San Fransisco",
    "Atlantiss",
    "xml",
    "😀",
    "\u0000",
    "\t",
    "ø" * 50,
    "'; DROP TABLE",
    "--city",
    "0x10",
]
values = st.one_of(
    st.sampled_from(GOOD_VALUES),
    st.sampled_from(BAD_VALUES),
    st.text(max_size=20),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
option_pairs = st.tuples(st.sampled_from(PROFILE_OPTIONS + OTHER_OPTIONS), values).map(list)
flags = st.sampled_from(FLAGS).map(lambda flag: [flag])
arguments = st.tuples(
    st.sampled_from(COMMANDS),
    st.lists(values, max_size=3),
    st.lists(st.one_of(option_pairs, option_pairs, flags), max_size=6),
).map(lambda parts: [*parts[0], *parts[1], *(item for group in parts[2] for item in group)])


@contextlib.contextmanager
def scratch_directory() -> Iterator[None]:
    """Run where a stray --output can do no harm."""
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        try:
            yield
        finally:
            os.chdir(here)


@given(arguments)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_input_breaks_the_cli(run: Run, args: list[str]) -> None:
    with scratch_directory():
        result = run(*args, input="")
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args,
        result.exception,
    )
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.stderr)
    for line in result.stderr.splitlines():
        assert line.startswith(("error: ", "warning: ")), (args, result.stderr)
    if result.exit_code != 0:
        assert "error: " in result.stderr, (args, result.stderr)
        batch_with_bad_rows = args[:1] == ["batch"] and result.exit_code == 1
        if not batch_with_bad_rows:
            assert result.stdout == "", (args, result.stdout)
    formats = [args[i + 1] for i, a in enumerate(args[:-1]) if a in ("--format", "-f")]
    if result.exit_code == 0 and formats and formats[-1].lower() == "json" and "--help" not in args:
        json.loads(result.stdout)
