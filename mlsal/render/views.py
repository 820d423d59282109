"""Each command's result as a View: its JSON document, its CSV and its table, side by side.

Renderers are imported when a format asks for them, so that a JSON run never imports Rich.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlsal.render.formats import View

if TYPE_CHECKING:
    from mlsal.compare import Comparison
    from mlsal.explain import Step
    from mlsal.offer import OfferAssessment
    from mlsal.result import Estimate
    from mlsal.trajectory import Trajectory


class _Lazy:
    """A module imported on first use: a JSON run never imports the CSV writers, nor the
    modules of commands it does not run."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __getattr__(self, attribute: str) -> Any:
        import importlib

        return getattr(importlib.import_module(self.name), attribute)


csv_text: Any = _Lazy("mlsal.render.csv_text")
json_data: Any = _Lazy("mlsal.render.json_data")


def estimate_view(
    result: Estimate, real: bool = False, detail: bool = False, more: str = ""
) -> View:
    """`more`: a line under the short page that says where the rest is."""

    def table() -> Any:
        from mlsal.render.estimate_table import render_estimate, render_summary

        if detail:
            return render_estimate(result, real=real)
        return render_summary(result, real=real, more=more)

    return View(
        lambda: json_data.estimate_data(result),
        lambda: csv_text.estimates_csv([result]),
        table,
        result.warnings,
    )


def comparison_view(comparison: Comparison, real: bool = False) -> View:
    def table() -> Any:
        from mlsal.render.compare_table import render_comparison

        return render_comparison(comparison, real=real)

    return View(
        lambda: json_data.comparison_data(comparison),
        lambda: csv_text.comparison_csv(comparison),
        table,
        comparison.warnings,
    )


def explanation_view(result: Estimate, steps: list[Step]) -> View:
    def table() -> Any:
        from mlsal.render.explain_text import render_steps

        return render_steps(result, steps)

    return View(
        lambda: json_data.explanation_data(result, steps),
        lambda: csv_text.steps_csv(steps),
        table,
        result.warnings,
    )


def offer_view(assessment: OfferAssessment) -> View:
    def table() -> Any:
        from mlsal.render.offer_table import render_offer

        return render_offer(assessment)

    return View(
        lambda: json_data.offer_data(assessment),
        lambda: csv_text.offer_csv(assessment),
        table,
        assessment.estimate.warnings,
    )


def trajectory_view(curve: Trajectory) -> View:
    def table() -> Any:
        from mlsal.render.trajectory_chart import render_trajectory

        return render_trajectory(curve)

    return View(
        lambda: json_data.trajectory_data(curve),
        lambda: csv_text.trajectory_csv(curve),
        table,
        curve.warnings,
    )


def dimensions_view(data: list[dict[str, Any]]) -> View:
    def table() -> Any:
        from mlsal.render.listing_tables import dimensions_table

        return dimensions_table(data)

    columns = csv_text.DIMENSION_COLUMNS
    return View(lambda: data, lambda: csv_text.to_csv(*csv_text.table_rows(columns, data)), table)


def factor_values_view(dimension: str, data: list[dict[str, Any]]) -> View:
    def table() -> Any:
        from mlsal.render.listing_tables import factor_values_table

        return factor_values_table(dimension, data)

    columns = csv_text.LEVEL_COLUMNS if dimension == "level" else csv_text.FACTOR_COLUMNS
    return View(lambda: data, lambda: csv_text.to_csv(*csv_text.table_rows(columns, data)), table)


def sources_view(data: list[dict[str, Any]]) -> View:
    def table() -> Any:
        from mlsal.render.listing_tables import sources_table

        return sources_table(data)

    return View(lambda: data, lambda: csv_text.to_csv(*csv_text.sources_rows(data)), table)


def source_view(data: dict[str, Any]) -> View:
    def table() -> Any:
        from mlsal.render.listing_tables import source_facts_table

        return source_facts_table(data)

    return View(lambda: data, lambda: csv_text.to_csv(*csv_text.facts_rows(data["facts"])), table)


VALIDATION_COLUMNS = ("ok", "sources", "facts", "values", "directories")


def validation_view(report: dict[str, Any]) -> View:
    def text() -> str:
        return (
            f"ok: {report['sources']} sources, {report['facts']} facts and "
            f"{report['values']} values in {', '.join(report['directories'])}: no problem found"
        )

    def csv() -> str:
        row = [report.get(column) for column in VALIDATION_COLUMNS]
        return str(csv_text.to_csv(VALIDATION_COLUMNS, [row]))

    return View(lambda: report, csv, text)
