"""The estimate: a band for the level, times the factors the profile calls for.

Pure functions of a resolved profile and the catalog; nothing here prints or reads options.
docs/methodology.md explains every step. The rooms, each importing only those before it:
figures (a cell's sources combined), levels (years, levels and the band), factors, shares
(what a few inputs add, made once per distinct value; the registry says which input feeds
which), estimate.
"""

from mlsal.engine.estimate import estimate
from mlsal.engine.factors import make_factor
from mlsal.engine.figures import reference_words
from mlsal.engine.levels import (
    level_facts,
    level_for_years,
    level_views,
    level_year_ranges,
    make_band,
    ordered_level_medians,
)
from mlsal.engine.shares import (
    SHARE_MAKERS,
    Share,
    profile_shares,
    share,
    share_memo,
    shares_of_rows,
)

__all__ = [
    "SHARE_MAKERS",
    "Share",
    "estimate",
    "level_facts",
    "level_for_years",
    "level_views",
    "level_year_ranges",
    "make_band",
    "make_factor",
    "ordered_level_medians",
    "profile_shares",
    "reference_words",
    "share",
    "share_memo",
    "shares_of_rows",
]
