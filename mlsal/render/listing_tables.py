"""Rich tables for `mlsal sources`."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from mlsal.render.table import dollars


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
