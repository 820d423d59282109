"""What every derivation script shares: paths, TOML output, and the write-or-check entry point."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ROOT / "data" / "documents"
FACTS = ROOT / "data" / "facts"


def limits() -> dict[str, Any]:
    """The method's bounds on evidence (data/method.toml, [limits]): the derived files must
    apply what the product says it applies."""
    import tomllib

    with (ROOT / "data" / "method.toml").open("rb") as handle:
        return dict(tomllib.load(handle)["limits"])


def to_toml(facts: list[dict[str, Any]], script: str, inputs: str) -> str:
    lines = [
        f"# Derived by {script} from {inputs}; do not edit by hand:",
        f"# run `python {script}` instead. tests/data/test_derive.py re-derives and compares.",
        "",
    ]
    for fact in facts:
        lines.append("[[facts]]")
        for key, value in fact.items():
            if isinstance(value, dict):
                inner = ", ".join(f"{toml_key(k)} = {json.dumps(v)}" for k, v in value.items())
                lines.append(f"{key} = {{ {inner} }}")
            else:
                lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
        lines.append("")
    return "\n".join(lines)


def toml_key(key: str) -> str:
    """A key as TOML takes it: bare where it may be, else quoted ('worksite states')."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def write_or_check(output: Path, render: Callable[[], str]) -> int:
    """Write the derived file, or with --check exit 1 if the file on disk differs."""
    text = render()
    if "--check" in sys.argv[1:]:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            print(f"{output} is out of date: run the script that derives it", file=sys.stderr)
            return 1
        return 0
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output}")
    return 0
