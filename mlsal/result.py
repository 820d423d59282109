"""What an estimate is made of: plain data the engine fills and the renderers read.

Annotations are plain objects, not strings: @dataclass reads those faster on every start.
"""

from dataclasses import dataclass, field
from typing import Literal

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
    """What one input (a city, a company…) does to the band, and the sources behind it."""

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
    # How much the value's own pay varies (log-scale sigma of its records): a known employer's
    # band holds it in place of the market's spread.
    spread: float | None = None

    @property
    def applied(self) -> bool:
        return self.status == "applied"


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


BASIS_TEXT = {  # no record mlsal holds measures equity: every title says it is not in
    "base": "base salary, no bonus or equity",
    "gross": "gross pay, bonus not separated, no equity",
    "total": "total pay",
    "unspecified": "pay, basis not stated",
}


@dataclass(init=False, eq=False, repr=False)
class SourceInfo(Record):
    """A source an estimate used, as the result cites it."""

    id: str
    title: str
    kind: str
    document: str | None
    citation: str


@dataclass(init=False, eq=False, repr=False)
class Estimate(Record):
    """An estimate's figures, and everything that made them."""

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
    def own_spread(self) -> Factor | None:
        """The applied employer factor whose own spread the band holds in place of the
        baseline's σ_within (engine.median_and_sigma; base salary only), if any."""
        if self.basis != "base":
            return None
        return next(
            (f for f in self.applied_factors if f.dimension == "company" and f.spread), None
        )

    @property
    def sigma_within(self) -> float:
        """The spread of pay within the profile: a known employer's own, else the baseline's."""
        employer = self.own_spread
        return self.band.sigma_within if employer is None else employer.spread or 0.0

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
