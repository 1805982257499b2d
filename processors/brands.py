"""Brand catalog: loading and validation, and the alias table the phrase matcher uses.

The catalog format is that of ``brands-eval.yaml``: ``brands:`` a list of
``{id, name, aliases, ambiguous?, tracked?, category?, markets?}``. Aliases match as whole
tokens (see :mod:`processors.tokens`), in any case, multi-word or as a hashtag
(``stanley cup`` also matches ``#stanleycup``). Aliases of an ``ambiguous`` brand made
only of common words ("apple", "on cloud", "the ordinary", "dm") are *weak*: they count
only where the context makes the brand reading clear (see :func:`weak_mention_is_brand`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from deinfluence.errors import CatalogError
from deinfluence.processors.tokens import SENTENCE, WORD, token_kind, tokenize_phrase

_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,63}$")


class _CatalogLoader(yaml.SafeLoader):
    """YAML 1.2 booleans: a brand named ``On`` or an alias ``no`` stays a string."""


_CatalogLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_CatalogLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that make an alias of an ambiguous brand weak when it consists only of them.
COMMON_WORDS = _words(
    "the a an on in of and or cloud ordinary normal action apple prime drink shark running "
    "hm dm run go new one only all best good store pay us mango rituals chipotle"
)
# Evidence that a weak alias names the store/brand: shop and price talk near it.
COMMERCE_WORDS = _words(
    "haul store stores shop shops shopping winkel winkels butik butikker laden filiale filialen "
    "tienda tiendas magasin boutique boutiques sortiment assortiment huismerk drogerie supermarkt "
    "supermercado supermarché tilbud aanbieding angebot oferta sale rebajas soldes udsalg "
    "uitverkoop korting rabat rabatt descuento réduction price prijs pris preis precio precios "
    "prix kr € $ £ euro euros produkter producten produkte productos produits products product "
    "open opens opent åbner abre ouvre geöffnet öffnungszeiten horario cosmetics skincare "
    "serum serums toner niacinamide moisturizer shampoo sneakers shoes schuhe retinol retinal "
    "peeling hyaluronic azelaic salicylic squalane"
)
_OBJECT_PRONOUNS = _words("me mig mir mich moi mij")
_STORE_PREPOSITIONS = _words("bei beim im vom von aus zu zum dem bij naar van hos fra chez at")


@dataclass(frozen=True, slots=True)
class Brand:
    """One catalog entry."""

    id: str
    name: str
    aliases: tuple[str, ...]
    ambiguous: bool = False
    tracked: bool = False
    category: str | None = None
    markets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AliasHit:
    """Payload of an alias in the phrase index."""

    brand_id: str
    weak: bool


@dataclass(slots=True)
class Catalog:
    """A validated brand catalog."""

    brands: list[Brand]
    by_id: dict[str, Brand] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {b.id: b for b in self.brands}

    def tracked_ids(self) -> list[str]:
        """Ids of the headline brands (``tracked: true``), in catalog order."""
        return [b.id for b in self.brands if b.tracked]

    def alias_entries(self) -> list[tuple[tuple[str, ...], AliasHit]]:
        """(token sequence, hit) for every alias, its hashtag form and dotted variants."""
        out: list[tuple[tuple[str, ...], AliasHit]] = []
        for brand in self.brands:
            for alias in brand.aliases:
                out.extend(_alias_forms(alias, brand))
        return out


def _alias_forms(alias: str, brand: Brand) -> list[tuple[tuple[str, ...], AliasHit]]:
    toks = tokenize_phrase(alias.lstrip("#"))
    while toks and toks[-1] == ".":  # "e.l.f." is also written "e.l.f"
        toks = toks[:-1]
    if sum(len(t.replace(".", "")) for t in toks) < 2:
        return []  # "c++" or "[x]*" would shrink to one letter and match everything
    weak = brand.ambiguous and _is_weak(alias, toks)
    forms = [(toks, AliasHit(brand.id, weak))]
    if all(re.fullmatch(r"\w+", t) for t in toks):
        forms.append((("#" + "".join(toks),), AliasHit(brand.id, False)))
    return forms


def _is_weak(alias: str, toks: tuple[str, ...]) -> bool:
    if re.search(r"[^\w\s]", alias):  # "h&m", "e.l.f." are never everyday words
        return False
    return all(t in COMMON_WORDS or len(t) <= 2 for t in toks)


def load_catalog(path: Path) -> Catalog:
    """Read and validate a catalog YAML file.

    Raises:
        CatalogError: the file is missing, is not YAML, or an entry is malformed.
    """
    try:
        doc = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_CatalogLoader)  # noqa: S506
    except OSError as exc:
        raise CatalogError(f"cannot read brand catalog {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise CatalogError(f"brand catalog {path} is not valid YAML: {exc}") from exc
    return parse_catalog(doc, str(path))


def parse_catalog(doc: Any, source: str = "<catalog>") -> Catalog:
    """Validate a parsed catalog document (``{"brands": [...]}``)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("brands"), list):
        raise CatalogError(f"{source}: expected a mapping with a 'brands' list")
    brands: list[Brand] = []
    seen: set[str] = set()
    for index, entry in enumerate(doc["brands"]):
        brand = _parse_brand(entry, f"{source}: brands[{index}]")
        if brand.id in seen:
            raise CatalogError(f"{source}: brands[{index}]: duplicate id {brand.id!r}")
        seen.add(brand.id)
        brands.append(brand)
    return Catalog(brands)


def _parse_brand(entry: Any, where: str) -> Brand:
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: expected a mapping, got {type(entry).__name__}")
    bid, aliases = entry.get("id"), entry.get("aliases")
    if not isinstance(bid, str) or not _ID.match(bid):
        raise CatalogError(f"{where}: 'id' must be a lowercase identifier, got {bid!r}")
    if not isinstance(aliases, list) or not aliases:
        raise CatalogError(f"{where} ({bid}): 'aliases' must be a non-empty list")
    clean: list[str] = []
    for alias in aliases:
        if not isinstance(alias, str | int | float) or not str(alias).strip():
            raise CatalogError(f"{where} ({bid}): alias {alias!r} is not a non-empty string")
        clean.append(str(alias).strip())
    for flag in ("ambiguous", "tracked"):
        if flag in entry and not isinstance(entry[flag], bool):
            raise CatalogError(f"{where} ({bid}): {flag!r} must be true or false")
    markets = entry.get("markets") or ()
    if not isinstance(markets, list | tuple):
        raise CatalogError(f"{where} ({bid}): 'markets' must be a list")
    return Brand(
        id=bid,
        name=str(entry.get("name") or bid),
        aliases=tuple(clean),
        ambiguous=bool(entry.get("ambiguous", False)),
        tracked=bool(entry.get("tracked", False)),
        category=entry.get("category"),
        markets=tuple(str(m) for m in markets),
    )


def weak_mention_is_brand(
    toks: Sequence[str], orig: Sequence[str] | None, start: int, end: int, strong_at: Sequence[int]
) -> bool:
    """Decide whether a weak alias at ``toks[start:end]`` names the brand.

    Evidence: a store word right after it ("Action haul"), a store preposition before a
    two-letter alias ("bei dm"), a capitalised form mid-sentence ("koster 45 kr i Normal"),
    or, at a sentence start, shop talk or another brand nearby ("Action en HEMA ...").
    An interjection ("hm, ...") or a direct-message verb ("dm me") is never a brand.
    """
    n = len(toks)
    nxt = toks[end] if end < n else ""
    prv = toks[start - 1] if start > 0 else ""
    if nxt in _OBJECT_PRONOUNS:
        return False
    initial = start == 0 or token_kind(prv) == SENTENCE or prv.startswith("qqquote")
    short = end - start == 1 and len(toks[start]) <= 2
    if initial and short and nxt and token_kind(nxt) != WORD:
        return False
    if nxt in COMMERCE_WORDS or (short and prv in _STORE_PREPOSITIONS):
        return True
    if orig is not None and len(orig) == n and not initial and _capitalised(orig[start:end], short):
        return True
    if not initial:
        return False
    if (
        orig is not None
        and len(orig) == n
        and end - start > 1
        and all(s[:1].isupper() for s in orig[start:end])
    ):
        return True
    window = toks[max(0, start - 6) : end + 6]
    if any(t in COMMERCE_WORDS for t in window):
        return True
    return any(abs(p - start) <= 3 for p in strong_at)


def _capitalised(surface: Sequence[str], short: bool) -> bool:
    first = surface[0]
    if not first[:1].isupper():
        return False
    return not (short and first.isupper())  # "DM" is a direct message, "dm" the store
