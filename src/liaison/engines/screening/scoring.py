"""Scoring of one query against one watchlist name, with a readable explanation.

Why this shape: a compliance officer must be able to check every hit by reading it, so the score is built
from a few named pieces of evidence -- word-by-word name agreement after transliteration, then birth date,
country and registration number -- and each piece leaves a sentence in the explanation.  The name part is
an alignment of tokens (word order does not matter), weighted by what the word is: a surname counts more
than a common given name, a missing patronymic or a generic company word ("Zavod") hardly counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from liaison.engines.screening.names import (
    GIVEN_NAMES,
    MISSING_WEIGHT,
    ROLE_LABEL,
    ROLE_WEIGHT,
    Role,
    Token,
    patronymic_stem,
)

MIN_PAIR_SIMILARITY = 0.6
"""Below this, two words are different words, not a misspelling of one another."""


@dataclass(frozen=True, slots=True)
class NameScore:
    """Similarity of two names in [0, 1] and the sentences that justify it."""

    score: float
    reasons: tuple[str, ...]


def _similarity(query: Token, other: Token) -> tuple[float, str]:
    """Similarity of two words and how they relate ("equal after transliteration", "similar" ...)."""
    if query.folded == other.folded:
        return 1.0, "equal"
    if query.key == other.key:
        return 1.0, "equal after transliteration"
    if query.canon == other.canon:
        return 1.0, "Ukrainian/Russian forms of one name"
    if query.role == Role.INITIAL or other.role == Role.INITIAL:
        first, second = sorted((query.key, other.key), key=len)
        same = len(first) == 1 and second.startswith(first)
        return (0.9, "initial") if same else (0.0, "")
    if query.role == Role.PATRONYMIC and other.role == Role.PATRONYMIC:
        stems = patronymic_stem(query.key), patronymic_stem(other.key)
        if (
            stems[0]
            and stems[1]
            and GIVEN_NAMES.get(stems[0], stems[0]) == GIVEN_NAMES.get(stems[1], stems[1])
        ):
            return 1.0, "Ukrainian/Russian forms of one patronymic"
    similarity = max(OSA.normalized_similarity(query.key, other.key), _canon_similarity(query, other))
    return similarity, "similar"


def _canon_similarity(query: Token, other: Token) -> float:
    if query.canon == query.key and other.canon == other.key:
        return 0.0
    return OSA.normalized_similarity(query.canon, other.canon)


def _credit(similarity: float) -> float:
    """Turn a word similarity into credit: one typo in a long word costs little, two typos a lot."""
    if similarity >= 1.0:
        return 1.0
    return max(0.0, 1.0 - 2.2 * (1.0 - similarity))


def _label(token: Token) -> str:
    return ROLE_LABEL[token.role]


def _describe(query: Token, other: Token, relation: str, similarity: float) -> str:
    label = _label(other) if other.role != Role.INITIAL else _label(query)
    pair = other.text if query.text == other.text else f"{query.text} = {other.text}"
    if relation == "equal":
        return f"{label} equal ({pair})"
    if relation == "equal after transliteration":
        return f"{label} equal after transliteration ({pair})"
    if relation == "similar":
        return f"{label} {query.text}≈{other.text} similar ({similarity:.2f}: spelling difference or typo)"
    return f"{label} {query.text}≈{other.text}: {relation}"


def _align(query: Sequence[Token], other: Sequence[Token]) -> list[tuple[int, int, float, str]]:
    """Greedy best-first one-to-one word alignment; order-free, so "SHEVCHENKO Oleksandr" aligns too."""
    candidates = []
    for i, q in enumerate(query):
        for j, o in enumerate(other):
            similarity, relation = _similarity(q, o)
            if similarity >= MIN_PAIR_SIMILARITY:
                candidates.append((similarity, -abs(i - j), i, j, relation))
    candidates.sort(reverse=True)
    used_q: set[int] = set()
    used_o: set[int] = set()
    pairs = []
    for similarity, _, i, j, relation in candidates:
        if i not in used_q and j not in used_o:
            used_q.add(i)
            used_o.add(j)
            pairs.append((i, j, similarity, relation))
    return pairs


def _pair_weight(q: Token, o: Token) -> float:
    return (ROLE_WEIGHT[q.role] + ROLE_WEIGHT[o.role]) / 2.0


def score_names(query: Sequence[Token], other: Sequence[Token]) -> NameScore:
    """Weighted share of the two names that agrees, word by word; explains each agreeing and missing word."""
    if not query or not other:
        return NameScore(0.0, ())
    pairs = _align(query, other)
    gained = total = 0.0
    reasons: list[str] = []
    for i, j, similarity, relation in pairs:
        weight = _pair_weight(query[i], other[j])
        gained += weight * _credit(similarity)
        total += weight
        reasons.append(_describe(query[i], other[j], relation, similarity))
    matched_q = {i for i, _, _, _ in pairs}
    matched_o = {j for _, j, _, _ in pairs}
    for i, token in enumerate(query):
        if i not in matched_q:
            total += MISSING_WEIGHT[token.role] / 2.0
            reasons.append(f"{_label(token)} {token.text} not in listed name")
    for j, token in enumerate(other):
        if j not in matched_o:
            total += MISSING_WEIGHT[token.role] / 2.0
            reasons.append(f"listed {_label(token)} {token.text} not in query")
    return NameScore(gained / total if total else 0.0, tuple(reasons))


def score_joined(query: Sequence[Token], other: Sequence[Token]) -> float:
    """Similarity of the names written as one word ("Ukr Oboron Prom" = "Ukroboronprom")."""
    left = "".join(token.key for token in query)
    right = "".join(token.key for token in other)
    return OSA.normalized_similarity(left, right) if left and right else 0.0
