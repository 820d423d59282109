"""CSV output: a header row, then one row per result; lists are joined with ';'."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from mlsal.dimensions import JOB_FIELDS
from mlsal.render.cells import safe_cell
from mlsal.render.json_data import profile_data, trajectory_points

if TYPE_CHECKING:
    from mlsal.compare import Comparison
    from mlsal.explain import Step
    from mlsal.offer import OfferAssessment
    from mlsal.result import Estimate
    from mlsal.trajectory import Trajectory

PROFILE_COLUMNS = JOB_FIELDS


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else _cell(cell) for cell in row])
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        return safe_cell(";".join(str(v) for v in value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return safe_cell(str(value)) if isinstance(value, str) else str(value)


ESTIMATE_COLUMNS = (
    "low",
    "median",
    "high",
    "currency",
    "band",
    "basis",
    *PROFILE_COLUMNS,
    "factors",
    "sources",
    "warnings",
    "caveats",
)


def estimate_row(estimate: Estimate) -> list[Any]:
    profile = profile_data(estimate.profile)
    factors = [
        f"{f.dimension}={f.value}:{f.multiplier:.4f}"
        for f in estimate.applied_factors
        if f.multiplier is not None
    ]
    return [
        estimate.in_currency(estimate.low),
        estimate.in_currency(estimate.median),
        estimate.in_currency(estimate.high),
        estimate.currency,
        estimate.band_share,
        estimate.basis,
        *(profile[column] for column in PROFILE_COLUMNS),
        factors,
        [s.id for s in estimate.sources],
        " | ".join(estimate.warnings),
        " | ".join(estimate.caveats),
    ]


def estimates_csv(estimates: Sequence[Estimate], labels: Sequence[str] | None = None) -> str:
    if labels is None:
        return to_csv(ESTIMATE_COLUMNS, (estimate_row(e) for e in estimates))
    return to_csv(
        ("label", *ESTIMATE_COLUMNS),
        ([label, *estimate_row(e)] for label, e in zip(labels, estimates, strict=True)),
    )


def comparison_csv(comparison: Comparison) -> str:
    header = (
        "dimension",
        "label",
        "value",
        "status",
        "median_change",
        "median_change_percent",
        *ESTIMATE_COLUMNS,
    )
    rows = []
    for row in comparison.rows:
        cells = estimate_row(row.estimate)
        if not row.has_figure:
            cells[0:3] = [None, None, None]
        rows.append(
            [
                comparison.dimension,
                row.label,
                row.value,
                row.status,
                row.median_change,
                row.median_change_percent,
                *cells,
            ]
        )
    return to_csv(header, rows)


STEP_COLUMNS = ("step", "kind", "title", "value", "calculation")
FIGURE_COLUMNS = ("source", "fact", "detail", "quote", "selection")


def steps_csv(steps: Sequence[Step]) -> str:
    """One row per figure used (or per step without figures), with the step's outcome."""
    rows: list[list[Any]] = []
    for number, step in enumerate(steps, start=1):
        outcome: list[Any] = [number, step.kind, step.title, step.value, " | ".join(step.lines)]
        if not step.figures:
            rows.append(outcome + [None] * len(FIGURE_COLUMNS))
        for figure in step.figures:
            rows.append(outcome + [getattr(figure, column) for column in FIGURE_COLUMNS])
    return to_csv((*STEP_COLUMNS, *FIGURE_COLUMNS), rows)


def offer_csv(assessment: OfferAssessment) -> str:
    header = (
        "offer",
        "percentile",
        "verdict",
        "gap",
        "gap_percent",
        "confidence",
        *ESTIMATE_COLUMNS,
    )
    row = [
        assessment.offer_shown,
        round(assessment.percentile, 1),
        assessment.verdict,
        assessment.gap_shown,
        round(assessment.gap_percent, 1),
        assessment.confidence,
        *estimate_row(assessment.estimate),
    ]
    return to_csv(header, [row])


TRAJECTORY_COLUMNS = ("years", "level", "low", "median", "high")


def trajectory_csv(curve: Trajectory) -> str:
    points = trajectory_points(curve)
    return to_csv(TRAJECTORY_COLUMNS, ([p[c] for c in TRAJECTORY_COLUMNS] for p in points))


# `mlsal sources` and `mlsal factors`

FACT_COLUMNS = (
    "source",
    "id",
    "dimension",
    "value",
    "figure",
    "amount",
    "low",
    "high",
    "p10",
    "p25",
    "p50",
    "p75",
    "p90",
    "n",
    "years_low",
    "years_high",
    "basis",
    "year",
    "reference",
    "quote",
    "context",
    "note",
)
SOURCE_COLUMNS = ("id", "kind", "title", "year", "document", "facts", "citation")


FACTOR_COLUMNS = (
    "key",
    "label",
    "status",
    "multiplier",
    "raw_multiplier",
    "sources",
    "records",
    "flags",
    "aliases",
)
LEVEL_COLUMNS = (
    "key",
    "label",
    "status",
    "median",
    "combined_median",
    "pooled",
    "years_from",
    "years_below",
    "sources",
    "aliases",
)
DIMENSION_COLUMNS = ("dimension", "description", "values", "with_figure")


def table_rows(
    columns: tuple[str, ...], data: list[dict[str, Any]]
) -> tuple[tuple[str, ...], list[list[Any]]]:
    return columns, [[entry.get(column) for column in columns] for entry in data]


def sources_rows(data: list[dict[str, Any]]) -> tuple[tuple[str, ...], list[list[Any]]]:
    # The CSV's "facts" column is the count; the entry's "facts" is the list itself.
    return table_rows(SOURCE_COLUMNS, [{**entry, "facts": entry["fact_count"]} for entry in data])


def facts_rows(facts: list[dict[str, Any]]) -> tuple[tuple[str, ...], list[list[Any]]]:
    rows = []
    for fact in facts:
        row = [fact.get(column) for column in FACT_COLUMNS]
        if fact.get("values"):
            row[FACT_COLUMNS.index("value")] = fact["values"]
        rows.append(row)
    return FACT_COLUMNS, rows
