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
from functools import lru_cache
from itertools import combinations, permutations

from rapidfuzz.distance import OSA

from liaison.engines.screening.names import (
    GIVEN_NAME_KEYS,
    MISSING_WEIGHT,
    NICKNAMES,
    ROLE_LABEL,
    ROLE_WEIGHT,
    Role,
    Token,
)
from liaison.engines.translit import phonetic_key

MIN_PAIR_SIMILARITY = 0.6
"""Below this, two words are different words, not a misspelling of one another."""
ONE_EDIT_CREDIT = 0.85
FIRST_LETTER_CREDIT = 0.5
TWO_EDIT_CREDIT = 0.7
NICKNAME_CREDIT = 0.9
"""A diminutive (Саша) for the full name (Олександр) on the other side: nearly, not quite, the same word."""
PATRONYMIC_CONFLICT = 0.6
"""Weight of a patronymic on each side when both names have one and they differ: another father."""


@dataclass(frozen=True, slots=True)
class NameScore:
    """Similarity of two names in [0, 1] and the sentences that justify it."""

    score: float
    reasons: tuple[str, ...]


def _similarity(query: Token, other: Token) -> tuple[float, str, int]:
    """Similarity of two words, how they relate ("equal after transliteration", "similar" ...) and the
    number of edits between them."""
    if query.key == other.key:
        return 1.0, "equal", 0  # _describe tells "equal" from "equal after transliteration"
    if query.canon == other.canon:
        patronymic = query.role == Role.PATRONYMIC and other.role == Role.PATRONYMIC
        return 1.0, "Ukrainian/Russian forms of one " + ("patronymic" if patronymic else "name"), 0
    if other.canon in NICKNAMES.get(query.key, ()) or query.canon in NICKNAMES.get(other.key, ()):
        return NICKNAME_CREDIT, "short form of one name", 0
    if query.role == Role.INITIAL or other.role == Role.INITIAL:
        first, second = sorted((query.key, other.key), key=len)
        same = len(first) == 1 and second.startswith(first)
        return (0.9, "initial", 1) if same else (0.0, "", 99)
    edits = _edits(query.key, query.canon, other.key, other.canon)
    return max(0.0, 1.0 - edits / max(len(query.key), len(other.key))), "similar", edits


@lru_cache(maxsize=1 << 16)
def _edits(query_key: str, query_canon: str, other_key: str, other_canon: str) -> int:
    """Fewest edits between two words, also trying every listed form of a given name, so that a typo in
    the Russian form of a name listed in its Ukrainian form is still one typo.  Cached: the same word
    pairs recur across candidates and queries."""
    best = OSA.distance(query_key, other_key)
    if best <= 1 or (query_canon == query_key and other_canon == other_key):
        return best
    best = min(best, OSA.distance(query_canon, other_canon))
    for form in GIVEN_NAME_KEYS.get(other_canon, ()):
        best = min(best, OSA.distance(query_key, form))
    for form in GIVEN_NAME_KEYS.get(query_canon, ()):
        best = min(best, OSA.distance(form, other_key))
    return best


def _credit(query: Token, other: Token, edits: int) -> float:
    """Credit for an aligned word pair, by edit count: one slip in a word of five or more letters still
    counts as the same word (unless it is the first letter), two slips only in long words; otherwise the
    credit decays fast."""
    if edits == 0:
        return 1.0
    length = max(len(query.key), len(other.key))
    if edits == 1 and query.key[:1] != other.key[:1] and query.canon[:1] != other.canon[:1]:
        return FIRST_LETTER_CREDIT  # Харченко/Марченко: people seldom mistype the first letter
    if edits == 1 and length >= 5:
        return ONE_EDIT_CREDIT
    if edits == 2 and length >= 10:
        return TWO_EDIT_CREDIT
    return max(0.0, 1.0 - 2.2 * edits / length)


def _label(token: Token) -> str:
    return ROLE_LABEL[token.role]


def _describe(query: Token, other: Token, relation: str, similarity: float) -> str:
    label = _label(other) if other.role != Role.INITIAL else _label(query)
    pair = other.text if query.text == other.text else f"{query.text} = {other.text}"
    if relation == "equal" and query.folded == other.folded:
        return f"{label} equal ({pair})"
    if relation == "equal":
        return f"{label} equal after transliteration ({pair})"
    if relation == "similar":
        return f"{label} {query.text}≈{other.text} similar ({similarity:.2f}: spelling difference or typo)"
    return f"{label} {query.text}≈{other.text}: {relation}"


Pair = tuple[int, int, float, str, int]  # query index, listed index, similarity, relation, edits


def _align(query: Sequence[Token], other: Sequence[Token]) -> list[Pair]:
    """Greedy best-first one-to-one word alignment; order-free, so "SHEVCHENKO Oleksandr" aligns too."""
    candidates = []
    for i, q in enumerate(query):
        for j, o in enumerate(other):
            similarity, relation, edits = _similarity(q, o)
            if similarity >= MIN_PAIR_SIMILARITY:
                candidates.append((similarity, -abs(i - j), i, j, relation, edits))
    candidates.sort(reverse=True)
    used_q: set[int] = set()
    used_o: set[int] = set()
    pairs = []
    for similarity, _, i, j, relation, edits in candidates:
        if i not in used_q and j not in used_o:
            used_q.add(i)
            used_o.add(j)
            pairs.append((i, j, similarity, relation, edits))
    return pairs


def _missing_weight(token: Token, conflict: bool) -> float:
    """Half the word's weight (pairs count the mean of both sides); a conflicting patronymic counts fully."""
    if conflict and token.role == Role.PATRONYMIC:
        return PATRONYMIC_CONFLICT
    return MISSING_WEIGHT[token.role] / 2.0


def _pair_weight(q: Token, o: Token) -> float:
    return (ROLE_WEIGHT[q.role] + ROLE_WEIGHT[o.role]) / 2.0


def _patronymic_conflict(missing_q: Sequence[Token], missing_o: Sequence[Token], known: Sequence[Token]) -> bool:
    """Both sides name a father and the names differ.  ``known`` holds the entry's patronymics from its
    other names, so an alias without patronymic cannot hide a conflict the entry's full name reveals."""
    query_patronymics = [token for token in missing_q if token.role == Role.PATRONYMIC]
    if not query_patronymics:
        return False
    if any(token.role == Role.PATRONYMIC for token in missing_o):
        return True
    return any(all(_similarity(q, k)[2] > 1 for q in query_patronymics) for k in known)


def score_names(
    query: Sequence[Token], other: Sequence[Token], known: Sequence[Token] = (), *, explain: bool = True
) -> NameScore:
    """Weighted share of the two names that agrees, word by word; explains each agreeing and missing word.

    ``known`` are patronymics the listed entry states in its other names (see :func:`_patronymic_conflict`).
    With ``explain=False`` no sentences are built: the index scores many candidates and explains only the
    few it reports.
    """
    if not query or not other:
        return NameScore(0.0, ())
    pairs = _align(query, other)
    gained = total = 0.0
    reasons: list[str] = []
    for i, j, similarity, relation, edits in sorted(pairs):  # explain in the query's word order
        weight = _pair_weight(query[i], other[j])
        nickname = relation == "short form of one name"
        gained += weight * (NICKNAME_CREDIT if nickname else _credit(query[i], other[j], edits))
        total += weight
        if explain:
            reasons.append(_describe(query[i], other[j], relation, similarity))
    matched_q = {pair[0] for pair in pairs}
    matched_o = {pair[1] for pair in pairs}
    missing_q = [token for i, token in enumerate(query) if i not in matched_q]
    missing_o = [token for j, token in enumerate(other) if j not in matched_o]
    conflict = _patronymic_conflict(missing_q, missing_o, known)
    if conflict and not any(t.role == Role.PATRONYMIC for t in missing_o):
        total += PATRONYMIC_CONFLICT  # the entry's father's name, stated in another of its names
    total += sum(_missing_weight(token, conflict) for token in missing_q)
    total += sum(_missing_weight(token, conflict) for token in missing_o)
    if explain:
        reasons.extend(f"{_label(token)} {token.text} not in listed name" for token in missing_q)
        reasons.extend(f"listed {_label(token)} {token.text} not in query" for token in missing_o)
        if conflict:
            reasons.append("patronymics differ: probably a different person")
    return NameScore(gained / total if total else 0.0, tuple(reasons))


def score_joined(query: Sequence[Token], other: Sequence[Token]) -> float:
    """Similarity of the names written as one word ("Ukr Oboron Prom" = "Ukroboronprom")."""
    left = "".join(token.key for token in query)
    right = "".join(token.key for token in other)
    return OSA.normalized_similarity(left, right) if left and right else 0.0


def score_reseparated(query: Sequence[Token], other: Sequence[Token]) -> tuple[float, str]:
    """The query's letters equal the listed words', read across the spaces: a letter slipped over a word boundary
    ("MikhailS hcherbakov"), two words run together ("NikolaewitschGerasimow"). The listed words may stand in any
    order and a subset of them may be given; the words the query leaves out cost what a missing word costs.
    Returns the score and the listed words it matched, or (0, "") when the letters do not agree exactly."""
    if not query or not other or len(other) > 4 or len(query) > 4:
        return 0.0, ""
    left = phonetic_key("".join(token.text for token in query))
    lengths = [len(token.key) for token in other]
    best, words = 0.0, ""
    for size in range(len(other), 1, -1):
        for subset in combinations(range(len(other)), size):
            if abs(sum(lengths[i] for i in subset) - len(left)) > 2:
                continue  # cheap: the keys' lengths already differ (keys change little across a boundary)
            covered = sum(ROLE_WEIGHT[other[i].role] for i in subset)
            missing = sum(MISSING_WEIGHT[t.role] / 2.0 for j, t in enumerate(other) if j not in subset)
            if covered / (covered + missing) <= best:
                continue
            for chosen in permutations(subset):
                first, last = other[chosen[0]].key, other[chosen[-1]].key
                if first[:2] != left[:2] or last[-2:] != left[-2:]:
                    continue  # joining words changes their keys only where they meet, never at the ends
                if phonetic_key("".join(other[i].text for i in chosen)) == left:
                    best, words = covered / (covered + missing), " ".join(other[i].text for i in chosen)
                    break
    return best, words
