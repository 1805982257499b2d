"""Catalog loading and alias matching, including ambiguous aliases and odd characters."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from deinfluence.errors import CatalogError
from deinfluence.processors.brands import load_catalog
from deinfluence.processors.classify import DEFAULT_CATALOG, RuleClassifier


def brands_of(clf: RuleClassifier, text: str) -> list[str]:
    return clf.classify_batch([{"post_id": "b", "text": text, "lang": "en"}])[0]["brands"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my stanley cup and my STANLEY", ["stanley"]),
        ("love my #StanleyCup", ["stanley"]),
        ("the e.l.f. halo glow", ["elf"]),
        ("H&M's new collection", ["hm"]),
        ("Sol de Janeiro bum bum cream", ["sol_de_janeiro"]),
        ("stanleyish things", []),
        ("I ate an apple on the way", []),
        ("Apple raised the iPhone price", ["apple"]),
        ("nothing out of the ordinary", []),
        ("The Ordinary niacinamide serum", ["the_ordinary"]),
        ("hm, not sure about that", []),
        ("dm me for the link", []),
        ("cheap shampoo bei dm", ["dm"]),
        ("I'm on cloud nine today", []),
        ("HOKA or On Cloud shoes", ["hoka", "on_running"]),
    ],
)
def test_alias_matching(eval_classifier, text: str, expected: list[str]) -> None:
    assert brands_of(eval_classifier, text) == expected


def test_default_catalog_shape(data_dir: Path) -> None:
    catalog = load_catalog(DEFAULT_CATALOG)
    evaluated = load_catalog(data_dir / "brands-eval.yaml")
    assert len(catalog.brands) >= 150
    assert 25 <= len(catalog.tracked_ids()) <= 35
    assert {b.category for b in catalog.brands} == {
        "beauty",
        "fashion",
        "tech",
        "home",
        "food_drink",
        "retail",
    }
    markets = {m for b in catalog.brands for m in b.markets}
    assert {"us", "dk", "nl", "de", "es", "fr"} <= markets
    for brand in evaluated.brands:
        mine = catalog.by_id[brand.id]
        assert set(brand.aliases) <= set(mine.aliases), brand.id
        assert mine.ambiguous == brand.ambiguous, brand.id


@pytest.mark.parametrize(
    "content",
    [
        "brands: [",  # not YAML
        "just a string",
        "brands: {id: x}",
        "brands:\n  - {id: Bad Id, aliases: [x]}",
        "brands:\n  - {id: x, aliases: []}",
        "brands:\n  - {id: x, aliases: [x]}\n  - {id: x, aliases: [y]}",
        "brands:\n  - {id: x, aliases: [x], ambiguous: maybe}",
    ],
)
def test_malformed_catalog_raises_catalog_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "brands.yaml"
    path.write_text(content)
    with pytest.raises(CatalogError):
        load_catalog(path)


def test_missing_catalog_raises_catalog_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError):
        load_catalog(tmp_path / "nope.yaml")


def test_brand_named_on_stays_a_string(tmp_path: Path) -> None:
    path = tmp_path / "brands.yaml"
    path.write_text("brands:\n  - {id: on_running, name: On, aliases: [on running, no]}\n")
    brand = load_catalog(path).brands[0]
    assert brand.name == "On" and brand.aliases == ("on running", "no")


def test_regex_metacharacters_in_aliases(tmp_path: Path) -> None:
    doc = {
        "brands": [
            {
                "id": "weird",
                "name": "W",
                "aliases": ["a+b (c)", "[x]*", "h&m", "e.l.f.", "c++", "\\d"],
            },
        ]
    }
    path = tmp_path / "brands.yaml"
    path.write_text(yaml.safe_dump(doc))
    clf = RuleClassifier(path)
    assert brands_of(clf, "nothing here, ab c, xx") == []
    assert brands_of(clf, "I love a+b (c) so much") == ["weird"]
    assert brands_of(clf, "E.L.F. and stuff") == ["weird"]
