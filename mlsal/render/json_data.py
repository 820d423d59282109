"""The JSON shapes of every result: the contract of `--format json` and of the Python API.

Plain dicts and lists of str, int, float, bool and None, built from the engine's results.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from mlsal.profile import RESOLUTION_NOTES

if TYPE_CHECKING:  # only the estimate's modules are imported by a run that prints one
    from mlsal.compare import Comparison, Row
    from mlsal.explain import Step
    from mlsal.offer import OfferAssessment
    from mlsal.profile import Profile
    from mlsal.result import (
        Conversion,
        Estimate,
        Factor,
        OccupationReference,
        PurchasingPower,
        SourceInfo,
        SourceView,
    )
    from mlsal.trajectory import Trajectory

PROXY_NOTE = "closest official occupation: a proxy, not ML engineers' pay"


def profile_data(profile: Profile) -> dict[str, Any]:
    data = asdict(profile)
    for name in RESOLUTION_NOTES:  # said in the warnings; not inputs
        del data[name]
    data["skills"] = list(profile.skills)
    data["certifications"] = list(profile.certifications)
    return data


def estimate_data(estimate: Estimate) -> dict[str, Any]:
    """`mlsal estimate --format json`, and what `mlsal.estimate()` returns."""
    return {
        "low": estimate.in_currency(estimate.low),
        "median": estimate.in_currency(estimate.median),
        "high": estimate.in_currency(estimate.high),
        "band": estimate.band_share,
        "percentiles": {"low": estimate.low_percentile, "high": estimate.high_percentile},
        "basis": estimate.basis,
        "basis_share": round(estimate.basis_share, 3),
        "basis_by_source": dict(estimate.basis_by_source),
        "currency": estimate.currency,
        "exchange_rate": _exchange_rate(estimate),
        "period": "year",
        "as_of": estimate.as_of,
        "inputs": profile_data(estimate.profile),
        "baseline": _baseline(estimate),
        "factors": [factor_data(f) for f in estimate.factors],
        "sigma": round(estimate.sigma, 4),
        "sigma_within": round(estimate.sigma_within, 4),
        "sources": [_source(s) for s in estimate.sources],
        "references": [_reference(r) for r in estimate.references],
        "real": _purchasing_power(estimate.purchasing_power),
        "warnings": list(estimate.warnings),
        "notes": list(estimate.notes),
        "caveats": list(estimate.caveats),
        "flags": list(estimate.flags),
    }


def _exchange_rate(estimate: Estimate) -> dict[str, Any] | None:
    if estimate.conversion is None:
        return None
    usd = {"low": estimate.low, "median": estimate.median, "high": estimate.high}
    return {**conversion_data(estimate.conversion), "usd": usd}


def _baseline(estimate: Estimate) -> dict[str, Any]:
    band = estimate.band
    return {
        "label": band.label,
        "level": band.level,
        "median": round(band.ordered_median),
        "combined_median": round(band.median),
        "sigma_within": round(band.sigma_within, 4),
        "sigma_between": round(band.sigma_between, 4),
        "sources": [_view(v, dollars=True) for v in band.views],
        "notes": list(band.notes),
    }


def _source(source: SourceInfo) -> dict[str, Any]:
    return {
        "id": source.id,
        "title": source.title,
        "kind": source.kind,
        "document": source.document,
        "citation": source.citation,
    }


def _reference(reference: OccupationReference) -> dict[str, Any]:
    return {
        "soc": reference.soc,
        "occupation": reference.occupation,
        "source": reference.source,
        "period": reference.period,
        "aging": round(reference.aging, 4),
        "figures": reference.figures,
        "facts": list(reference.facts),
        "note": PROXY_NOTE,
    }


def _purchasing_power(power: PurchasingPower | None) -> dict[str, Any] | None:
    if power is None:
        return None
    return {
        "city": power.city,
        "metro": power.metro,
        "price_parity": power.price_parity,
        "source": power.source,
        "fact": power.fact,
        "low": power.low,
        "median": power.median,
        "high": power.high,
    }


def factor_data(factor: Factor) -> dict[str, Any]:
    return {
        "dimension": factor.dimension,
        "value": factor.value,
        "label": factor.label,
        "status": factor.status,
        "multiplier": None if factor.multiplier is None else round(factor.multiplier, 4),
        "raw_multiplier": (
            None if factor.raw_multiplier is None else round(factor.raw_multiplier, 4)
        ),
        "sigma_between": round(factor.sigma_between, 4),
        "spread": None if factor.spread is None else round(factor.spread, 4),
        "sources": sorted({v.source for v in factor.views}),
        "evidence": [_view(v, dollars=False) for v in factor.views],
        "reason": factor.reason,
        "place_adjusted": factor.place_adjusted,
    }


def conversion_data(conversion: Conversion) -> dict[str, Any]:
    return {
        "currency": conversion.currency,
        "rate": conversion.rate,
        "year": conversion.year,
        "source": conversion.source,
        "fact": conversion.fact,
        "quote": conversion.quote,
        "records": conversion.records,
    }


def _view(view: SourceView, dollars: bool) -> dict[str, Any]:
    return {
        "source": view.source,
        "value": round(view.value) if dollars else round(view.value, 4),
        "weight": round(view.weight, 3),
        "spread": None if view.spread is None else round(view.spread, 4),
        "records": view.records,
        "figures": [
            {"fact": f.fact, "quote": f.quote, "detail": f.detail, "selection": f.selection}
            for f in view.figures
        ],
    }


def comparison_data(comparison: Comparison) -> dict[str, Any]:
    return {
        "dimension": comparison.dimension,
        "rows": [_row(row, comparison.dimension) for row in comparison.rows],
        "warnings": comparison.warnings,
    }


def _row(row: Row, dimension: str) -> dict[str, Any]:
    data = estimate_data(row.estimate)
    if not row.has_figure:
        data.update(low=None, median=None, high=None)
    change = row.median_change
    return {
        "label": row.label,
        "value": row.value,
        "status": row.status,
        "reason": row.reason,
        "median_change": None if change is None else row.estimate.in_currency(change),
        "median_change_percent": row.median_change_percent,
        "source_values": [
            {"source": source, "value": round(value, 4)}
            for source, value in row.source_values(dimension)
        ],
        **data,
    }


def offer_data(assessment: OfferAssessment) -> dict[str, Any]:
    """The verdict, with the estimate it is judged against; `also`: the same offer's base and
    bonus judged against gross pay, where base salary was judged and a bonus given."""
    estimate = assessment.estimate
    also = assessment.also
    return {
        "offer": assessment.offer_shown,
        "currency": estimate.currency,
        "percentile": round(assessment.percentile, 1),
        "verdict": assessment.verdict,
        "gap": assessment.gap_shown,
        "gap_percent": round(assessment.gap_percent, 1),
        "confidence": assessment.confidence,
        "confidence_reasons": assessment.confidence_reasons,
        "counted": assessment.counted,
        "left_out": list(assessment.left_out),
        "estimate": estimate_data(estimate),
        "also": None if also is None else offer_data(also),
    }


def trajectory_data(curve: Trajectory) -> dict[str, Any]:
    first = curve.points[0].estimate
    return {
        "as_of": first.as_of,
        "band": first.band_share,
        "basis": first.basis,
        "currency": first.currency,
        "exchange_rate": None if first.conversion is None else conversion_data(first.conversion),
        "points": trajectory_points(curve),
        "level_boundaries": [
            {"level": level, "from_years": years} for level, years in curve.boundaries()
        ],
        "sources": sorted({s.id for p in curve.points for s in p.estimate.sources}),
        "warnings": curve.warnings,
    }


def trajectory_points(curve: Trajectory) -> list[dict[str, Any]]:
    return [
        {
            "years": p.years,
            "level": p.level,
            "low": p.estimate.in_currency(p.estimate.low),
            "median": p.estimate.in_currency(p.estimate.median),
            "high": p.estimate.in_currency(p.estimate.high),
        }
        for p in curve.points
    ]


def explanation_data(estimate: Estimate, steps: list[Step]) -> dict[str, Any]:
    return {**estimate_data(estimate), "steps": [asdict(step) for step in steps]}
