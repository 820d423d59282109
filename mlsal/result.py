"""What an estimate is made of: plain data the engine fills and the renderers read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from mlsal.profile import Profile
from mlsal.record import Record

FactorStatus = Literal["applied", "reference", "no figure", "skipped", "not stacked"]


@dataclass(init=False, eq=False, repr=False)
class FigureUsed(Record):
    """One figure of one source, as the engine read it."""

    fact: str
    quote: str
    detail: str  # how it was read, e.g. "$80,000 to $127,000, read as P10-P90; middle $100,797"
    value: float  # dollars for a band, a ratio for a factor
    selection: str | None = None  # for a figure computed from records: which records


@dataclass(init=False, eq=False, repr=False)
class SourceView(Record):
    """One source's combined figure for one cell (a band or a factor)."""

    source: str
    value: float  # dollars (band) or multiplier (factor)
    weight: float
    spread: float | None  # log-scale sigma the source's ranges imply, if any
    figures: tuple[FigureUsed, ...]
    records: int = 0  # individual records behind the view (0 for an article's sentence)


@dataclass(init=False, eq=False, repr=False)
class Band(Record):
    """The starting distribution: pay of the level (or of all levels) before factors."""

    label: str
    level: str | None
    median: float  # the weighted combination of the sources
    ordered_median: float  # after putting levels in order (equal to median unless pooled)
    sigma_within: float  # spread of pay the sources' ranges imply
    sigma_between: float  # how far the sources disagree
    views: tuple[SourceView, ...]
    notes: tuple[str, ...] = ()


@dataclass(init=False, eq=False, repr=False)
class Factor(Record):
    dimension: str
    value: str
    label: str
    status: FactorStatus
    multiplier: float | None  # None when there is no figure
    sigma_between: float
    views: tuple[SourceView, ...]
    reason: str | None = None
    raw_multiplier: float | None = None  # before thin evidence is pulled toward 1
    # Measured against the same work in the same places: a place's factor still applies.
    place_adjusted: bool = False

    @property
    def applied(self) -> bool:
        return self.status == "applied"

    def to_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "value": self.value,
            "label": self.label,
            "status": self.status,
            "multiplier": None if self.multiplier is None else round(self.multiplier, 4),
            "raw_multiplier": (
                None if self.raw_multiplier is None else round(self.raw_multiplier, 4)
            ),
            "sigma_between": round(self.sigma_between, 4),
            "sources": sorted({v.source for v in self.views}),
            "evidence": [_view_dict(v, dollars=False) for v in self.views],
            "reason": self.reason,
            "place_adjusted": self.place_adjusted,
        }


@dataclass(init=False, eq=False, repr=False)
class OccupationReference(Record):
    """Official wages of the closest occupation: a labelled proxy, never the estimate itself."""

    soc: str
    occupation: str
    source: str
    period: str
    figures: dict[str, int]  # statistic (p10, p25, median, mean, p75, p90) -> as_of dollars
    aging: float  # the CPI factor applied to the published figures
    facts: tuple[str, ...]


@dataclass(init=False, eq=False, repr=False)
class PurchasingPower(Record):
    """What the band buys at US-average prices in the city's metro area."""

    city: str
    metro: str
    price_parity: float  # US = 100
    source: str
    fact: str
    low: int
    median: int
    high: int


@dataclass(init=False, eq=False, repr=False)
class Conversion(Record):
    """Amounts shown in another currency, at the rate a source states for a year."""

    currency: str
    rate: float  # units of the currency per US dollar
    year: int
    source: str
    fact: str
    quote: str
    records: int  # how many records state this rate

    def to_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "rate": self.rate,
            "year": self.year,
            "source": self.source,
            "fact": self.fact,
            "quote": self.quote,
            "records": self.records,
        }


BASIS_TEXT = {
    "base": "base salary",
    "gross": "gross pay, bonus not separated",
    "total": "total pay",
    "unspecified": "pay, basis not stated",
}


@dataclass(init=False, eq=False, repr=False)
class SourceInfo(Record):
    id: str
    title: str
    kind: str
    document: str | None
    citation: str


@dataclass(init=False, eq=False, repr=False)
class Estimate(Record):
    profile: Profile
    low: int
    median: int
    high: int
    band_share: float
    low_percentile: int
    high_percentile: int
    sigma: float
    basis: str  # what the baseline's evidence measures, by the largest share of its weight
    band: Band
    factors: list[Factor]
    sources: list[SourceInfo]
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)  # what the cited sources' figures are not
    flags: list[str] = field(default_factory=list)  # warnings a source attached to figures used
    labels: dict[str, str] = field(default_factory=dict)  # profile field -> what users read
    as_of: int = 0  # the year whose dollars every figure is given in
    references: list[OccupationReference] = field(default_factory=list)
    purchasing_power: PurchasingPower | None = None
    basis_share: float = 1.0  # the share of the baseline's weight that measures `basis`
    basis_by_source: dict[str, str] = field(default_factory=dict)
    conversion: Conversion | None = None  # amounts shown in another currency

    @property
    def applied_factors(self) -> list[Factor]:
        return [f for f in self.factors if f.applied]

    @property
    def basis_text(self) -> str:
        text = BASIS_TEXT.get(self.basis, self.basis)
        if self.basis_share < 1:
            text += f", {self.basis_share:.0%} of the evidence"
        return text

    @property
    def currency(self) -> str:
        return "USD" if self.conversion is None else self.conversion.currency

    def in_currency(self, amount: float) -> int:
        """A US-dollar amount in the currency asked for (dollars if none was)."""
        return round(amount if self.conversion is None else amount * self.conversion.rate)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of `mlsal estimate --format json` and of the Python API."""
        return {
            "low": self.in_currency(self.low),
            "median": self.in_currency(self.median),
            "high": self.in_currency(self.high),
            "band": self.band_share,
            "percentiles": {"low": self.low_percentile, "high": self.high_percentile},
            "basis": self.basis,
            "basis_share": round(self.basis_share, 3),
            "basis_by_source": dict(self.basis_by_source),
            "currency": self.currency,
            "exchange_rate": None
            if self.conversion is None
            else {
                **self.conversion.to_dict(),
                "usd": {"low": self.low, "median": self.median, "high": self.high},
            },
            "period": "year",
            "as_of": self.as_of,
            "inputs": self.profile.to_dict(),
            "baseline": {
                "label": self.band.label,
                "level": self.band.level,
                "median": round(self.band.ordered_median),
                "combined_median": round(self.band.median),
                "sigma_within": round(self.band.sigma_within, 4),
                "sigma_between": round(self.band.sigma_between, 4),
                "sources": [_view_dict(v, dollars=True) for v in self.band.views],
                "notes": list(self.band.notes),
            },
            "factors": [f.to_dict() for f in self.factors],
            "sigma": round(self.sigma, 4),
            "sources": [
                {
                    "id": s.id,
                    "title": s.title,
                    "kind": s.kind,
                    "document": s.document,
                    "citation": s.citation,
                }
                for s in self.sources
            ],
            "references": [
                {
                    "soc": r.soc,
                    "occupation": r.occupation,
                    "source": r.source,
                    "period": r.period,
                    "aging": round(r.aging, 4),
                    "figures": r.figures,
                    "facts": list(r.facts),
                    "note": "closest official occupation: a proxy, not ML engineers' pay",
                }
                for r in self.references
            ],
            "real": None
            if self.purchasing_power is None
            else {
                "city": self.purchasing_power.city,
                "metro": self.purchasing_power.metro,
                "price_parity": self.purchasing_power.price_parity,
                "source": self.purchasing_power.source,
                "fact": self.purchasing_power.fact,
                "low": self.purchasing_power.low,
                "median": self.purchasing_power.median,
                "high": self.purchasing_power.high,
            },
            "warnings": list(self.warnings),
            "notes": list(self.notes),
            "caveats": list(self.caveats),
            "flags": list(self.flags),
        }


def _view_dict(view: SourceView, dollars: bool) -> dict[str, Any]:
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
