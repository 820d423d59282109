"""Log-normal arithmetic: pay is right-skewed, and its logarithm is close to normal.

A band is a centre (the median) and a spread sigma on the log scale; any percentile of it is
median * exp(sigma * z), where z is the standard normal score of that percentile.
"""

from __future__ import annotations

import math
from functools import cache

from mlsal.schema import Fact


def normal_cdf(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


@cache
def z_score(percentile: float) -> float:
    """The standard normal score of a percentile given from 0 to 100 (10 -> -1.2816).

    Bisection on the normal CDF, to 1e-12 (statistics.NormalDist costs a slow import)."""
    target, low, high = percentile / 100, -40.0, 40.0
    while high - low > 1e-12:
        middle = (low + high) / 2
        low, high = (middle, high) if normal_cdf(middle) < target else (low, middle)
    return (low + high) / 2


def percentile_of(amount: float, median: float, sigma: float) -> float:
    """Where amount sits in a log-normal band, from 0 to 100."""
    if sigma <= 0:
        return 50.0 if amount == median else (100.0 if amount > median else 0.0)
    return 100 * normal_cdf(math.log(amount / median) / sigma)


def quantile(median: float, sigma: float, percentile: float) -> float:
    return median * math.exp(sigma * z_score(percentile))


def center_of_figure(fact: Fact) -> float | None:
    """Where typical pay lies by this figure, in dollars, or None if it does not say.

    A range's centre is its geometric middle, the median of a log-normal between its ends.
    """
    if fact.figure in ("average", "median"):
        return float(fact.amount) if fact.amount is not None else None
    if fact.figure in ("average_range", "pay_range") and fact.low and fact.high:
        return math.sqrt(fact.low * fact.high)
    if fact.figure == "percentiles" and fact.p50 is not None:
        return float(fact.p50)
    return None


def spread_of_figure(fact: Fact, low_percentile: float, high_percentile: float) -> float | None:
    """The log-scale sigma a figure implies, or None if it says nothing of spread.

    A pay range is read as [low_percentile, high_percentile] of pay; records give P10 and P90.
    """
    if fact.figure == "pay_range" and fact.low and fact.high:
        return math.log(fact.high / fact.low) / (z_score(high_percentile) - z_score(low_percentile))
    if fact.figure == "percentiles" and fact.p10 and fact.p90:
        return math.log(fact.p90 / fact.p10) / (z_score(90) - z_score(10))
    return None
