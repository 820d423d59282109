"""The shapes of the data files, as plain dataclasses.

Types, required and unknown fields are validated by pydantic when the TOML files are loaded
(mlsal.validation; unknown fields are refused, so a typo cannot hide a value); the rules on
values that types cannot say are each class's `problems()`. Importing this module does not
import pydantic, so a run that reads the checked cache starts fast; its annotations
are plain objects, not strings, because @dataclass reads those faster on every start.
"""

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from mlsal.dimensions import DIMENSIONS
from mlsal.record import Record

# The dimensions of facts: the ones profile inputs name (the registry, mlsal.dimensions) and
# the ones only the data speak of. Built from the registry so that a new input's facts load
# without an edit here; type checkers see a plain str, pydantic the Literal.
DATA_DIMENSIONS = (
    "reference",  # a figure other figures are measured against, never an estimate by itself
    "overall",
    "level_years",
    "experience",
    "gender",
    "growth",
    "occupation",  # an official occupation used as a labelled proxy (BLS OEWS)
    "price_index",  # consumer prices by year, to bring figures to one year (CPI-U)
    "price_parity",  # price level of a metro area, US = 100, for purchasing power (BEA RPP)
    "currency",  # units of a currency per US dollar, to show amounts in that currency
    "employer_places",  # an employer's own place mix: its records' worksite states (base model)
)
DIMENSION_NAMES = (*DATA_DIMENSIONS, *DIMENSIONS)
if TYPE_CHECKING:
    Dimension = str
else:
    Dimension = Literal[DIMENSION_NAMES]

FigureKind = Literal[
    "average",  # one figure called an average (or 'pays around')
    "median",  # one figure called a median
    "average_range",  # a range of averages: only its middle says anything about typical pay
    "pay_range",  # the range salaries vary over, read as stated percentiles of pay
    "percentiles",  # percentiles computed from records, with their count
    "percentile",  # one percentile of a published distribution (`percentile` says which)
    "index",  # an index value (`index`), not dollars
    "exchange_rate",  # units of a currency per US dollar (`rate`)
    "maximum",  # the most anyone is said to earn
    "increase",  # growth of pay after some years
    "years_range",  # the years of experience a level is said to span
    "statement",  # words without a figure: shown as a note, never turned into a number
]

# Figures that say where typical pay lies, and so can form a band or a factor.
CENTRAL_FIGURES = frozenset({"average", "median", "average_range", "pay_range", "percentiles"})
NO_VALUE_DIMENSIONS = frozenset({"reference", "overall", "experience", "growth", "price_index"})
STRICT = {"extra": "forbid"}  # pydantic config of every class: unknown fields are refused

Problems = list[tuple[str, str]]  # (field, message)
PAY = (1_000, 100_000_000)  # dollars a year: any pay figure lies between (else it is a typo)


def _within(problems: Problems, bounds: tuple[float, float], **numbers: float | None) -> None:
    """Bounds on the numbers the engine computes with: a figure outside them is a typo, and
    one near 0 or infinity would break its logarithms."""
    for name, number in numbers.items():
        if number is None:
            continue
        try:
            finite = math.isfinite(number)
        except OverflowError:  # an int of hundreds of digits: no float holds it
            problems.append((name, f"must be from {_shown(bounds[0])} to {_shown(bounds[1])}"))
            continue
        if not finite:
            problems.append((name, f"must be a finite number, got {number}"))
        elif not bounds[0] <= number <= bounds[1]:
            low, high = (_shown(b) for b in bounds)
            problems.append((name, f"must be from {low} to {high}, got {_shown(number)}"))


def _shown(number: float) -> str:
    """1000000 -> '1,000,000'; 0.001 -> '0.001'."""
    return f"{number:,.0f}" if number == int(number) else f"{number:g}"


def _between(problems: Problems, name: str, number: int | None, low: int, high: int) -> None:
    if number is not None and not low <= number <= high:
        problems.append((name, f"must be from {low} to {high}, got {number}"))


def _text(problems: Problems, **texts: str | None) -> None:
    for name, text in texts.items():
        if text is not None and not text.strip():
            problems.append((name, "must not be empty"))


def _name(problems: Problems, name: str, text: str) -> None:
    if (
        not text
        or not (text[0].isascii() and text[0].isalnum())
        or not all(ch.isascii() and (ch.isalnum() or ch in "._-") for ch in text)
    ):
        problems.append((name, f"must be letters, digits, '.', '_' or '-', got '{text}'"))


@dataclass(init=False, eq=False, repr=False)
class Source(Record):
    """A source of figures (an article, a data set, official statistics) and how to cite it."""

    __pydantic_config__ = STRICT
    id: str
    kind: Literal["article", "dataset", "statistics", "user"]
    title: str
    citation: str
    document: str | None = None
    year: int | None = None
    url: str | None = None
    licence: str | None = None
    caveat: str | None = None  # shown with every result that uses the source

    def problems(self) -> Problems:
        found: Problems = []
        _name(found, "id", self.id)
        _text(found, title=self.title, citation=self.citation)
        _between(found, "year", self.year, 1990, 2100)
        return found


@dataclass(init=False, eq=False, repr=False)
class Fact(Record):
    """One figure of a source, with the verbatim quote it is read from."""

    __pydantic_config__ = STRICT
    id: str
    source: str
    dimension: Dimension
    figure: FigureKind
    quote: str
    value: str | None = None
    values: list[str] = field(default_factory=list)  # statements: the values they speak of
    amount: int | None = None
    low: int | None = None
    high: int | None = None
    p10: int | None = None
    p25: int | None = None
    p50: int | None = None
    p75: int | None = None
    p90: int | None = None
    n: int | None = None
    percentile: int | None = None
    index: float | None = None
    rate: float | None = None  # exchange rates: units of the currency per US dollar
    years_low: int | None = None
    years_high: int | None = None
    # base salary; total pay (base, bonus, equity); gross pay as reported, bonus and equity
    # not separated; or not said
    basis: Literal["base", "total", "gross", "unspecified"] = "unspecified"
    year: int | None = None
    reference: str | None = None
    context: str | None = None
    filter: dict[str, str] | None = None  # records: the selection a derived figure covers
    derivation: str | None = None  # how a derived figure was computed from its source
    flag: str | None = None  # a warning shown whenever the figure is used
    note: str | None = None
    level: str | None = None  # a company's figure for one level only (else for all levels)
    # The reference is pay for the same work in the same places (worksite states), so a
    # place's factor still applies on top of this figure.
    place_adjusted: bool | None = None
    # Part of one pay's own model (method.toml [pay]): 'base', the salary model fitted on the
    # records, whose place and employer figures count only in base estimates.
    pay: Literal["base", "gross"] | None = None

    def problems(self) -> Problems:
        found: Problems = []
        _name(found, "id", self.id)
        _text(found, quote=self.quote)
        _within(
            found,
            PAY,
            amount=self.amount,
            low=self.low,
            high=self.high,
            p10=self.p10,
            p25=self.p25,
            p50=self.p50,
            p75=self.p75,
            p90=self.p90,
        )
        _within(found, (1, 1e9), n=self.n)
        _within(found, (1e-3, 1e6), index=self.index)
        _within(found, (1e-6, 1e9), rate=self.rate)
        _between(found, "percentile", self.percentile, 1, 99)
        _between(found, "years_low", self.years_low, 0, 60)
        _between(found, "years_high", self.years_high, 0, 60)
        _between(found, "year", self.year, 1990, 2100)
        kind = self.figure
        needs = {
            "average": ("amount",),
            "median": ("amount",),
            "maximum": ("amount",),
            "increase": ("amount",),
            "percentile": ("amount", "percentile"),
            "index": ("index",),
            "exchange_rate": ("rate",),
            "average_range": ("low", "high"),
            "pay_range": ("low", "high"),
            "percentiles": ("p10", "p25", "p50", "p75", "p90", "n"),
        }
        for name in needs.get(kind, ()):
            if getattr(self, name) is None:
                found.append((name, f"a figure of kind '{kind}' needs '{name}'"))
        if self.low is not None and self.high is not None and self.low >= self.high:
            found.append(("low", f"must be below 'high' ({self.high}), got {self.low}"))
        points = [p for p in (self.p10, self.p25, self.p50, self.p75, self.p90) if p is not None]
        if points != sorted(points):
            found.append(("p10", "percentiles must not decrease from p10 to p90"))
        if kind == "years_range" and self.years_low is None and self.years_high is None:
            found.append(("years_low", "a figure of kind 'years_range' needs years"))
        if (
            self.years_low is not None
            and self.years_high is not None
            and self.years_low > self.years_high
        ):
            found.append(("years_low", f"must not be above 'years_high' ({self.years_high})"))
        if kind == "statement":
            if not self.values:
                found.append(("values", "a statement needs the values it speaks of"))
        elif self.dimension not in NO_VALUE_DIMENSIONS and self.value is None:
            found.append(("value", f"a figure about '{self.dimension}' needs 'value'"))
        return found


@dataclass(init=False, eq=False, repr=False)
class DimensionValue(Record):
    """One value of a dimension (a city, a company, a level…) and the names it answers to."""

    __pydantic_config__ = STRICT
    key: str
    label: str
    aliases: list[str] = field(default_factory=list)
    country: str | None = None  # cities: the country they are in
    filed_as: list[str] = field(default_factory=list)  # companies: names as filed in records
    metro: int | None = None  # cities: BEA GeoFips code of the metro area, for price parities
    area: str | None = None  # cities: BLS OEWS metro area code (the CBSA code)
    states: list[str] = field(default_factory=list)  # cities: the states the metro area spans
    occupation: str | None = None  # roles: closest official occupation (SOC code)
    records: int | None = None  # companies: their LCA records, where too few for a figure
    levels: dict[str, str] | None = None  # companies: their rungs' names -> the level named

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the value answers to: key, label, aliases and names as filed."""
        return (self.key, self.label, *self.aliases, *self.filed_as)

    def problems(self) -> Problems:
        found: Problems = []
        _name(found, "key", self.key)
        _text(found, label=self.label)
        return found


@dataclass(init=False, eq=False, repr=False)
class Percentiles(Record):
    """The percentiles a range spans (method.toml)."""

    __pydantic_config__ = STRICT
    low_percentile: int
    high_percentile: int
    why: str


@dataclass(init=False, eq=False, repr=False)
class Weights(Record):
    """How much each kind of source weighs when sources are combined (method.toml)."""

    __pydantic_config__ = STRICT
    article: float
    statistics: float
    records_per_article: float
    why: str
    as_article: list[str] = field(default_factory=list)  # sources that weigh as an article
    # The records a cell of a user's own source (a --data-dir) counts at most.
    user_records: int = 500


@dataclass(init=False, eq=False, repr=False)
class FactorSettings(Record):
    """How far a factor resting on thin evidence is pulled toward no effect (method.toml)."""

    __pydantic_config__ = STRICT
    prior_weight: float
    why: str
    not_pulled: list[str] = field(default_factory=list)  # dimensions without the prior
    # Dimensions whose factor needs a figure from records: articles alone give none.
    records_needed: list[str] = field(default_factory=list)

    def prior_for(self, dimension: str) -> float:
        return 0.0 if dimension in self.not_pulled else self.prior_weight


@dataclass(init=False, eq=False, repr=False)
class PaySettings(Record):
    """Which figures count in which pay (method.toml [pay])."""

    __pydantic_config__ = STRICT
    default: Literal["base", "gross"]
    own_model: list[str]  # dimensions whose base figures come from the base model alone
    shared_with_gross: list[str]  # of those, the ones whose base-model figures gross uses too
    undated_article_weight: float  # an undated article's weight beside enough records
    records_outweigh: int  # how many records a cell holds before that weight applies
    why: str


@dataclass(init=False, eq=False, repr=False)
class YearsToLevel(Record):
    """The source whose years of experience name a level (method.toml)."""

    __pydantic_config__ = STRICT
    source: str
    why: str
    # Years keep counting past the last level the source's ranges reach: from this many years
    # (a fact of another source, quoted) the next level up applies.
    beyond_fact: str | None = None
    beyond_level: str | None = None


@dataclass(init=False, eq=False, repr=False)
class OfferSettings(Record):
    """The percentiles that mark an offer low or strong (method.toml)."""

    __pydantic_config__ = STRICT
    below_percentile: int
    strong_percentile: int
    why: str


@dataclass(init=False, eq=False, repr=False)
class ConfidenceSettings(Record):
    """How many records make an estimate's confidence high or medium (method.toml)."""

    __pydantic_config__ = STRICT
    high_records: int
    medium_records: int
    why: str


@dataclass(init=False, eq=False, repr=False)
class Reference(Record):
    """The role and country every source's figures are for (method.toml)."""

    __pydantic_config__ = STRICT
    role: str  # the role every source's figures are for
    country: str  # the country they are for
    why: str


@dataclass(init=False, eq=False, repr=False)
class Limits(Record):
    """Bounds on a profile and on the records a figure may rest on (method.toml)."""

    __pydantic_config__ = STRICT
    max_years: int  # the most years of experience a profile may give
    min_records: int  # the fewest records a cell computed from records may rest on
    min_employer_records: int  # the fewest of an employer's own records that give a figure
    why: str


@dataclass(init=False, eq=False, repr=False)
class Method(Record):
    """The settings of method.toml, each with why it is so."""

    __pydantic_config__ = STRICT
    band: Percentiles
    pay_range: Percentiles
    weights: Weights
    factors: FactorSettings
    years_to_level: YearsToLevel
    offer: OfferSettings
    confidence: ConfidenceSettings
    reference: Reference
    limits: Limits
    pay: PaySettings

    def problems(self) -> Problems:
        found: Problems = []
        for name in ("band", "pay_range"):
            span: Percentiles = getattr(self, name)
            _between(found, f"{name}.low_percentile", span.low_percentile, 1, 49)
            _between(found, f"{name}.high_percentile", span.high_percentile, 51, 99)
        _between(found, "offer.below_percentile", self.offer.below_percentile, 1, 49)
        _between(found, "offer.strong_percentile", self.offer.strong_percentile, 51, 99)
        _within(
            found,
            (1e-6, 1e6),
            **{
                "weights.article": self.weights.article,
                "weights.statistics": self.weights.statistics,
                "weights.records_per_article": self.weights.records_per_article,
                "confidence.high_records": self.confidence.high_records,
                "confidence.medium_records": self.confidence.medium_records,
            },
        )
        _within(found, (0, 1e6), **{"factors.prior_weight": self.factors.prior_weight})
        _between(found, "limits.max_years", self.limits.max_years, 1, 100)
        _between(found, "limits.min_records", self.limits.min_records, 1, 1000)
        _between(found, "limits.min_employer_records", self.limits.min_employer_records, 1, 1000)
        return found


@dataclass(init=False, eq=False, repr=False)
class Excluded(Record):
    """A figure of a source left out of the data on purpose, and why."""

    __pydantic_config__ = STRICT
    source: str
    quote: str
    why: str

    def problems(self) -> Problems:
        found: Problems = []
        _text(found, quote=self.quote, why=self.why)
        return found
