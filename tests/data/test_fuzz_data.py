"""Data directories are shared between people: mutate a real one in every way and load it.

Each example takes examples/team-data, changes one of its TOML files (a value replaced by one
of another type or size, a key added or removed, the text cut short or given stray bytes),
loads it beside the shipped data and, where it loads, estimates with it. It must either load
or be refused with DataError (one line per problem), and an estimate must either work or be a
UsageError: never another exception. The shipped data are trimmed to their small files so
that each example takes milliseconds.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlsal.engine import estimate
from mlsal.errors import DataError, UsageError
from mlsal.loader import load_directories
from mlsal.profile import Profile, resolve_profile
from mlsal.render.json_data import estimate_data

from conftest import REPO

EXAMPLES = int(os.environ.get("MLSAL_FUZZ_DATA_EXAMPLES", "150"))
TEAM = REPO / "examples" / "team-data"
LARGE = ("aijobs", "lca", "oews", "oflc", "rpp", "h1b")


@pytest.fixture(scope="module")
def small_shipped() -> Path:
    """The shipped data without the large derived files (each example validates it anew)."""
    root = Path(tempfile.mkdtemp(prefix="mlsal-small-")) / "data"
    shutil.copytree(REPO / "data", root)
    for name in LARGE:
        (root / "facts" / f"{name}.toml").unlink()
    for name in ("places.toml", "employers.toml"):
        (root / name).unlink()
    return root


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string: the same escapes
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def to_toml(data: dict[str, Any]) -> str:
    lines = []
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for entry in value:
                lines.append(f"[[{key}]]")
                lines += [f"{json.dumps(k)} = {toml_value(v)}" for k, v in entry.items()]
                lines.append("")
        else:
            lines.append(f"{json.dumps(key)} = {toml_value(value)}")
    return "\n".join(lines) + "\n"


scalars = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=30),
    st.sampled_from(
        [
            "../../../../etc/passwd",
            "/etc/passwd",
            "/dev/zero",
            "s004",
            "h1b-2025",
            "price_index",
            "currency",
            "\x1b[2J",
            "x" * 5000,
            "senior",
            "san-francisco",
            "percentiles",
            "statement",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def mutated_directory(draw: st.DrawFn) -> dict[str, bytes]:
    files = {
        str(path.relative_to(TEAM)): path.read_bytes() for path in sorted(TEAM.rglob("*.toml"))
    }
    name = draw(st.sampled_from(sorted(files)))
    how = draw(
        st.sampled_from(
            ["value", "remove", "add", "cut", "bytes", "nest", "huge", "dotted", "kind"]
        )
    )
    data = tomllib.loads(files[name].decode("utf-8"))
    key = next(iter(data))
    entries = data[key]
    if how in ("value", "remove", "add", "huge") and isinstance(entries, list) and entries:
        entry = entries[draw(st.integers(0, len(entries) - 1))]
        field = draw(st.sampled_from(sorted(entry)))
        if how == "value":
            entry[field] = draw(values)
        elif how == "huge":  # a number no float holds
            entry[field] = draw(st.sampled_from([10**400, -(10**400), 10**19]))
        elif how == "remove":
            del entry[field]
        else:
            entry[draw(st.text(min_size=1, max_size=10))] = draw(values)
        files[name] = to_toml(data).encode("utf-8")
    elif how == "cut":
        files[name] = files[name][: draw(st.integers(0, len(files[name])))]
    elif how == "bytes":
        at = draw(st.integers(0, len(files[name])))
        junk = draw(st.binary(min_size=1, max_size=8))
        files[name] = files[name][:at] + junk + files[name][at:]
    elif how == "dotted":  # a key of many parts: as many nested tables
        parts = draw(st.integers(2, 1500))
        files[name] += ("\n" + ".".join(f"k{i}" for i in range(parts)) + " = 1\n").encode()
    elif how == "kind":  # the file is no file: a link out of the directory, a pipe
        files[name] = draw(st.sampled_from([LINK_OUT, LINK_STDIN, PIPE]))
    else:
        depth = draw(st.integers(1, 3000))
        files[name] += f"\ndeep = {'[' * depth}{']' * depth}\n".encode()
    return files


# Stand-ins for a file that is no regular file inside the directory (see write_file).
LINK_OUT, LINK_STDIN, PIPE = b"\0link-out", b"\0link-stdin", b"\0pipe"


def write_file(path: Path, content: bytes, outside: Path) -> None:
    """The file as the example has it: its bytes, or a link or a named pipe in its place."""
    path.unlink()
    if content == LINK_OUT:
        outside.write_text('secret = "hunter2"\n', encoding="utf-8")
        path.symlink_to(outside)
    elif content == LINK_STDIN:
        path.symlink_to("/dev/stdin")
    elif content == PIPE:
        os.mkfifo(path)
    else:
        path.write_bytes(content)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(mutated_directory())
def test_a_mutated_data_directory_loads_or_is_refused(
    small_shipped: Path, files: dict[str, bytes]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "team"
        shutil.copytree(TEAM, root)
        for name, content in files.items():
            write_file(root / name, content, Path(folder) / "secret.toml")
        try:
            catalog = load_directories([small_shipped, root])
        except DataError as error:
            assert error.problems  # refused, saying why
            assert not any("hunter2" in problem for problem in error.problems)
            return
        for inputs in ({"level": "senior"}, {"years": 3, "company": "google", "city": "Seattle"}):
            try:
                result = estimate(catalog, resolve_profile(Profile(**inputs), catalog))  # type: ignore[arg-type]
            except UsageError:
                continue
            assert result.low <= result.median <= result.high
            json.dumps(estimate_data(result))
