"""Rich tables for `mlsal sources`."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from mlsal.amounts import dollars


def sources_table(data: list[dict[str, Any]]) -> Table:
    table = Table(title="Sources", title_justify="left")
    for column in ("Id", "Title", "Kind", "Year", "Facts"):
        table.add_column(column, justify="right" if column == "Facts" else "left")
    for entry in data:
        table.add_row(
            entry["id"],
            entry["title"],
            entry["kind"],
            str(entry.get("year") or "not stated"),
            str(entry["fact_count"]),
        )
    return table


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


def source_facts_table(entry: dict[str, Any]) -> Table:
    year = entry.get("year") or "year not stated"
    table = Table(
        title=f"{entry['id']}: {entry['title']} ({year})",
        caption=entry.get("citation"),
        title_justify="left",
    )
    table.add_column("Fact", no_wrap=True)
    table.add_column("About")
    table.add_column("Figure", justify="right")
    table.add_column("Quote")
    for fact in entry["facts"]:
        about = fact["dimension"]
        value = fact.get("value") or ", ".join(fact.get("values", []))
        if value:
            about += f" {value}"
        table.add_row(fact["id"], about, figure_text(fact), f"“{fact['quote']}”")
    return table


def dimensions_table(data: list[dict[str, Any]]) -> Table:
    table = Table(
        title="Dimensions (mlsal factors DIMENSION lists the values)", title_justify="left"
    )
    table.add_column("Dimension")
    table.add_column("What it does")
    table.add_column("Values", justify="right")
    table.add_column("With a figure", justify="right")
    for entry in data:
        table.add_row(
            entry["dimension"],
            entry["description"],
            str(entry["values"]),
            str(entry["with_figure"]),
        )
    return table


def factor_values_table(dimension: str, data: list[dict[str, Any]]) -> RenderableType:
    table = Table(title=f"{dimension.replace('_', ' ').capitalize()} values", title_justify="left")
    table.add_column("Key", max_width=28)
    table.add_column("Label", max_width=28)
    if dimension == "level":
        table.add_column("Median", justify="right", no_wrap=True)
        table.add_column("Years", no_wrap=True)
        table.add_column("Sources")
    else:
        table.add_column("Multiplier", justify="right", no_wrap=True)
        table.add_column("Sources say")
        table.add_column("Records", justify="right")
    table.add_column("Aliases")
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
        table.add_row(entry["key"], entry["label"], *figures, ", ".join(entry["aliases"]))
    if not flagged:
        return table
    return Group(
        table,
        Text(
            "⚑ the source flags this figure: "
            + next(flag for entry in data for flag in entry.get("flags", []))
        ),
    )
