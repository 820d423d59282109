"""Broken data files: each problem is one line naming the file, the entry and the field."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from mlsal.errors import DataError
from mlsal.load import default_data_dir, load_catalog
from mlsal.render.json_data import estimate_data


def shipped_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(default_data_dir(), target)
    return target


def edit(relative: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return apply


def write(relative: str, text: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / relative).write_text(text, encoding="utf-8")

    return apply


def make_dir(relative: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / relative).mkdir()

    return apply


def write_bytes(relative: str, data: bytes) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / relative).write_bytes(data)

    return apply


def remove(relative: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / relative).unlink()

    return apply


MID_AVERAGE = "s001.toml: facts[4] 's001.level.mid.average'"
BREAKAGES = {
    "invalid TOML": (
        write("facts/s002.toml", "[[facts]\nid = "),
        "s002.toml: (file): not valid TOML",
    ),
    "file not UTF-8": (write_bytes("facts/s002.toml", b"id = '\xff\xfe'\n"), "s002.toml: (file):"),
    "unreadable file": (
        make_dir("facts/broken.toml"),
        "broken.toml: (file): is not a regular file",
    ),
    "missing file": (remove("companies.toml"), "companies.toml: (file): cannot be read"),
    "missing field": (
        edit("facts/s001.toml", 'figure = "average"\namount = 144000\n', "amount = 144000\n"),
        f"{MID_AVERAGE}: figure: Field required",
    ),
    "wrong type": (
        edit("facts/s001.toml", "amount = 144000", 'amount = "144k"'),
        f"{MID_AVERAGE}: amount: Input should be a valid integer",
    ),
    "negative pay": (
        edit("facts/s001.toml", "amount = 144000", "amount = -144000"),
        f"{MID_AVERAGE}: amount: must be from 1,000 to 100,000,000, got -144,000",
    ),
    "low above high": (
        edit("facts/s001.toml", "low = 99000\nhigh = 180000", "low = 180000\nhigh = 99000"),
        "'s001.level.mid.range': low: must be below 'high' (99000), got 180000",
    ),
    "unknown field": (
        edit("facts/s001.toml", "amount = 144000", "amount = 144000\namonut = 1"),
        f"{MID_AVERAGE}: amonut: Unexpected keyword argument",
    ),
    "unknown figure kind": (
        edit(
            "facts/s001.toml",
            'figure = "average"\namount = 144000',
            'figure = "mean"\namount = 144000',
        ),
        f"{MID_AVERAGE}: figure: Input should be 'average'",
    ),
    "figure without its number": (
        edit("facts/s001.toml", 'figure = "average"\namount = 144000', 'figure = "average"'),
        f"{MID_AVERAGE}: amount: a figure of kind 'average' needs 'amount'",
    ),
    "percentiles out of order": (
        edit("facts/aijobs.toml", "p10 = ", "p10 = 9999999 # was "),
        "p10: percentiles must not decrease from p10 to p90",
    ),
    "zero records": (
        edit("facts/aijobs.toml", "n = 5530", "n = 0"),
        "n: must be from 1 to 1,000,000,000, got 0",
    ),
    "statement without values": (
        edit("facts/s000.toml", 'values = ["san-francisco", "seattle"]\n', ""),
        "'s000.statement.hubs': values: a statement needs the values it speaks of",
    ),
    "unknown source": (
        edit(
            "facts/s001.toml",
            'id = "s001.maximum"\nsource = "s001"',
            'id = "s001.maximum"\nsource = "s999"',
        ),
        "fact 's001.maximum': source: unknown source id 's999'",
    ),
    "duplicate fact id": (
        edit("facts/s001.toml", 'id = "s001.maximum"', 'id = "s001.overall"'),
        "facts[1] 's001.overall': id: duplicate fact id 's001.overall'",
    ),
    "duplicate source id": (
        edit("sources.toml", 'id = "s001"', 'id = "s000"'),
        "sources.toml: sources[1] 's000': id: duplicate source id 's000'",
    ),
    "quote not in document": (
        edit(
            "facts/s000.toml", "estimated to be around $155,481", "estimated to be around $255,481"
        ),
        "fact 's000.overall': quote: not found word for word in the document of source 's000'",
    ),
    "unknown value": (
        edit("facts/s004.toml", 'value = "london"', 'value = "atlantis"'),
        "fact 's004.city.london': value: unknown city 'atlantis'",
    ),
    "reference to another source": (
        edit("facts/s003.toml", 'reference = "s003.overall"', 'reference = "s001.overall"'),
        "reference: 's001.overall' is from source 's001', not from the fact's own source 's003'",
    ),
    "unknown reference": (
        edit("facts/s003.toml", 'reference = "s003.overall"', 'reference = "s003.nothing"'),
        "reference: unknown fact id 's003.nothing'",
    ),
    "reference without typical pay": (
        edit("facts/s003.toml", 'reference = "s003.overall"', 'reference = "s003.maximum"'),
        "reference: 's003.maximum' gives no typical pay to compare with",
    ),
    "missing document": (
        edit("sources.toml", 'document = "002_f7356cbcb71a5310.txt"', 'document = "gone.txt"'),
        "sources.toml: sources[2] 's002': document: cannot read",
    ),
    "alias naming two cities": (
        edit("dimensions.toml", 'aliases = ["ldn"]', 'aliases = ["ldn", "sf"]'),
        "dimensions.toml: city 'london': aliases: 'sf' already names city 'san-francisco'",
    ),
    "alias naming two companies": (
        edit("companies.toml", 'aliases = ["msft", "ms"]', 'aliases = ["msft", "ms", "aws"]'),
        "companies.toml: company 'microsoft': aliases: 'aws' already names company 'amazon'",
    ),
    "city in unknown country": (
        edit("dimensions.toml", 'country = "GB"', 'country = "XX"'),
        "dimensions.toml: city 'london': country: unknown country 'XX'",
    ),
    "facts not a list": (
        write("facts/s002.toml", 'facts = "none"\n'),
        "s002.toml: (file): 'facts' must be a list",
    ),
    "method setting out of range": (
        edit(
            "method.toml",
            'low_percentile = 10\nhigh_percentile = 90\nwhy = "The 10th',
            'low_percentile = 60\nhigh_percentile = 90\nwhy = "The 10th',
        ),
        "method.toml: (file): band.low_percentile: must be from 1 to 49, got 60",
    ),
}


@pytest.mark.parametrize("name", list(BREAKAGES))
def test_broken_data_is_reported_by_file_entry_and_field(tmp_path: Path, name: str) -> None:
    breakage, expected = BREAKAGES[name]
    root = shipped_copy(tmp_path)
    breakage(root)
    with pytest.raises(DataError) as caught:
        load_catalog(shipped_dir=root)
    problems = caught.value.problems
    assert any(expected in problem for problem in problems), problems
    assert all("\n" not in problem for problem in problems)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    root = shipped_copy(tmp_path)
    edit("facts/s001.toml", "amount = 144000", "amount = -1")(root)
    edit("facts/s004.toml", 'value = "london"', 'value = "atlantis"')(root)
    with pytest.raises(DataError) as caught:
        load_catalog(shipped_dir=root)
    assert len(caught.value.problems) == 2


def test_shipped_data_loads_clean() -> None:
    """Every fact of every file is loaded (none dropped), and every source gives some."""
    import tomllib

    catalog = load_catalog(use_cache=False)
    written = [
        fact["id"]
        for path in sorted((default_data_dir() / "facts").glob("*.toml"))
        for fact in tomllib.loads(path.read_text(encoding="utf-8"))["facts"]
    ]
    assert sorted(f.id for f in catalog.facts) == sorted(written)
    assert {f.source for f in catalog.facts} == set(catalog.sources)


def test_an_empty_data_directory_is_reported(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        load_catalog([tmp_path])
    assert caught.value.problems == [
        f"{tmp_path}: (directory): holds no sources.toml and no facts/*.toml"
    ]


def test_a_users_quote_must_be_in_the_users_document(tmp_path: Path) -> None:
    (tmp_path / "facts").mkdir()
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "bands.txt").write_text("Senior band: $180,000 to $240,000", "utf-8")
    (tmp_path / "sources.toml").write_text(
        '[[sources]]\nid = "acme"\nkind = "user"\ntitle = "Acme bands"\ncitation = "Acme HR"\n'
        'document = "bands.txt"\n',
        "utf-8",
    )
    (tmp_path / "facts" / "acme.toml").write_text(
        '[[facts]]\nid = "acme.senior"\nsource = "acme"\ndimension = "level"\nvalue = "senior"\n'
        'figure = "pay_range"\nlow = 180000\nhigh = 250000\n'
        'quote = "Senior band: $180,000 to $250,000"\n',
        "utf-8",
    )
    with pytest.raises(DataError) as caught:
        load_catalog([tmp_path])
    assert caught.value.problems == [
        f"{tmp_path / 'facts' / 'acme.toml'}: fact 'acme.senior': quote: not found word for word "
        "in the document of source 'acme'"
    ]


def test_loading_never_executes_what_a_data_file_says(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (tmp_path / "facts").mkdir()
    (tmp_path / "sources.toml").write_text(
        '[[sources]]\nid = "x"\nkind = "user"\n'
        f"title = \"__import__('os').system('touch {marker}')\"\ncitation = \"{{7*7}}\"\n",
        "utf-8",
    )
    catalog = load_catalog([tmp_path])
    assert catalog.sources["x"].title.startswith("__import__") and not marker.exists()


def test_cached_and_uncached_catalogs_are_equal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLSAL_CACHE_DIR", str(tmp_path))
    fresh = load_catalog(use_cache=False)
    first = load_catalog()  # validates, then writes the cache
    assert len(list(tmp_path.glob("catalog-*.json"))) == 1
    cached = load_catalog()  # read from the cache
    assert cached == fresh == first
    assert cached.facts == fresh.facts and cached.method == fresh.method


def test_a_changed_data_file_misses_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLSAL_CACHE_DIR", str(tmp_path / "cache"))
    root = shipped_copy(tmp_path)
    load_catalog(shipped_dir=root)
    edit("facts/s001.toml", "amount = 144000", "amount = -1")(root)
    with pytest.raises(DataError):
        load_catalog(shipped_dir=root)


def test_a_cached_catalog_parses_only_what_an_estimate_asks_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlsal.cache_format import LazyFacts, LazyValues, group_key
    from mlsal.engine import estimate
    from mlsal.profile import Profile, resolve_profile

    monkeypatch.setenv("MLSAL_CACHE_DIR", str(tmp_path))
    fresh = load_catalog(use_cache=False)
    load_catalog()  # writes the cache
    cached = load_catalog()
    assert isinstance(cached.facts, LazyFacts)
    for inputs in (
        {"years": 3, "city": "SF"},
        {"level": "staff", "company": "amazon", "city": "Seattle"},
        {"city": "London", "currency": "GBP"},
        {"level": "senior", "company": "microsoft", "state": "WA"},
    ):
        one = estimate(cached, resolve_profile(Profile(**inputs), cached))  # type: ignore[arg-type]
        two = estimate(fresh, resolve_profile(Profile(**inputs), fresh))  # type: ignore[arg-type]
        assert estimate_data(one) == estimate_data(two), inputs
    parsed = cached.facts.parsed_groups()
    companies = {key for dimension, key in parsed if dimension == "company"}
    assert companies == {"amazon", "microsoft", ""}  # of 500-odd employers ("": statements)
    groups = {(f.dimension, group_key(f)) for f in fresh.facts}
    assert len(parsed) < len(groups) / 10
    assert isinstance(cached.values, LazyValues)
    values = cached.values.parsed()
    assert {key for dimension, key in values if dimension == "company"} == {"amazon", "microsoft"}
    assert len(values) < sum(len(v) for v in fresh.values.values()) / 10


@pytest.mark.parametrize(
    ("where", "before", "after"),
    [
        ("a piece", b'"amount":150000', b'"amount":990000'),
        ("the header", b'"title":"Rebooting', b'"title":"Rebootinh'),
    ],
)
def test_an_edited_cache_is_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, before: bytes, after: bytes
) -> None:
    monkeypatch.setenv("MLSAL_CACHE_DIR", str(tmp_path))
    fresh = load_catalog(use_cache=False)
    load_catalog()
    path = next(tmp_path.glob("catalog-*.json"))
    data = path.read_bytes()
    changed = data.replace(before, after, 1)
    assert changed != data and len(changed) == len(data)
    path.write_bytes(changed)
    # The checksum of the header, or of the piece when it is read, fails: the data files are
    # validated again, and the figures come from them.
    reloaded = load_catalog()
    assert reloaded.facts == fresh.facts and reloaded.sources == fresh.sources
    assert path.read_bytes() == data  # and the cache rewritten as it was
