"""The shipped data: every figure has a source and a quote found word for word in it."""

from __future__ import annotations

import re
import tomllib
from dataclasses import fields
from pathlib import Path

import pytest

from mlsal.catalog import Catalog
from mlsal.profile import Profile
from mlsal.schema import CENTRAL_FIGURES

from conftest import SHARED

NUMBERS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def test_every_quote_is_verbatim_in_its_document(catalog: Catalog, data_dir: Path) -> None:
    for fact in catalog.facts:
        source = catalog.sources[fact.source]
        if source.document is None:
            continue
        text = (data_dir / "documents" / source.document).read_text(encoding="utf-8")
        assert fact.quote in text, fact.id
        if fact.context is not None:
            assert fact.context in text, fact.id


def test_every_fact_names_a_known_source_and_reference(catalog: Catalog) -> None:
    for fact in catalog.facts:
        assert fact.source in catalog.sources, fact.id
        if fact.reference is not None:
            reference = catalog.facts_by_id[fact.reference]
            assert reference.source == fact.source, fact.id
            assert reference.figure in CENTRAL_FIGURES, fact.id


def test_every_dollar_amount_appears_in_its_quote(catalog: Catalog) -> None:
    for fact in catalog.facts:
        if fact.figure in ("years_range", "statement") or fact.derivation is not None:
            continue  # derived figures are checked by re-deriving them (test_derive.py)
        # "$150,000" in prose, or "206887.0" between a CSV row's commas
        quoted = {float(m.replace(",", "")) for m in NUMBERS.findall(fact.quote)}
        quoted |= {float(t) for t in re.split(r"[^\d.]+", fact.quote) if t.strip(".")}
        for number in (fact.amount, fact.low, fact.high, fact.index):
            if number is not None:
                assert number in quoted, f"{fact.id}: {number} not in quote {fact.quote!r}"


@pytest.mark.skipif(
    not (SHARED / "seeds").is_dir(), reason="../shared/seeds is not beside the repo"
)
def test_shipped_documents_are_the_seed_documents(data_dir: Path) -> None:
    for seed in sorted((SHARED / "seeds").glob("*.txt")):
        shipped = data_dir / "documents" / seed.name
        assert shipped.read_bytes() == seed.read_bytes(), seed.name


def test_every_dollar_figure_in_the_seeds_is_captured_or_excluded(
    catalog: Catalog, data_dir: Path
) -> None:
    for source in catalog.sources.values():
        if source.kind != "article" or source.document is None:
            continue
        text = (data_dir / "documents" / source.document).read_text(encoding="utf-8")
        captured = {
            number
            for fact in catalog.facts
            if fact.source == source.id
            for number in (fact.amount, fact.low, fact.high)
            if number is not None
        }
        excluded = " ".join(e.quote for e in catalog.excluded if e.source == source.id)
        for match in re.finditer(r"\$[\d,]+(?:\s*billion)?", text):
            figure = match.group(0).rstrip(",")
            number = int(figure.split()[0].lstrip("$").replace(",", ""))
            assert number in captured or figure in excluded, (
                f"{source.document}: {figure} is neither a fact nor listed in excluded.toml"
            )


def test_excluded_quotes_are_verbatim(catalog: Catalog, data_dir: Path) -> None:
    for item in catalog.excluded:
        document = catalog.sources[item.source].document
        assert document is not None
        assert item.quote in (data_dir / "documents" / document).read_text(encoding="utf-8")


def test_gender_is_never_an_input(catalog: Catalog) -> None:
    assert "gender" not in {f.name for f in fields(Profile)}
    assert "gender" not in catalog.values
    assert catalog.facts_for("gender", "female"), "the source's figure is listed, not used"


def test_data_files_hold_no_python(data_dir: Path) -> None:
    assert not list(data_dir.rglob("*.py"))
    for path in data_dir.rglob("*.toml"):
        tomllib.loads(path.read_text(encoding="utf-8"))
