"""Rich tables for `mlsal sources`."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from mlsal.amounts import dollars
from mlsal.render.fit import Col, FitTable


def sources_table(data: list[dict[str, Any]]) -> FitTable:
    columns = [
        Col("Id"),
        Col("Title", whole=False),
        Col("Kind"),
        Col("Year"),
        Col("Facts", justify="right"),
    ]
    rows = [
        [
            entry["id"],
            entry["title"],
            entry["kind"],
            str(entry.get("year") or "not stated"),
            str(entry["fact_count"]),
        ]
        for entry in data
    ]
    return FitTable(columns, rows, title="Sources")


def figure_text(fact: dict[str, Any]) -> str:
    kind = str(fact["figure"])
    if "amount" in fact:
        return f"{kind} {dollars(fact['amount'])}"
    if "p50" in fact:
        return (
            f"P10 {dollars(fact['p10'])} · P50 {dollars(fact['p50'])} · P90 {dollars(fact['p90'])}"
        )
    if kind == "years_range":
        low, high = fact.get("years_low", 0), fact.get("years_high")
        return f"{low} to {high} years" if high is not None else f"{low}+ years"
    if "low" in fact:
        return f"{kind} {dollars(fact['low'])} to {dollars(fact['high'])}"
    return kind


def source_facts_table(entry: dict[str, Any]) -> RenderableType:
    year = entry.get("year") or "year not stated"
    columns = [
        Col("Fact"),
        Col("About", whole=False, drop=2),
        Col("Figure", justify="right", whole=False),
        Col("Quote", whole=False, drop=1),
    ]
    rows = []
    for fact in entry["facts"]:
        about = fact["dimension"]
        value = fact.get("value") or ", ".join(fact.get("values", []))
        if value:
            about += f" {value}"
        rows.append([fact["id"], about, figure_text(fact), f"“{fact['quote']}”"])
    title = f"{entry['id']}: {entry['title']} ({year})"
    return Group(FitTable(columns, rows, title=title), Text(entry.get("citation") or ""))


def dimensions_table(data: list[dict[str, Any]]) -> FitTable:
    columns = [
        Col("Dimension"),
        Col("What it does", whole=False),
        Col("Values", justify="right"),
        Col("With a figure", justify="right"),
    ]
    rows = [
        [e["dimension"], e["description"], str(e["values"]), str(e["with_figure"])] for e in data
    ]
    return FitTable(columns, rows, title="Dimensions (mlsal factors DIMENSION lists the values)")


def factor_values_table(dimension: str, data: list[dict[str, Any]]) -> RenderableType:
    if dimension == "level":
        figures_columns = [
            Col("Median", justify="right"),
            Col("Years"),
            Col("Sources", whole=False, drop=2),
        ]
    else:
        figures_columns = [
            Col("Multiplier", justify="right"),
            Col("Sources say", whole=False, drop=2),
            Col("Records", justify="right"),
        ]
    columns = [
        Col("Key"),
        Col("Label", whole=False),
        *figures_columns,
        Col("Aliases", whole=False, drop=3),
    ]
    rows = []
    flagged = False
    for entry in data:
        if dimension == "level":
            low, high = entry["years_from"], entry["years_below"]
            if low is None:
                years = "asked by name only"
            else:
                years = f"{low:g} to {high:g}" if high is not None else f"{low:g}+"
            figures = [dollars(entry["median"]), years, ", ".join(entry["sources"])]
        else:
            if entry["status"] == "reference":
                multiplier = "×1 (reference)"
            elif entry["multiplier"] is None:
                multiplier = "no figure"
            else:
                multiplier = f"×{entry['multiplier']:.3f}" + (" ⚑" if entry["flags"] else "")
            flagged = flagged or bool(entry["flags"])
            says = ", ".join(f"{s} ×{v:.3f}" for s, v in entry["source_values"].items())
            figures = [multiplier, says, f"{entry['records']:,}" if entry["records"] else ""]
        rows.append([entry["key"], entry["label"], *figures, ", ".join(entry["aliases"])])
    table = FitTable(columns, rows, title=f"{dimension.replace('_', ' ').capitalize()} values")
    if not flagged:
        return table
    return Group(
        table,
        Text(
            "⚑ the source flags this figure: "
            + next(flag for entry in data for flag in entry.get("flags", []))
        ),
    )
