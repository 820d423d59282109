"""The shape of the package (docs/architecture.md): one registry of inputs, no import cycle,
no command-line text outside the CLI, and each layer importing only the layers below it."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

from mlsal.dimensions import BY_FIELD, DIMENSIONS, INPUTS, LIST_FIELDS, NAMED_FIELDS
from mlsal.profile import RESOLUTION_NOTES, Profile

from conftest import REPO

PACKAGE = REPO / "mlsal"
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+")


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The mlsal modules a module imports, at its top or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mlsal"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(
                    candidate
                    if (PACKAGE.parent / (candidate.replace(".", "/") + ".py")).exists()
                    else node.module
                )
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("mlsal"))
    return found


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: imports_of(path) & set(modules) - {name} for name, path in modules.items()}


def test_no_import_cycle() -> None:
    graph = import_graph()
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for imported in sorted(graph[module]):
            if imported == "mlsal":
                continue
            assert state.get(imported) != "open", " -> ".join([*path, module, imported])
            if imported not in state:
                visit(imported, [*path, module])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [])


def test_layers_import_only_what_is_below_them() -> None:
    """The data layer knows nothing of the engine; the engine nothing of output or the CLI."""
    graph = import_graph()
    data_layer = [
        "mlsal.catalog",
        "mlsal.loader",
        "mlsal.cache",
        "mlsal.schema",
        "mlsal.cache_format",
        "mlsal.stores",
        "mlsal.memo",
    ]

    def within(rooms: list[str]) -> list[str]:
        """The modules of these rooms: each module, or each module of each package."""
        return [m for m in graph if any(m == r or m.startswith(r + ".") for r in rooms)]

    for module in within(data_layer):
        assert not {
            m
            for m in graph[module]
            if m.startswith(("mlsal.engine", "mlsal.render", "mlsal.cli", "mlsal.api"))
        }, module
    core = [
        "mlsal.engine",
        "mlsal.compare",
        "mlsal.trajectory",
        "mlsal.offer",
        "mlsal.explain",
        "mlsal.profile",
        "mlsal.listing",
    ]
    for module in within(core):
        assert not {m for m in graph[module] if m.startswith(("mlsal.render", "mlsal.cli"))}, module
    for module, imported in graph.items():
        if module != "mlsal.__main__" and not module.startswith("mlsal.cli"):
            assert not {m for m in imported if m.startswith("mlsal.cli")}, (
                f"{module} imports the CLI"
            )


def test_every_module_is_a_room_of_one_job() -> None:
    """A module past 700 lines has grown a second job: it splits (as engine/ and batch/ did)."""
    long = {
        str(path.relative_to(REPO)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 700
    }
    assert long == {}


def test_batch_reads_and_writes_every_rows_format() -> None:
    """One list of a batch's formats (RowsFormat): each has its reader and its writer."""
    from mlsal.batch.run import READERS
    from mlsal.batch.writers import WRITERS
    from mlsal.render.formats import RowsFormat

    assert set(READERS) == set(WRITERS) == set(RowsFormat)


def test_no_command_line_flags_outside_the_cli() -> None:
    """Messages of the core reach API users too: they name inputs, not options."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name == "cli" or path.name == "dimensions.py":  # the CLI; the registry
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) not in docstrings and FLAG.search(node.value):
                    found.append(f"{path.name}:{node.lineno}: {node.value!r}")
                if id(node) not in docstrings and re.search(r"'mlsal [a-z]+", node.value):
                    found.append(f"{path.name}:{node.lineno}: {node.value!r}")
    assert found == []


def test_the_registry_names_every_profile_field_once() -> None:
    profile_fields = [f for f in Profile.__dataclass_fields__ if f not in RESOLUTION_NOTES]
    assert sorted(BY_FIELD) == sorted(profile_fields)
    assert len({i.option for i in INPUTS}) == len(INPUTS)
    assert set(NAMED_FIELDS) | set(LIST_FIELDS) == {i.field for i in INPUTS if i.dimension}


def test_the_registry_matches_the_lists_of_dimensions_toml() -> None:
    written = set(tomllib.loads((REPO / "data" / "dimensions.toml").read_text(encoding="utf-8")))
    hand = {i.plural for i in INPUTS if i.dimension and i.listed_in == "hand"}
    assert written == hand
    assert len(DIMENSIONS) == len(set(DIMENSIONS))


def test_cli_options_are_the_registry() -> None:
    from mlsal.cli import profile_options

    from conftest import Run  # noqa: F401  (the CLI is built from the registry below)

    assert [p.name for p in profile_options()] == [i.field for i in INPUTS]
