"""The estimate of a resolved profile: its shares combined into a band, with the sources,
references and purchasing power around it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from mlsal.aging import aging_factor, figure_year, price_index
from mlsal.catalog import Catalog
from mlsal.dimensions import LIST_FIELDS, NAMED_FIELDS
from mlsal.distribution import quantile
from mlsal.engine.shares import median_and_sigma, profile_shares, said_by, sources_of
from mlsal.profile import Profile, profile_defaults
from mlsal.result import (
    Band,
    Estimate,
    Factor,
    OccupationReference,
    PurchasingPower,
    SourceInfo,
)
from mlsal.schema import Fact


def statements_for(catalog: Catalog, dimension: str, value: str) -> list[Fact]:
    return [f for f in catalog.facts_for(dimension, value) if f.figure == "statement"]


def estimate(catalog: Catalog, profile: Profile, real: bool = False) -> Estimate:
    """The estimate for a resolved profile (see mlsal.profile.resolve_profile); `real` asks
    for what the pay buys at US-average prices too, and warns when no price parity applies."""
    core = _Core(catalog, profile)
    resolved = profile if core.level == profile.level else replace(profile, level=core.level)
    method = catalog.method.band
    low = quantile(core.median, core.sigma, method.low_percentile)
    high = quantile(core.median, core.sigma, method.high_percentile)
    basis, basis_share, by_source = band_basis(catalog, core.band)
    power = purchasing_power(catalog, profile.city, low, core.median, high)
    warnings = list(core.warnings)
    if real and power is None:
        warnings.append(_no_price_parity(catalog, profile.city))
    caveats = [
        f"{s}: {catalog.sources[s].caveat}" for s in core.sources if catalog.sources[s].caveat
    ]
    role = resolved.role or profile_defaults(catalog)["role"]
    return Estimate(
        profile=resolved,
        low=round(low),
        median=round(core.median),
        high=round(high),
        band_share=round((method.high_percentile - method.low_percentile) / 100, 4),
        low_percentile=method.low_percentile,
        high_percentile=method.high_percentile,
        sigma=core.sigma,
        basis=basis,
        basis_share=basis_share,
        basis_by_source=by_source,
        band=core.band,
        factors=core.factors,
        sources=[_source_info(catalog, s) for s in core.sources],
        warnings=warnings,
        notes=_statements(catalog, core.factors),
        flags=core.flags,
        caveats=caveats + _undated(catalog, core.band, core.as_of),
        labels=profile_labels(catalog, resolved),
        as_of=core.as_of,
        references=occupation_references(catalog, role, core.as_of),
        purchasing_power=power,
        conversion=core.conversion,
    )


def _statements(catalog: Catalog, factors: list[Factor]) -> list[str]:
    """What the sources say of the profile's values without a figure."""
    return [
        f'{statement.source}: "{statement.quote}"'
        for factor in factors
        for statement in statements_for(catalog, factor.dimension, factor.value)
    ]


class _Core:
    """What estimate() needs of a profile's shares: the level, the band, the factors, the
    median and spread, the sources cited and what is said."""

    __slots__ = (
        "level",
        "as_of",
        "band",
        "factors",
        "flags",
        "warnings",
        "median",
        "sigma",
        "conversion",
        "sources",
    )

    def __init__(self, catalog: Catalog, profile: Profile) -> None:
        shares = profile_shares(catalog, profile)
        band = shares[0]
        assert band.band is not None
        self.level, self.band, self.conversion = band.level, band.band, band.conversion
        self.as_of = profile.as_of or profile_defaults(catalog)["as_of"]
        slotted = sorted((f for s in shares for f in s.factors), key=lambda pair: pair[0])
        self.factors = [factor for _, factor in slotted]
        self.flags = [flag for s in shares[1:] for flag in s.flagged]  # the band's are notes
        self.warnings = said_by(*shares)
        self.median, self.sigma = median_and_sigma(*shares)
        bits = 0
        for share_ in shares:
            bits |= share_.bits
        self.sources = list(sources_of(catalog, bits))


def band_basis(catalog: Catalog, band: Band) -> tuple[str, float, dict[str, str]]:
    """What the baseline measures (base salary, gross pay…): the basis carrying the largest
    share of its weight, that share, and each source's own basis."""
    return catalog.memo.remember(
        "basis", (band.level, band.label), lambda: _band_basis(catalog, band)
    )


def _band_basis(catalog: Catalog, band: Band) -> tuple[str, float, dict[str, str]]:
    weight_of: dict[str, float] = defaultdict(float)
    by_source: dict[str, str] = {}
    for view in band.views:
        bases: set[str] = {catalog.facts_by_id[f.fact].basis for f in view.figures}
        basis = bases.pop() if len(bases) == 1 else "unspecified"
        by_source[view.source] = basis
        weight_of[basis] += view.weight
    pay = catalog.pay_read  # what the figure is; basis_share: how much of it says so
    return pay, weight_of[pay] / sum(weight_of.values()), by_source


def occupation_references(catalog: Catalog, role: str, as_of: int) -> list[OccupationReference]:
    """The official wages of the role's closest occupation, in as_of dollars."""
    return catalog.memo.remember(
        "references", (role, as_of), lambda: _occupation_references(catalog, role, as_of)
    )


def _occupation_references(catalog: Catalog, role: str, as_of: int) -> list[OccupationReference]:
    soc = catalog.value("role", role).occupation
    facts = [f for f in catalog.facts_for("occupation", soc)] if soc else []
    if not facts:
        return []
    statistic_of = {"median": "median", "average": "mean"}
    figures: dict[str, int] = {}
    year = figure_year(catalog, facts[0])
    factor = aging_factor(catalog, year, as_of)
    for fact in facts:
        name = f"p{fact.percentile}" if fact.figure == "percentile" else statistic_of[fact.figure]
        figures[name] = round((fact.amount or 0) * factor)
    order = ["p10", "p25", "median", "mean", "p75", "p90"]
    return [
        OccupationReference(
            soc=soc or "",
            occupation=facts[0].context or soc or "",
            source=facts[0].source,
            period=str(year),
            figures={k: figures[k] for k in order if k in figures},
            aging=factor,
            facts=tuple(f.id for f in facts),
        )
    ]


def purchasing_power(
    catalog: Catalog, city: str | None, low: float, median: float, high: float
) -> PurchasingPower | None:
    """Pay divided by the metro's price parity (US = 100): what it buys at US-average prices."""
    if city is None:
        return None
    metro = catalog.value("city", city).metro
    facts = catalog.facts_for("price_parity", str(metro)) if metro is not None else []
    if not facts or facts[0].index is None:
        return None
    fact = facts[0]
    parity = fact.index or 100.0
    return PurchasingPower(
        city=catalog.label("city", city),
        metro=fact.context or str(metro),
        price_parity=parity,
        source=fact.source,
        fact=fact.id,
        low=round(low / (parity / 100)),
        median=round(median / (parity / 100)),
        high=round(high / (parity / 100)),
    )


def _no_price_parity(catalog: Catalog, city: str | None) -> str:
    if city is None:
        return "real pay needs a US city: without one, the figures are at US-average prices already"
    return (
        f"no price parity for {catalog.label('city', city)}: BEA's price parities cover US "
        "metro areas only"
    )


def profile_labels(catalog: Catalog, profile: Profile) -> dict[str, str]:
    """How each given input reads to a person: 'San Francisco', not 'san-francisco'."""
    labels: dict[str, str] = {}
    for name, dimension in NAMED_FIELDS.items():
        key = getattr(profile, name)
        if key is not None:
            labels[name] = catalog.label(dimension, key)
    for name, dimension in LIST_FIELDS.items():
        keys = getattr(profile, name)
        if keys:
            labels[name] = ", ".join(catalog.label(dimension, key) for key in keys)
    return labels


def _undated(catalog: Catalog, band: Band, as_of: int) -> list[str]:
    """Figures the price index cannot bring to as_of dollars, and so used as stated."""
    years = {
        view.source: figure_year(catalog, catalog.facts_by_id[figure.fact])
        for view in band.views
        for figure in view.figures
    }
    undated = sorted(source for source, year in years.items() if year is None)
    index = price_index(catalog)
    outside = sorted(
        f"{source} ({year})"
        for source, year in years.items()
        if year is not None and year not in index
    )
    said = []
    if undated:
        said.append(
            f"{', '.join(undated)} "
            + ("state no year for their" if len(undated) > 1 else "states no year for its")
            + f" figures: they are used as stated, not brought to {as_of} dollars"
        )
    if outside:
        said.append(
            f"{', '.join(outside)}: no price index for that year ({min(index)} to "
            f"{max(index)}): used as stated, not brought to {as_of} dollars"
        )
    return said


def _source_info(catalog: Catalog, source_id: str) -> SourceInfo:
    def make() -> SourceInfo:
        source = catalog.sources[source_id]
        return SourceInfo(source.id, source.title, source.kind, source.document, source.citation)

    return catalog.memo.remember("source info", source_id, make)
