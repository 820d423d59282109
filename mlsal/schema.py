"""Pydantic models of the data files. Unknown fields are refused, so a typo cannot hide a value."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Dimension = Literal[
    "reference",  # a figure other figures are measured against, never an estimate by itself
    "overall",
    "level",
    "level_years",
    "experience",
    "role",
    "city",
    "country",
    "industry",
    "education",
    "company",
    "company_size",
    "certification",
    "skill",
    "gender",
    "growth",
    "occupation",  # an official occupation used as a labelled proxy (BLS OEWS)
    "price_index",  # consumer prices by year, to bring figures to one year (CPI-U)
    "price_parity",  # price level of a metro area, US = 100, for purchasing power (BEA RPP)
]

FigureKind = Literal[
    "average",  # one figure called an average (or 'pays around')
    "median",  # one figure called a median
    "average_range",  # a range of averages: only its middle says anything about typical pay
    "pay_range",  # the range salaries vary over, read as stated percentiles of pay
    "percentiles",  # percentiles computed from records, with their count
    "percentile",  # one percentile of a published distribution (`percentile` says which)
    "index",  # an index value (`index`), not dollars
    "maximum",  # the most anyone is said to earn
    "increase",  # growth of pay after some years
    "years_range",  # the years of experience a level is said to span
    "statement",  # words without a figure: shown as a note, never turned into a number
]

# Figures that say where typical pay lies, and so can form a band or a factor.
CENTRAL_FIGURES = frozenset({"average", "median", "average_range", "pay_range", "percentiles"})

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    id: str = Field(pattern=NAME_PATTERN)
    kind: Literal["article", "dataset", "statistics", "user"]
    title: str = Field(min_length=1)
    citation: str = Field(min_length=1)
    document: str | None = None
    year: int | None = Field(default=None, ge=1990, le=2100)
    url: str | None = None
    licence: str | None = None
    caveat: str | None = None  # shown with every result that uses the source


class Fact(Strict):
    id: str = Field(pattern=NAME_PATTERN)
    source: str
    dimension: Dimension
    figure: FigureKind
    quote: str = Field(min_length=1)
    value: str | None = None
    values: list[str] = Field(default_factory=list)
    amount: int | None = Field(default=None, gt=0)
    low: int | None = Field(default=None, gt=0)
    high: int | None = Field(default=None, gt=0)
    p10: int | None = Field(default=None, gt=0)
    p25: int | None = Field(default=None, gt=0)
    p50: int | None = Field(default=None, gt=0)
    p75: int | None = Field(default=None, gt=0)
    p90: int | None = Field(default=None, gt=0)
    n: int | None = Field(default=None, gt=0)
    percentile: int | None = Field(default=None, gt=0, lt=100)
    index: float | None = Field(default=None, gt=0)
    years_low: int | None = Field(default=None, ge=0, le=60)
    years_high: int | None = Field(default=None, ge=0, le=60)
    basis: Literal["base", "total", "unspecified"] = "unspecified"
    year: int | None = Field(default=None, ge=1990, le=2100)
    reference: str | None = None
    context: str | None = None
    filter: dict[str, str] | None = None  # records: the selection a derived figure is computed over
    derivation: str | None = None  # how a derived figure was computed from its source
    flag: str | None = None  # a warning shown whenever the figure is used
    note: str | None = None

    @model_validator(mode="after")
    def _figure_has_its_numbers(self) -> Fact:
        kind = self.figure
        if kind in ("average", "median", "maximum", "increase", "percentile") and (
            self.amount is None
        ):
            raise ValueError(f"a figure of kind '{kind}' needs 'amount'")
        if kind == "percentile" and self.percentile is None:
            raise ValueError("a figure of kind 'percentile' needs 'percentile'")
        if kind == "index" and self.index is None:
            raise ValueError("a figure of kind 'index' needs 'index'")
        if kind in ("average_range", "pay_range"):
            if self.low is None or self.high is None:
                raise ValueError(f"a figure of kind '{kind}' needs 'low' and 'high'")
            if self.low >= self.high:
                raise ValueError(f"'low' ({self.low}) must be below 'high' ({self.high})")
        if kind == "percentiles":
            given = [self.p10, self.p25, self.p50, self.p75, self.p90]
            points = [p for p in given if p is not None]
            if len(points) < len(given) or self.n is None:
                raise ValueError(
                    "a figure of kind 'percentiles' needs p10, p25, p50, p75, p90 and n"
                )
            if points != sorted(points):
                raise ValueError("percentiles must not decrease from p10 to p90")
        if kind == "years_range" and self.years_low is None and self.years_high is None:
            raise ValueError("a figure of kind 'years_range' needs 'years_low' or 'years_high'")
        if (
            self.years_low is not None
            and self.years_high is not None
            and self.years_low > self.years_high
        ):
            raise ValueError(f"'years_low' ({self.years_low}) is above 'years_high'")
        if kind == "statement":
            if not self.values:
                raise ValueError("a statement needs 'values': the values it speaks of")
        elif (
            self.dimension not in ("reference", "overall", "experience", "growth", "price_index")
            and self.value is None
        ):
            raise ValueError(f"a figure about '{self.dimension}' needs 'value'")
        return self


class DimensionValue(Strict):
    key: str = Field(pattern=NAME_PATTERN)
    label: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    country: str | None = None  # cities: the country they are in
    filed_as: list[str] = Field(default_factory=list)  # companies: names as filed in records
    metro: int | None = None  # cities: BEA GeoFips code of the metro area, for price parities
    occupation: str | None = None  # roles: closest official occupation (SOC code)

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the value answers to: key, label, aliases and names as filed."""
        return (self.key, self.label, *self.aliases, *self.filed_as)


class Dimensions(Strict):
    levels: list[DimensionValue]
    roles: list[DimensionValue]
    countries: list[DimensionValue]
    cities: list[DimensionValue]
    industries: list[DimensionValue]
    educations: list[DimensionValue]
    company_sizes: list[DimensionValue]
    companies: list[DimensionValue] = Field(default_factory=list)  # from companies.toml
    skills: list[DimensionValue]
    certifications: list[DimensionValue]


class Percentiles(Strict):
    low_percentile: int = Field(gt=0, lt=50)
    high_percentile: int = Field(gt=50, lt=100)
    why: str


class Weights(Strict):
    article: float = Field(gt=0)
    records_per_article: float = Field(gt=0)
    why: str


class FactorSettings(Strict):
    prior_weight: float = Field(ge=0)
    why: str


class YearsToLevel(Strict):
    source: str
    why: str


class OfferSettings(Strict):
    below_percentile: int = Field(gt=0, lt=50)
    strong_percentile: int = Field(gt=50, lt=100)
    why: str


class ConfidenceSettings(Strict):
    high_records: int = Field(gt=0)
    medium_records: int = Field(gt=0)
    why: str


class Method(Strict):
    band: Percentiles
    pay_range: Percentiles
    weights: Weights
    factors: FactorSettings
    years_to_level: YearsToLevel
    offer: OfferSettings
    confidence: ConfidenceSettings


class Excluded(Strict):
    source: str
    quote: str = Field(min_length=1)
    why: str = Field(min_length=1)
