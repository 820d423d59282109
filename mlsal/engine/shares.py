"""Shares: what a few of a profile's inputs add to its estimate, made once for each distinct
value of those inputs. Which input feeds which share, and how its factor is made, is the
registry's word (mlsal.dimensions): an input whose rule is a registry rule needs no code here."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import replace
from itertools import repeat
from operator import attrgetter
from typing import Any, Protocol, TypeVar

from mlsal.catalog import Catalog
from mlsal.dimensions import BY_FIELD, INPUTS, REGISTRY_RULES, SHARE_KINDS, Input, ShareKind
from mlsal.engine.factors import (
    Place,
    location_factors,
    make_factor,
    reference_factor,
    skipped,
    strongest_of,
)
from mlsal.engine.levels import level_for_years, make_band, years_ceiling
from mlsal.names import possessive
from mlsal.profile import Profile, no_figure_in, profile_defaults, years_text
from mlsal.result import (
    Band,
    Conversion,
    Factor,
    SourceView,
)

C = TypeVar("C")  # a column, as a kind of Columns holds it

SHARES_KEPT = 50_000  # shares of each kind remembered at once; emptied when full


class Share:
    """What a few inputs of a profile add to its estimate (the band: level, year and
    currency; the work; the place; the employer; the credentials): its factors, the
    log-median and variance they add, the sources they cite (one bit each), and what it says
    in each part of the warnings (see said_by). Worked out once for each distinct value of
    those inputs: a roster of a million rows meets each far fewer times than it has rows."""

    __slots__ = (
        "factors",
        "log_sum",
        "variance",
        "bits",
        "warned",
        "noticed",
        "flagged",
        "last",
        "band",
        "level",
        "holds_place",
        "conversion",
        "spread",
    )

    def __init__(
        self,
        catalog: Catalog,
        factors: Iterable[tuple[int, list[Factor]]] = (),
        *,
        band: Band | None = None,
        warned: Iterable[str] = (),
        noticed: Iterable[str] = (),
        last: Iterable[str] = (),
    ) -> None:
        slotted = list(factors)
        self.factors = tuple((slot, f) for slot, group in slotted for f in group)
        applied = [f for _, f in self.factors if f.applied and f.multiplier is not None]
        self.log_sum = sum(math.log(f.multiplier or 1.0) for f in applied)
        self.variance = sum(f.sigma_between**2 for f in applied)
        cited = {v.source for _, f in self.factors if f.applied for v in f.views}
        notes: tuple[str, ...] = ()
        if band is not None:
            self.log_sum += math.log(band.ordered_median)
            self.variance += band.sigma_within**2 + band.sigma_between**2
            cited.update(view.source for view in band.views)
            notes = band.notes
        bit_of = _source_bits(catalog)
        self.bits = sum(bit_of[source] for source in cited)
        factors_only = [f for _, f in self.factors]
        self.warned = (*warned, *factor_warnings(catalog, factors_only))
        self.noticed = tuple(noticed)
        self.flagged = (*notes, *flags_of(catalog, factors_only))
        self.last = tuple(last)
        self.band = band
        self.level: str | None = None  # the band's: the level it is for
        self.holds_place = False  # the employer's: its figure already holds the place
        self.spread: float | None = None  # the employer's: its own pay's spread, if known
        self.conversion: Conversion | None = None  # the band's: the currency shown


def _source_bits(catalog: Catalog) -> dict[str, int]:
    """One bit per source, in the order sources are cited (by id)."""
    return catalog.memo.remember(
        "source bits", (), lambda: {s: 1 << i for i, s in enumerate(sorted(catalog.sources))}
    )


# Where each share's key comes from: the inputs the registry says feed it, in its order.
BAND_FIELDS = tuple(i.field for i in INPUTS if i.share == "band")
# The place's inputs are resolved together (they must agree: a city says its country; a city
# of 'remote' is a work mode); a city typed that the data hold no figure for goes with them.
PLACE_FIELDS = tuple(i.field for i in INPUTS if i.share == "place")
PLACE_KEY = (*PLACE_FIELDS, "unmatched_city")
# The inputs each share makes factors for by their registry rule alone.
BY_RULE = {
    kind: tuple(i for i in INPUTS if i.share == kind and i.rule in REGISTRY_RULES)
    for kind in SHARE_KINDS
}
# Inputs that feed no share: said, when given, with the registry's reason.
UNPRICED = tuple(i for i in INPUTS if i.share is None)
# Whether a share's key carries the band's level, and whether an employer is given.
NEEDS_LEVEL = {kind: any(i.by_level for i in BY_RULE[kind]) for kind in SHARE_KINDS}
NEEDS_COMPANY = {kind: any(i.rule == "covered" for i in BY_RULE[kind]) for kind in SHARE_KINDS}
LOCATION_ORDER = BY_FIELD["city"].table_order  # where the place's factors stand
COMPANY_ORDER = BY_FIELD["company"].table_order


def wiring_problems() -> list[str]:
    """What in the registry no share can honour (checked by the tests, so that an input is
    never accepted and then silently ignored)."""
    problems = []
    engine_rules = {"band": "band", "location": "place", "employer": "employer"}
    for item in INPUTS:
        name = f"input '{item.field}'"
        if item.share is None and not item.unpriced:
            problems.append(f"{name} feeds no share and says no reason (unpriced)")
        elif item.share is not None and item.rule in engine_rules:
            if engine_rules[item.rule] != item.share:
                problems.append(f"{name}: rule {item.rule} is made in the {item.rule} share only")
        elif item.share is not None and item.dimension is None:
            problems.append(f"{name}: rule {item.rule} needs a dimension")
        if item.within is not None and item.share != "place":
            problems.append(f"{name}: only the place share knows the country to measure within")
        if item.rule == "covered" and item.share == "place":
            problems.append(f"{name}: the place share does not know whether an employer is given")
        if item.rule == "strongest" and not item.is_list:
            problems.append(f"{name}: the strongest of one value is the value: rule plain")
    return problems


def _band_share(catalog: Catalog, key: tuple[Any, ...]) -> Share:
    """(the band's inputs, see BAND_FIELDS): the band of the level (given, or the one the
    years map to) in as_of dollars, the rate amounts are shown at, and what the years, the
    band and the rate leave to say."""
    given = dict(zip(BAND_FIELDS, key, strict=True))
    level, warnings = level_of(catalog, given["level"], given["years"])
    as_of, currency = given["as_of"], given["currency"]
    conversion = currency_conversion(catalog, currency, as_of)
    stale = conversion is not None and conversion.year != as_of
    last = [rate_year_warning(conversion)] if conversion is not None and stale else []
    band = make_band(catalog, level, as_of)
    dominant = dominant_user_source(catalog, band.views)
    if dominant is not None:
        warnings = [*warnings, f"the baseline: {dominant}"]
    share = Share(catalog, band=band, warned=warnings, last=last)
    share.level, share.conversion = level, conversion
    return share


def _by_rule(
    catalog: Catalog,
    item: Input,
    value: Any,
    level: str | None,
    country: str | None,
    has_company: bool,
) -> list[Factor]:
    """The factors of one input's value, made by its registry rule."""
    dimension = item.dimension or ""
    if value is None or value == ():
        return []
    if item.rule == "strongest":
        return strongest_of(catalog, dimension, value)
    if item.rule == "reference" and value == getattr(catalog.method.reference, dimension, None):
        why = f"the sources' figures are for this {item.noun}"
        return [reference_factor(catalog, dimension, value, why)]
    within = None
    if item.within == "country":
        within = country or catalog.method.reference.country
    factor = make_factor(catalog, dimension, value, level if item.by_level else None, within)
    if item.rule == "covered" and has_company and factor.applied:
        factor = skipped(factor, f"the company's own figure already reflects its {item.noun}")
    return [factor]


def _registry_factors(
    catalog: Catalog,
    kind: ShareKind,
    values: Iterable[Any],
    level: str | None,
    country: str | None = None,
    has_company: bool = False,
) -> list[tuple[int, list[Factor]]]:
    """Each of the share's registry-rule inputs' factors, with where they stand."""
    return [
        (item.table_order, _by_rule(catalog, item, value, level, country, has_company))
        for item, value in zip(BY_RULE[kind], values, strict=True)
    ]


def _unpriced(catalog: Catalog, values: Iterable[Any]) -> list[str]:
    """What is said of the given inputs that feed no share."""
    said = []
    for item, value in zip(UNPRICED, values, strict=True):
        if value is not None and value != ():
            said.append(f"{item.noun}: no figure applied: {item.unpriced}")
    return said


def _work_share(catalog: Catalog, key: tuple[Any, ...]) -> Share:
    """(the work's registry-rule inputs: role, industry, company size…, whether a company is
    given, the level where one of them is measured by level, the inputs that feed none)."""
    count = len(BY_RULE["work"])
    values, (has_company, level, unpriced) = key[:count], key[count:]
    factors = _registry_factors(catalog, "work", values, level, None, has_company)
    return Share(catalog, factors, noticed=_unpriced(catalog, unpriced))


def _employer_share(catalog: Catalog, key: tuple[Any, ...]) -> Share:
    """((company, the name typed for it if another organisation's) or None, level, (the
    profile's country, whether a city or state is given))."""
    named, level, (country, placed) = key
    if named is None:
        return Share(catalog)
    company, as_typed = named
    factor = make_factor(catalog, "company", company, level)
    noticed = []
    if as_typed is not None:
        noticed.append(
            f"'{as_typed}' is counted as {catalog.label('company', company)}: the data hold "
            "no figure of its own"
        )
    home = catalog.method.reference.country
    if factor.applied and country not in (None, home):
        # One rule abroad: the employer's premium over US employers, measured on US filings,
        # applies to the country's pay, and the page says so.
        where = catalog.label("country", country)
        abroad = f"measured on US filings against US employers, applied to {where}'s pay"
        factor = replace(factor, reason=abroad)
        noticed.append(f"{catalog.label('company', company)}'s figure is {abroad}")
    factors = [(COMPANY_ORDER, [factor])]
    if factor.applied and not placed and country in (None, home):
        factors.append((LOCATION_ORDER, _own_places(catalog, company)))  # priced where it pays
    share = Share(catalog, factors, noticed=noticed)
    # An employer's figure measured against the nation already holds where it pays.
    share.holds_place = factor.applied and not factor.place_adjusted
    # Its own records' spread is of base wages: it stands in the base band only.
    share.spread = factor.spread if factor.applied and catalog.pay_read == "base" else None
    return share


def _place_share(catalog: Catalog, key: tuple[Any, ...]) -> Share:
    """(whether the employer's figure holds the place, the place (see PLACE_KEY), the band's
    level): the location rule's factors, then the place's registry-rule inputs' (a work
    mode's, measured against pay in the same country)."""
    holds_place, place, level = key
    values = dict(zip(PLACE_KEY, place, strict=True))
    where = Place(values["city"], values["state"], values["country"], values["unmatched_city"])
    factors = location_factors(catalog, where, holds_place, level)
    check_located(catalog, where.country, factors)
    noticed = []
    unmatched, state, country = where.unmatched_city, where.state, where.country
    if unmatched is not None and (state or country):
        named = catalog.label("state", state) if state else catalog.label("country", country or "")
        noticed.append(f"no figure for the city '{unmatched}': {possessive(named)} figure applies")
    rest = [values[item.field] for item in BY_RULE["place"]]
    slotted = [
        (LOCATION_ORDER, factors),
        *_registry_factors(catalog, "place", rest, level, country),
    ]
    return Share(catalog, slotted, noticed=noticed)


def _own_places(catalog: Catalog, company: str) -> list[Factor]:
    """With no city or state, an employer measured against others in the same places is
    priced where its records work (the base model's employer_places); none in gross pay."""
    factor = make_factor(catalog, "employer_places", company)
    if not factor.applied:
        return []
    return [replace(factor, reason="no city or state given: priced where its records work")]


_COUNTRY_AT = PLACE_KEY.index("country")
_CITY_AT, _STATE_AT = PLACE_KEY.index("city"), PLACE_KEY.index("state")


def _where(place: Any) -> tuple[str | None, bool]:
    """(country, whether a city or state is given) of a profile's place; a bad row's cell
    (batch marks it) is no tuple and says nothing."""
    if type(place) is not tuple:
        return None, True
    return place[_COUNTRY_AT], place[_CITY_AT] is not None or place[_STATE_AT] is not None


def _credentials_share(catalog: Catalog, key: tuple[Any, ...]) -> Share:
    """(the credentials' registry-rule inputs: education, skills, certifications…, whether a
    company is given, the level, the unknown names with what is said of each)."""
    count = len(BY_RULE["credentials"])
    values, (has_company, level, unlisted) = key[:count], key[count:]
    factors = _registry_factors(catalog, "credentials", values, level, None, has_company)
    noticed = [f"{unknown}: no figure applied" for unknown in unlisted]
    return Share(catalog, factors, noticed=noticed)


SHARE_MAKERS: dict[str, Callable[[Catalog, tuple[Any, ...]], Share]] = {
    "band": _band_share,
    "work": _work_share,
    "place": _place_share,
    "employer": _employer_share,
    "credentials": _credentials_share,
}


def share_memo(catalog: Catalog, kind: str) -> dict[tuple[Any, ...], Share]:
    """The shares of one kind made so far, by key (batch looks many rows up at once)."""
    memo: dict[tuple[Any, ...], Share] = catalog.memo.table("shares").setdefault(kind, {})
    return memo


def share(catalog: Catalog, kind: str, key: tuple[Any, ...]) -> Share:
    memo = share_memo(catalog, kind)
    found = memo.get(key)
    if found is None:
        made = SHARE_MAKERS[kind](catalog, key)
        if len(memo) >= SHARES_KEPT:  # memory stays flat, whatever the input
            memo.clear()
        found = memo[key] = made
    return found


# A profile's shares, in the order they combine: band, work, place, employer, credentials.
Shares = tuple[Share, Share, Share, Share, Share]


def place_of(profile: Profile) -> tuple[Any, ...]:
    """A resolved profile's place, as the place share's key holds it (see PLACE_KEY)."""
    return tuple(getattr(profile, field) for field in PLACE_KEY)


def profile_shares(catalog: Catalog, profile: Profile) -> Shares:
    """The shares of a resolved profile (where one holds no role or as_of, the defaults')."""
    company = profile.company
    given = vars(profile)
    values = given | {
        **{name: value for name, value in profile_defaults(catalog).items() if given[name] is None},
        "company": None if company is None else (company, profile.company_as_typed),
        "place": place_of(profile),
    }
    found = shares_of_rows(
        RowColumns(
            lambda name: (values[name],),
            lambda kind, keys: [share(catalog, kind, key) for key in keys],
            1,
        )
    )
    band, work, place, employer, credentials = (next(iter(shares)) for shares in found)
    return band, work, place, employer, credentials


_LEVEL, _HOLDS_PLACE = attrgetter("level"), attrgetter("holds_place")


class Columns(Protocol[C]):
    """Rows given column by column, and the few operations that lay out share keys over
    them: RowColumns holds a value per row; mlsal.batch.columnar a code per row into
    distinct values, so that each operation runs once per distinct value."""

    def column(self, name: str) -> C:
        """Each row's resolved value of a profile field ('company' as (company, the name
        typed for it) or None; 'place' as place_of gives it)."""
        ...

    def zip(self, *columns: C) -> C:
        """Each row's values of the columns, as a tuple."""
        ...

    def map(self, function: Callable[[Any], Any], column: C) -> C: ...

    def repeat(self, value: Any) -> C:
        """The same value in every row."""
        ...

    def shares(self, kind: str, keys: C) -> C:
        """Each row's share of that kind, by its key."""
        ...


class RowColumns:
    """Columns as lists, a value per row (a single profile, a batch's chunk)."""

    def __init__(
        self,
        values: Callable[[str], Iterable[Any]],
        make_shares: Callable[[str, Iterable[tuple[Any, ...]]], list[Share]],
        count: int,
    ) -> None:
        self.values = values  # a field's value in each row, a new iterable each call
        self.make_shares = make_shares  # each row's share of a kind, by its key
        self.count = count

    def column(self, name: str) -> Iterable[Any]:
        return self.values(name)

    def shares(self, kind: str, keys: Iterable[Any]) -> list[Share]:
        return self.make_shares(kind, keys)

    def zip(self, *columns: Iterable[Any]) -> Iterable[Any]:
        return zip(*columns, strict=True)

    def map(self, function: Callable[[Any], Any], column: Iterable[Any]) -> list[Any]:
        return list(map(function, column))  # a list: levels are read more than once

    def repeat(self, value: Any) -> Iterable[Any]:
        return repeat(value, self.count)


def shares_of_rows(rows: Columns[C]) -> tuple[C, C, C, C, C]:
    """Each row's shares, in profile_shares' order: one layout of every share's key, for a
    single profile, a batch's chunk and a frame's codes alike."""
    column, zipped, mapped, shares = rows.column, rows.zip, rows.map, rows.shares
    band = shares("band", zipped(*map(column, BAND_FIELDS)))
    levels = mapped(_LEVEL, band)
    where = mapped(_where, column("place"))
    employer = shares("employer", zipped(column("company"), levels, where))
    place = shares("place", zipped(mapped(_HOLDS_PLACE, employer), column("place"), levels))

    def keys(kind: ShareKind, rest: C) -> C:
        """The registry-rule inputs' values, then what the share's rules need, then rest."""
        has_company = mapped(bool, column("company")) if NEEDS_COMPANY[kind] else rows.repeat(False)
        level = levels if NEEDS_LEVEL[kind] else rows.repeat(None)
        inputs = [column(item.field) for item in BY_RULE[kind]]
        return zipped(*inputs, has_company, level, rest)

    unpriced = zipped(*(column(item.field) for item in UNPRICED)) if UNPRICED else rows.repeat(())
    work = shares("work", keys("work", unpriced))
    credentials = shares("credentials", keys("credentials", column("unlisted")))
    return band, work, place, employer, credentials


def median_and_sigma(
    band: Share, work: Share, place: Share, employer: Share, credentials: Share
) -> tuple[float, float]:
    """The band's median and log-scale sigma, with every applied factor."""
    log_median = band.log_sum + (
        work.log_sum + place.log_sum + employer.log_sum + credentials.log_sum
    )
    variance = band.variance + (
        work.variance + place.variance + employer.variance + credentials.variance
    )
    if employer.spread is not None and band.band is not None:  # a known employer's own spread
        variance += employer.spread**2 - band.band.sigma_within**2
    return math.exp(log_median), math.sqrt(variance)


def said_by(
    band: Share, work: Share, place: Share, employer: Share, credentials: Share
) -> tuple[str, ...]:
    """What the shares say, in order: warnings (the years', the factors'), what resolving the
    names noticed, the band's notes and the sources' flags, what the place and rate leave."""
    return (
        band.warned
        + work.warned
        + place.warned
        + employer.warned
        + credentials.warned
        + place.noticed
        + employer.noticed
        + credentials.noticed
        + band.flagged
        + work.flagged
        + place.flagged
        + employer.flagged
        + credentials.flagged
        + place.last
        + band.last
    )


def sources_of(catalog: Catalog, bits: int) -> tuple[str, ...]:
    """The sources whose bits are set, by id."""
    memo: dict[int, tuple[str, ...]] = catalog.memo.table("sources of bits")
    found = memo.get(bits)
    if found is None:
        found = memo[bits] = tuple(s for s, bit in _source_bits(catalog).items() if bits & bit)
    return found


def rate_year_warning(conversion: Conversion) -> str:
    return (
        f"{conversion.currency} at {conversion.rate:g} per US dollar, the rate of "
        f"{conversion.year}: the latest year {conversion.source}'s records state one"
    )


def level_of(
    catalog: Catalog, level: str | None, years: float | None
) -> tuple[str | None, list[str]]:
    """The level the estimate is for (given, or the one the years map to), and what to say."""
    warnings = []
    if years is not None:
        by_years = level_for_years(catalog, years)
        if level is None:
            level = by_years
            warnings.extend(years_ceiling(catalog, by_years))
        elif level != by_years:
            warnings.append(
                f"{years_text(years)} years of experience is {by_years} level by the "
                f"sources' ranges, but the level {level} was given; the level is used"
            )
    return level, warnings


def dominant_user_source(catalog: Catalog, views: Iterable[SourceView]) -> str | None:
    """A source of the user's own that carries half of these views' weight or more, said."""
    views = list(views)
    total = sum(v.weight for v in views)
    for view in views:
        if catalog.sources[view.source].kind == "user" and total and view.weight >= total / 2:
            return f"your source '{view.source}' carries {view.weight / total:.0%} of its weight"
    return None


def factor_warnings(catalog: Catalog, factors: list[Factor]) -> list[str]:
    warnings = []
    for factor in factors:
        dimension = factor.dimension.replace("_", " ")
        dominant = dominant_user_source(catalog, factor.views) if factor.applied else None
        if dominant is not None:
            warnings.append(f"{dimension} '{factor.label}': {dominant}")
        if factor.status == "no figure" and factor.reason and factor.reason.startswith("no figure"):
            warnings.append(f"{factor.reason}; no factor applied")
        elif factor.status == "no figure":
            warnings.append(
                f"no sourced figure for {dimension} '{factor.label}'; no factor applied"
            )
        elif factor.status in ("skipped", "not stacked"):
            warnings.append(f"{dimension} '{factor.label}' not applied: {factor.reason}")
    return warnings


def check_located(catalog: Catalog, country: str | None, factors: list[Factor]) -> None:
    """A country abroad that no source gives pay for has no figure: US pay is no stand-in."""
    if country in (None, catalog.method.reference.country):
        return
    if any(f.applied for f in factors if f.dimension in ("city", "country")):
        return
    raise no_figure_in(catalog, catalog.label("country", country))


def currency_conversion(catalog: Catalog, currency: str | None, as_of: int) -> Conversion | None:
    """The rate of the as_of year, else of the latest year before it, else the earliest."""
    if currency is None or currency == "USD":
        return None
    facts = sorted(catalog.facts_for("currency", currency), key=lambda f: f.year or 0)
    if not facts:
        return None
    before = [f for f in facts if (f.year or 0) <= as_of]
    fact = before[-1] if before else facts[0]
    return Conversion(
        currency=currency,
        rate=fact.rate or 1.0,
        year=fact.year or as_of,
        source=fact.source,
        fact=fact.id,
        quote=fact.quote,
        records=fact.n or 0,
    )


def flags_of(catalog: Catalog, factors: list[Factor]) -> list[str]:
    """The warnings a source attached to the figures an applied factor rests on."""
    flags = []
    for factor in factors:
        if not factor.applied:
            continue
        for view in factor.views:
            for figure in view.figures:
                flag = catalog.facts_by_id[figure.fact].flag
                if flag is not None:
                    flags.append(f"{factor.label} ({view.source}): {flag}")
    return flags
