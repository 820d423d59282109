"""CSV output: a header row, then one row per result; lists are joined with ';'."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from mlsal.compare import Comparison
from mlsal.explain import Step
from mlsal.offer import OfferAssessment
from mlsal.render.cells import safe_cell
from mlsal.result import Estimate

PROFILE_COLUMNS = (
    "years",
    "level",
    "role",
    "city",
    "state",
    "country",
    "industry",
    "education",
    "company",
    "company_size",
    "skills",
    "certifications",
)


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
    profile = estimate.profile.to_dict()
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
    estimate = assessment.estimate
    row = [
        estimate.in_currency(assessment.offer),
        round(assessment.percentile, 1),
        assessment.verdict,
        estimate.in_currency(assessment.gap),
        round(assessment.gap_percent, 1),
        assessment.confidence,
        *estimate_row(assessment.estimate),
    ]
    return to_csv(header, [row])
