"""The one list of what a profile is made of: every input, the dimension of values it names,
how it is spelled on the command line, in a CSV header and in dimensions.toml.

Everything else reads this list: the profile, the Python API, batch columns, the CLI options,
compare, factors, the CSV columns, the table's profile line, and the engine's shares (which
share an input feeds, and by which rule its factor is made). Adding an input is one entry
here, a field of mlsal.profile.Profile (a test keeps them in step) and its data: see the
recipe in docs/architecture.md.
"""

from __future__ import annotations

from typing import Literal

Kind = Literal["number", "year", "name", "names", "code"]
# The part of an estimate an input feeds (engine.shares): the band (level, year, currency),
# the work, the place, the employer, the credentials. Each is made once per distinct value
# of its inputs and combined with the others.
ShareKind = Literal["band", "work", "place", "employer", "credentials"]
SHARE_KINDS: tuple[ShareKind, ...] = ("band", "work", "place", "employer", "credentials")
# How an input's factor is made (engine.shares):
#   band       it picks or shows the baseline band (years, level, year of dollars, currency)
#   location   city, state and country together: the most local place with a figure
#   employer   the employer's own figure (and, with no city or state, where it pays)
#   reference  a factor, unless the value is the one the sources' figures are for
#   covered    a factor, unless an employer is given: its own figure already reflects it
#   plain      a factor of the value
#   strongest  a factor of each value listed; the strongest applies, premiums not stacked
Rule = Literal["band", "location", "employer", "reference", "covered", "plain", "strongest"]
# The rules whose factors the shares make from the registry alone: an input with one of
# these needs no code in the engine.
REGISTRY_RULES: tuple[Rule, ...] = ("reference", "covered", "plain", "strongest")


class Input:
    """One input of a profile. (A plain class: a dataclass costs every run of the CLI.)"""

    __slots__ = (
        "field",
        "kind",
        "option",
        "metavar",
        "help",
        "dimension",
        "short",
        "spellings",
        "words",
        "plural",
        "description",
        "job",
        "listed_in",
        "share",
        "rule",
        "table_order",
        "by_level",
        "within",
        "noun",
        "unpriced",
    )

    def __init__(
        self,
        field: str,  # the Profile field
        kind: Kind,  # a number; a whole year; a name of a value; a list of names; a code
        option: str,  # the long command-line option
        metavar: str,
        help: str,
        *,
        dimension: str | None = None,  # the catalog dimension whose values it names
        short: str | None = None,  # a one-letter option
        spellings: tuple[str, ...] = (),  # more names in CSV headers and API mappings
        words: tuple[str, ...] = (),  # more names of the dimension, as `compare --by` takes
        plural: str | None = None,  # its list in dimensions.toml, and as people say it
        description: str | None = None,  # what `mlsal factors` says the dimension does
        job: bool = True,  # describes the job (not how figures are shown): a profile column
        # Where the values are kept: by hand in dimensions.toml, or derived (places.toml, the
        # employers of companies.toml and employers.toml).
        listed_in: Literal["hand", "derived", "none"] = "hand",
        share: ShareKind | None = None,  # the share it feeds (see ShareKind)
        rule: Rule = "plain",  # how its factor is made (see Rule)
        table_order: int = 0,  # where its factors stand in an estimate's table (and JSON)
        by_level: bool = False,  # its figures are measured level by level where they can be
        within: Literal["country"] | None = None,  # measured against pay in the same country
        noun: str | None = None,  # what its value is, in a sentence ('the company's … size')
        unpriced: str | None = None,  # why it feeds no share, said when it is given
    ) -> None:
        self.field = field
        self.kind = kind
        self.option = option
        self.metavar = metavar
        self.help = help
        self.dimension = dimension
        self.short = short
        self.spellings = spellings
        self.words = words
        self.plural = plural
        self.description = description
        self.job = job
        self.listed_in = listed_in
        self.share = share
        self.rule = rule
        self.table_order = table_order
        self.by_level = by_level
        self.within = within
        self.noun = noun or (dimension or field).replace("_", " ")
        self.unpriced = unpriced

    @property
    def is_list(self) -> bool:
        return self.kind == "names"

    def __repr__(self) -> str:
        return f"Input({self.field!r})"


RELATIVE = "relative to the same source's typical ML engineer pay"

# In the order a profile is read aloud: level, role, then place, then the rest.
INPUTS: tuple[Input, ...] = (
    Input(
        "years",
        "number",
        "--years",
        "N",
        "Years of experience.",
        short="-y",
        share="band",
        rule="band",
    ),
    Input(
        "level",
        "name",
        "--level",
        "LEVEL",
        "entry, mid, senior, staff or principal (default: by --years, else all levels).",
        dimension="level",
        short="-l",
        plural="levels",
        description="career level; sets the baseline band (years map to a level)",
        share="band",
        rule="band",
    ),
    Input(
        "role",
        "name",
        "--role",
        "ROLE",
        "ml-engineer (default), data-scientist, research-scientist, ai-engineer or data-engineer.",
        dimension="role",
        plural="roles",
        description="job role, relative to Machine Learning Engineer",
        share="work",
        rule="reference",
        table_order=0,
    ),
    Input(
        "city",
        "name",
        "--city",
        "CITY",
        "City, e.g. SF, NYC, Seattle, London.",
        dimension="city",
        plural="cities",
        description="city, relative to the same source's US figure",
        share="place",
        rule="location",
        table_order=1,
    ),
    Input(
        "state",
        "name",
        "--state",
        "STATE",
        "US state, e.g. WA or Texas (stands in for a city the data does not know).",
        dimension="state",
        plural="states",
        listed_in="derived",
        description="US state, relative to the same source's US figure",
        share="place",
        rule="location",
        table_order=1,
    ),
    Input(
        "country",
        "name",
        "--country",
        "COUNTRY",
        "Country, e.g. US, UK, Germany.",
        dimension="country",
        plural="countries",
        description="country, relative to the same source's US figure",
        share="place",
        rule="location",
        table_order=1,
    ),
    Input(
        "work_mode",
        "name",
        "--work",
        "MODE",
        "remote, hybrid or onsite (also --city remote).",
        dimension="work_mode",
        spellings=("work", "work mode"),
        words=("work", "mode", "modes", "work modes"),
        plural="work_modes",
        description="remote, hybrid or on site, relative to the same source's pay in the country",
        share="place",
        rule="plain",
        table_order=1,
        by_level=True,
        within="country",
    ),
    Input(
        "industry",
        "name",
        "--industry",
        "INDUSTRY",
        "Industry, e.g. finance, healthcare.",
        dimension="industry",
        plural="industries",
        description=f"industry, {RELATIVE}",
        share="work",
        rule="covered",
        table_order=2,
    ),
    Input(
        "education",
        "name",
        "--education",
        "DEGREE",
        "bachelors, masters or phd.",
        dimension="education",
        plural="educations",
        description=f"highest degree, {RELATIVE}",
        share="credentials",
        rule="plain",
        table_order=4,
    ),
    Input(
        "company",
        "name",
        "--company",
        "COMPANY",
        "Employer, e.g. amazon, nvidia, ibm.",
        dimension="company",
        plural="companies",
        listed_in="derived",
        description=f"employer, {RELATIVE}",
        share="employer",
        rule="employer",
        table_order=3,
    ),
    Input(
        "company_size",
        "name",
        "--company-size",
        "SIZE",
        "startup, mid-size or large.",
        dimension="company_size",
        words=("size", "sizes"),
        plural="company_sizes",
        description=f"company size, {RELATIVE}",
        share="work",
        rule="covered",
        table_order=2,
        noun="size",
    ),
    Input(
        "skills",
        "names",
        "--skill",
        "SKILL",
        "A skill, e.g. nlp (repeat, or separate with commas).",
        dimension="skill",
        spellings=("skill",),
        plural="skills",
        description="specialisation; the strongest one applies",
        share="credentials",
        rule="strongest",
        table_order=6,
    ),
    Input(
        "certifications",
        "names",
        "--cert",
        "CERT",
        "A certification, e.g. aws (repeat, or separate with commas).",
        dimension="certification",
        spellings=("certification", "cert", "certs"),
        plural="certifications",
        description="certification held; the strongest one applies",
        share="credentials",
        rule="strongest",
        table_order=5,
    ),
    Input(
        "as_of",
        "year",
        "--as-of",
        "YEAR",
        "Give figures in dollars of this year (default: the latest CPI year).",
        job=False,
        share="band",
        rule="band",
    ),
    Input(
        "currency",
        "code",
        "--currency",
        "CODE",
        "Show amounts in this currency, e.g. GBP, EUR, INR (at rates the records state).",
        job=False,
        share="band",
        rule="band",
    ),
)

BY_FIELD = {i.field: i for i in INPUTS}
# Profile fields that name values of a dimension, and the dimension each names.
NAMED_FIELDS = {i.field: i.dimension for i in INPUTS if i.kind == "name" and i.dimension}
LIST_FIELDS = {i.field: i.dimension for i in INPUTS if i.kind == "names" and i.dimension}
# The dimensions whose values a profile can name, in reading order.
DIMENSIONS = tuple(i.dimension for i in INPUTS if i.dimension)
BY_DIMENSION = {i.dimension: i for i in INPUTS if i.dimension}
# The profile columns of CSV output and of the profile line, in reading order.
JOB_FIELDS = tuple(i.field for i in INPUTS if i.job)


def input_names() -> dict[str, str]:
    """Every name an input goes by (field, option without dashes, spellings) -> its field."""
    names: dict[str, str] = {}
    for item in INPUTS:
        for name in (item.field, item.option.removeprefix("--"), *item.spellings):
            names.setdefault(name, item.field)
    return names


INPUT_NAMES = input_names()


def dimension_names() -> dict[str, str]:
    """Every way people name a dimension ('cities', 'company-size', 'certs') -> the dimension."""
    names: dict[str, str] = {}
    for item in INPUTS:
        if item.dimension is None:
            continue
        for name in (item.dimension, item.field, item.plural, *item.spellings, *item.words):
            if name:
                names.setdefault(name.replace("-", "_"), item.dimension)
        names.setdefault(item.option.removeprefix("--").replace("-", "_"), item.dimension)
    return names


DIMENSION_NAMES = dimension_names()
