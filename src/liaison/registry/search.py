"""Search keys and ranking for organisations and people: "Kharkiv" finds "Харків", "Schewtschenko" finds
"Шевченко", "Muller" finds "Müller". Keys come from engines.translit, the same keys the screening engine uses."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from rapidfuzz import fuzz

from liaison.engines.translit import fold, search_keys

# Legal forms say nothing about which company is meant; they are dropped from name keys.
LEGAL_FORMS = frozenset(
    fold(x)
    for x in [
        "GmbH",
        "AG",
        "KG",
        "OHG",
        "SE",
        "UG",
        "GmbH & Co. KG",
        "e.V.",
        "mbH",
        "Co",
        "LLC",
        "Ltd",
        "Inc",
        "JSC",
        "PJSC",
        "PrJSC",
        "SE",
        "ТОВ",
        "ТзОВ",
        "ПАТ",
        "ПрАТ",
        "АТ",
        "ДП",
        "ДК",
        "ПП",
        "НВП",
        "НВО",
        "ТОВ НВП",
        "TOV",
        "PrAT",
        "PAT",
        "DP",
        "SA",
        "SAS",
        "BV",
        "NV",
        "Oy",
        "AB",
        "AS",
        "ApS",
        "Sp",
        "z",
        "o",
        "oo",
    ]
)


def _keys(texts: Iterable[str]) -> list[str]:
    keys: list[str] = []
    for text in texts:
        if text:
            keys.extend(search_keys(text))
    return keys


def document(texts: Iterable[str]) -> str:
    """The stored search document: space-separated keys, wrapped in spaces so ' key' matches word starts."""
    keys = _keys(texts)
    return " " + " ".join(dict.fromkeys(keys)) + " " if keys else ""


# The searched fields of an organisation by the field group that shows them ("" = shown with any group).
SEARCHED_FIELDS: dict[str, tuple[str, ...]] = {
    "": ("legal_name", "short_name"),
    "profile": ("name_de", "name_uk", "name_en"),
    "address": ("city", "region"),
}
# Names used for ranking results; a name from a group the viewer cannot read must not order them.
RANKED_NAMES: tuple[tuple[str, str], ...] = (
    ("legal_name", ""),
    ("short_name", ""),
    ("name_de", "profile"),
    ("name_uk", "profile"),
    ("name_en", "profile"),
)


def organisation_documents(org: Any) -> tuple[str, str]:
    """``(search_text, shared_search_text)``: keys of every searched field (for staff and the organisation's
    own people), and keys of the names plus the groups it shares (for other companies)."""
    shared = set(getattr(org, "shared_groups", None) or [])
    texts = {group: [getattr(org, name, "") or "" for name in names] for group, names in SEARCHED_FIELDS.items()}
    everything = [t for group_texts in texts.values() for t in group_texts]
    shared_texts = [t for group, group_texts in texts.items() if group == "" or group in shared for t in group_texts]
    return document(everything), document(shared_texts)


def rank_names(values: Iterable[str], groups: Collection[str] | None) -> list[str]:
    """The names of one row (in ``RANKED_NAMES`` order) that may rank it; ``groups=None`` means all."""
    pairs = zip(values, RANKED_NAMES, strict=True)
    return [value if groups is None or group == "" or group in groups else "" for value, (_n, group) in pairs]


def name_key(name: str) -> str:
    """A compact key of a company name without legal forms, for duplicate detection."""
    words = [w for w in fold(name).split() if w not in LEGAL_FORMS]
    return " ".join(_keys(words))


def query_keys(query: str) -> list[str]:
    return [k for k in _keys([query]) if k]


def rank(query: str, candidates: Iterable[tuple[int, list[str]]]) -> list[int]:
    """Order candidate ids by how well their names match the query (best first)."""
    q = fold(query)
    qk = " ".join(query_keys(query))
    scored = []
    for pk, names in candidates:
        best = 0.0
        for name in names:
            if not name:
                continue
            folded = fold(name)
            score = max(fuzz.WRatio(q, folded), fuzz.token_set_ratio(qk, " ".join(_keys([name]))))
            if folded.startswith(q):
                score += 10
            best = max(best, score)
        scored.append((-best, pk))
    scored.sort()
    return [pk for _score, pk in scored]


def similar(a: str, b: str) -> float:
    """Similarity of two name keys in [0, 100]."""
    return float(fuzz.token_sort_ratio(a, b))
