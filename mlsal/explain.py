"""The calculation behind an estimate, as steps a reader can redo by hand."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from mlsal.amounts import dollars
from mlsal.distribution import z_score
from mlsal.names import possessive
from mlsal.result import Estimate, Factor, SourceView
from mlsal.schema import FactorSettings


@dataclass
class Figure:
    source: str
    fact: str
    quote: str
    detail: str
    selection: str | None = None  # for a figure computed from records: which records


@dataclass
class Step:
    kind: str  # "baseline", "factor" or "result"
    title: str
    value: str  # the step's outcome: dollars or a multiplier
    lines: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


def _figures(views: tuple[SourceView, ...]) -> list[Figure]:
    return [
        Figure(view.source, figure.fact, figure.quote, figure.detail, figure.selection)
        for view in views
        for figure in view.figures
    ]


def _weights(views: tuple[SourceView, ...]) -> str:
    return ", ".join(f"{v.source} {v.weight:g}" for v in views)


def baseline_step(estimate: Estimate) -> Step:
    band = estimate.band
    lines = []
    for view in band.views:
        if len(view.figures) == 1:
            said = view.figures[0].detail
        else:
            centres = ", ".join(dollars(f.value) for f in view.figures)
            said = f"geometric mean of {centres} = {dollars(view.value)}"
        lines.append(f"{view.source} (weight {view.weight:g}): {said}")
    if len(band.views) > 1:
        lines.append(
            f"weighted geometric mean of the sources (weights {_weights(band.views)}) "
            f"= {dollars(band.median)}"
        )
    lines.append(
        f"spread: the sources' ranges imply σ_within = {band.sigma_within:.4f}; "
        f"the sources disagree by σ_between = {band.sigma_between:.4f}"
    )
    lines.extend(band.notes)
    return Step("baseline", band.label, dollars(band.ordered_median), lines, _figures(band.views))


def factor_step(factor: Factor, settings: FactorSettings) -> Step:
    title = f"{factor.dimension.replace('_', ' ')}: {factor.label}"
    if factor.status == "no figure":
        return Step("factor", title, "no figure", [f"{factor.reason}; no factor applied"])
    if factor.status == "reference":
        return Step("factor", title, "×1", [f"{factor.reason}: the reference, ×1"])
    lines = [f"{view.source}: {figure.detail}" for view in factor.views for figure in view.figures]
    if factor.raw_multiplier is not None and factor.multiplier is not None:
        total = sum(v.weight for v in factor.views)
        log_raw = math.log(factor.raw_multiplier)
        if len(factor.views) > 1:
            per_source = ", ".join(f"{v.source} ×{v.value:.4f}" for v in factor.views)
            lines.append(
                f"sources: {per_source}; weighted geometric mean (weights "
                f"{_weights(factor.views)}) = ×{factor.raw_multiplier:.4f}"
            )
        prior_weight = settings.prior_for(factor.dimension)
        if prior_weight:
            lines.append(
                f"pulled toward ×1 by a prior of weight {prior_weight:g} (the less evidence, "
                f"the more): exp({log_raw:.4f} × {total:g} / ({total:g} + {prior_weight:g})) "
                f"= ×{factor.multiplier:.4f}"
            )
        else:
            lines.append(
                f"not pulled toward ×1 (no 'no effect' prior for a "
                f"{factor.dimension.replace('_', ' ')}): ×{factor.multiplier:.4f}"
            )
        if factor.sigma_between > 0:
            lines.append(f"the sources disagree by σ_between = {factor.sigma_between:.4f}")
    if factor.status in ("skipped", "not stacked"):
        lines.append(f"not applied: {factor.reason}")
        value = "not applied"
    else:
        value = f"×{factor.multiplier:.4f}"
    return Step("factor", title, value, lines, _figures(factor.views))


def result_step(estimate: Estimate) -> Step:
    band = estimate.band
    applied = [f for f in estimate.applied_factors if f.multiplier is not None]
    chain = " × ".join([dollars(band.ordered_median), *(f"{f.multiplier:.4f}" for f in applied)])
    terms = [f"{estimate.sigma_within:.4f}²", f"{band.sigma_between:.4f}²"]
    terms += [f"{f.sigma_between:.4f}²" for f in applied if f.sigma_between > 0]
    low_z = z_score(estimate.low_percentile)
    high_z = z_score(estimate.high_percentile)
    employer = estimate.own_spread
    lines = [f"median = {chain} = {dollars(estimate.median)}"]
    if employer is not None:
        lines.append(
            f"σ_within = {estimate.sigma_within:.4f}, the spread of {possessive(employer.label)} "
            f"own records (P10 to P90), in place of the baseline's {band.sigma_within:.4f}"
        )
    lines += [
        f"σ = √({' + '.join(terms)}) = {estimate.sigma:.4f}",
        f"low (P{estimate.low_percentile}) = {dollars(estimate.median)} × "
        f"exp({low_z:.4f} × {estimate.sigma:.4f}) = {dollars(estimate.low)}",
        f"high (P{estimate.high_percentile}) = {dollars(estimate.median)} × "
        f"exp({high_z:.4f} × {estimate.sigma:.4f}) = {dollars(estimate.high)}",
    ]
    value = f"{dollars(estimate.low)} / {dollars(estimate.median)} / {dollars(estimate.high)}"
    return Step("result", "low / median / high", value, lines)


def explain(estimate: Estimate, settings: FactorSettings) -> list[Step]:
    return [
        baseline_step(estimate),
        *(factor_step(f, settings) for f in estimate.factors),
        result_step(estimate),
    ]
