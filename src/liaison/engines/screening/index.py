"""The screening index: compact blocking postings over phonetic name keys, then careful scoring.

Why this design: a million watchlist entities as Python objects would need several gigabytes, and scoring
every entity per query would take seconds.  So the index keeps only what scoring needs -- the names as
strings, entity ids, a packed string of facts, and one numpy array of postings (token → name ids, in CSR
layout) -- and answers a query in two steps:

1. *Blocking*: each query word's canonical key (transliteration-free, given-name forms merged) and its
   vocabulary neighbours within one or two edits (typos) select names sharing that word; names are ranked by
   the summed rarity (idf) of what they share.  Very frequent words are skipped when rarer ones exist.
2. *Scoring*: the best :data:`MAX_CANDIDATES` names get the full token alignment and evidence scoring of
   :mod:`~liaison.engines.screening.scoring` and :mod:`~liaison.engines.screening.evidence`.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from liaison.engines.screening.evidence import (
    Evidence,
    normalize_country,
    normalize_date,
    normalize_registration,
    weigh,
)
from liaison.engines.screening.loaders import Source, iter_source
from liaison.engines.screening.model import MATCHABLE_SCHEMATA, Entity, Kind, Match, Query, kinds_compatible
from liaison.engines.screening.names import Role, Token, blocking_keys, tokenize
from liaison.engines.screening.scoring import score_joined, score_names, score_reseparated

DEFAULT_THRESHOLD = 0.8
"""Recommended production threshold; see docs/benchmarks/screening.md for the evaluation behind it."""
DEFAULT_LIMIT = 5
MAX_CANDIDATES = 30
MIN_SHARED = 0.6
RARE_ENOUGH = 1000  # once this many postings are gathered, words more frequent than FREQUENT only add weight
FREQUENT = 5000
JOINED_MIN = 0.9  # "Ukr Oboron Prom" written as one word counts only when nearly identical
RESEPARATE_BELOW = 0.9  # only a name that does not already match well is read across its spaces,
RESEPARATE_FROM = 0.3  # and only one that shares part of a word with the listed name (most candidates do not)
_FACT_SEP, _VALUE_SEP = "|", ";"
_NO_EVIDENCE = Evidence(0.0, 0.0, ())
_EMPTY = sys.intern("")

UIntArray = npt.NDArray[np.uint32]
# For each query kind, which entity kind codes (array positions) it may match.
_ALLOWED = {
    query: np.array([code in set(Kind) and kinds_compatible(query, Kind(code)) for code in range(max(Kind) + 1)])
    for query in Kind
}


@dataclass(frozen=True, slots=True)
class _Facts:
    dates: tuple[str, ...]
    countries: tuple[str, ...]
    numbers: tuple[str, ...]


def _pack_facts(facts: _Facts) -> str:
    """Facts of one entity as one short string: far smaller than three tuples per entity."""
    if not (facts.dates or facts.countries or facts.numbers):
        return _EMPTY
    return _FACT_SEP.join(_VALUE_SEP.join(part) for part in (facts.dates, facts.countries, facts.numbers))


def _normalized_facts(entity: Entity) -> _Facts:
    """Entities built in code (not by the loaders) may carry raw values: normalise like the loaders do."""
    return _Facts(
        tuple(date for value in entity.birth_dates if (date := normalize_date(value))),
        tuple(normalize_country(value) for value in entity.countries if value.strip()),
        tuple(number for value in entity.registration_numbers if (number := normalize_registration(value))),
    )


def _unpack_facts(packed: str) -> _Facts:
    if not packed:
        return _Facts((), (), ())
    dates, countries, numbers = (tuple(filter(None, part.split(_VALUE_SEP))) for part in packed.split(_FACT_SEP))
    return _Facts(dates, countries, numbers)


class _Builder:
    """Accumulates entities into flat arrays; turned into an immutable :class:`Index` by ``finish``."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.first_name = array("I")
        self.kinds = bytearray()
        self.schemas = bytearray()
        self.list_of = array("H")
        self.facts: list[str] = []
        self.names: list[str] = []
        self.name_entity = array("I")
        self.vocab: dict[str, int] = {}
        self.post_token = array("I")
        self.post_name = array("I")
        self.schema_codes: dict[str, int] = {}
        self.list_codes: dict[tuple[str, str], int] = {}

    def _code(self, table: dict[str, int] | dict[tuple[str, str], int], value: object) -> int:
        return table.setdefault(value, len(table))  # type: ignore[arg-type]

    def _post(self, key: str, name_id: int) -> None:
        token = self.vocab.setdefault(key, len(self.vocab))
        self.post_token.append(token)
        self.post_name.append(name_id)

    def add(self, entity: Entity) -> None:
        entity_id = len(self.ids)
        kind = MATCHABLE_SCHEMATA[entity.schema]
        self.ids.append(entity.id)
        self.kinds.append(kind)
        self.schemas.append(self._code(self.schema_codes, entity.schema))
        self.list_of.append(self._code(self.list_codes, (entity.list_name, entity.list_version)))
        facts = _normalized_facts(entity)
        self.facts.append(_pack_facts(facts))
        first_name = len(self.names)
        self.first_name.append(first_name)
        for name in entity.names:
            name_id = len(self.names)
            self.names.append(name)
            self.name_entity.append(entity_id)
            keys = blocking_keys(name, kind)
            if kind != Kind.PERSON and 2 <= len(keys) <= 3:
                keys.append("".join(keys))  # "Ukr Oboron Prom" is also found as "Ukroboronprom"
            for key in set(keys):
                self._post(key, name_id)
        for number in facts.numbers:
            self._post("#" + number, first_name)

    def finish(self) -> Index:
        tokens = np.frombuffer(self.post_token, dtype=np.uint32)
        names = np.frombuffer(self.post_name, dtype=np.uint32)
        order = np.argsort(tokens, kind="stable")
        offsets = np.zeros(len(self.vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(tokens, minlength=len(self.vocab)), out=offsets[1:])
        return Index(self, names[order].copy(), offsets)


class Index:
    """Screening index over one or many watchlists; build with :meth:`build` or :meth:`from_sources`."""

    def __init__(self, built: _Builder, postings: UIntArray, offsets: npt.NDArray[np.int64]) -> None:
        self._ids = built.ids
        self._first_name = built.first_name
        self._first_name.append(len(built.names))  # sentinel: names of entity e are first[e]:first[e + 1]
        self._schemas = {code: schema for schema, code in built.schema_codes.items()}
        self._lists = {code: pair for pair, code in built.list_codes.items()}
        self._entity_schema = bytes(built.schemas)
        self._kinds = bytes(built.kinds)
        self._entity_list = built.list_of
        self._facts = built.facts
        self._names = built.names
        self._name_entity = np.frombuffer(built.name_entity, dtype=np.uint32)
        self._name_kind = np.frombuffer(bytes(built.kinds), dtype=np.uint8)[self._name_entity]
        self._vocab = built.vocab
        self._postings = postings
        self._offsets = offsets
        self._idf = np.log((len(built.names) + 1) / (np.diff(offsets) + 1.0)) + 1.0
        words = [key for key in built.vocab if not key.startswith("#")]
        self._sorted = sorted(words)
        self._reversed = sorted(key[::-1] for key in words)
        self._neighbours: dict[str, tuple[tuple[int, float], ...]] = {}

    @classmethod
    def build(cls, entities: Iterable[Entity]) -> Index:
        """Index entities from any iterable (a list, or loader generators chained for several lists)."""
        builder = _Builder()
        for entity in entities:
            builder.add(entity)
        return builder.finish()

    @classmethod
    def from_sources(cls, sources: Sequence[Source], *, progress: bool = False) -> Index:
        """Stream watchlist files straight into an index; any bad line raises before an index exists."""
        builder = _Builder()
        for source in sources:
            for entity in iter_source(source, progress=progress):
                builder.add(entity)
        return builder.finish()

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def lists(self) -> list[tuple[str, str]]:
        """(name, version) of every list in the index, in load order."""
        return [self._lists[code] for code in sorted(self._lists)]

    def _slice_neighbours(self, key: str, ordered: list[str], reverse: bool) -> list[tuple[str, float]]:
        probe = key[::-1] if reverse else key
        # A transposition touches two letters, so short words need a short prefix: for six letters only a
        # two-letter prefix or suffix is sure to survive one slip.
        shortest = 2 if len(key) < 8 else 3
        for size in range(shortest, 6):
            lo = bisect_left(ordered, probe[:size])
            hi = bisect_left(ordered, probe[:size] + "\x7f")
            if hi - lo <= 1500:
                break
        limit = 1 if len(key) < 8 else 2
        found = process.extract(probe, ordered[lo:hi], scorer=OSA.distance, score_cutoff=limit, limit=None)
        return [(word[::-1] if reverse else word, 1.0 - dist / len(key)) for word, dist, _ in found]

    def _token_ids(self, key: str) -> tuple[tuple[int, float], ...]:
        """Vocabulary entries for a query word: itself, and for longer words its one- or two-edit typos."""
        cached = self._neighbours.get(key)
        if cached is not None:
            return cached
        found: dict[int, float] = {}
        if key in self._vocab:
            found[self._vocab[key]] = 1.0
        if len(key) >= 4 and not key.startswith("#"):
            for reverse, ordered in ((False, self._sorted), (True, self._reversed)):
                for word, similarity in self._slice_neighbours(key, ordered, reverse):
                    token = self._vocab[word]
                    found[token] = max(found.get(token, 0.0), similarity)
        result = tuple(found.items())
        if len(self._neighbours) > 200_000:
            self._neighbours.clear()
        self._neighbours[key] = result
        return result

    def _blocks(self, keys: Iterable[str]) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
        """(token, weight) blocks for the query, rarest first, split into the blocks that propose
        candidates and the frequent ones (a common given name) that only add weight to them."""
        blocks = [(token, similarity) for key in set(keys) for token, similarity in self._token_ids(key)]
        blocks.sort(key=lambda block: self._offsets[block[0] + 1] - self._offsets[block[0]])
        chosen: list[tuple[int, float]] = []
        frequent: list[tuple[int, float]] = []
        gathered = 0
        for token, similarity in blocks:
            size = int(self._offsets[token + 1] - self._offsets[token])
            weighted = (token, similarity * float(self._idf[token]))
            if chosen and gathered >= RARE_ENOUGH and size > FREQUENT:
                frequent.append(weighted)
            else:
                chosen.append(weighted)
                gathered += size
        return chosen, frequent

    def _posting(self, token: int) -> UIntArray:
        part: UIntArray = self._postings[self._offsets[token] : self._offsets[token + 1]]
        return part

    def _candidates(self, keys: list[str], kind: Kind) -> UIntArray:
        """Name ids sharing the most (rarity-weighted) words with the query, of a compatible schema.

        Frequent words do not propose candidates, but still weigh in: among 3,000 listed Shevchenkos the one
        also called Oleksandr must rank first.  Names whose shared weight is below :data:`MIN_SHARED` of
        the best candidate's cannot reach a useful score and are not scored at all.
        """
        chosen, frequent = self._blocks(keys)
        if not chosen:
            return np.zeros(0, dtype=np.uint32)
        slices = [self._posting(token) for token, _ in chosen]
        weights = np.repeat([weight for _, weight in chosen], [len(part) for part in slices])
        unique, inverse = np.unique(np.concatenate(slices), return_inverse=True)
        totals = np.bincount(inverse, weights=weights)
        keep = _ALLOWED[kind][self._name_kind[unique]]
        unique, totals = unique[keep], totals[keep]
        if len(unique) == 0:
            return np.zeros(0, dtype=np.uint32)
        for token, weight in frequent:  # postings are sorted: membership by binary search
            posting = self._posting(token)
            found = np.minimum(np.searchsorted(posting, unique), len(posting) - 1)
            totals += weight * (posting[found] == unique)
        strong = totals >= MIN_SHARED * totals.max()
        unique, totals = unique[strong], totals[strong]
        if len(unique) > MAX_CANDIDATES:
            unique = unique[np.argpartition(-totals, MAX_CANDIDATES)[:MAX_CANDIDATES]]
        result: UIntArray = unique
        return result

    def _known_patronymics(self, entity: int, kind: Kind) -> list[Token]:
        """Patronymics stated in any of the entity's names (its names have consecutive ids)."""
        first, last = self._first_name[entity], self._first_name[entity + 1]
        names = (tokenize(self._names[name_id], kind) for name_id in range(first, last))
        return [token for tokens in names for token in tokens if token.role == Role.PATRONYMIC]

    def _score_name(
        self, query: Sequence[tuple[Token, ...]], name_id: int, entity: int, explain: bool
    ) -> tuple[float, list[str]]:
        """Best name score of the query's names against one listed name (and its sentences if asked)."""
        kind = Kind(self._kinds[entity])
        listed = tokenize(self._names[name_id], kind)
        has_patronymic = kind == Kind.PERSON and any(t.role == Role.PATRONYMIC for ts in query for t in ts)
        known = self._known_patronymics(entity, kind) if has_patronymic else []
        best_score, best_reasons = 0.0, [""]
        for tokens in query:
            named = score_names(tokens, listed, known, explain=explain)
            if named.score > best_score:
                best_score, best_reasons = named.score, list(named.reasons)
            joined = score_joined(tokens, listed)
            if joined >= JOINED_MIN and joined > best_score and len(tokens) != len(listed):
                best_score, best_reasons = joined, [f"name equal when written as one word ({joined:.2f})"]
            if RESEPARATE_FROM <= best_score < RESEPARATE_BELOW:
                reseparated, words = score_reseparated(tokens, listed)
                if reseparated > best_score:
                    best_score = reseparated
                    best_reasons = [f"same letters as {words} with the spaces elsewhere ({reseparated:.2f})"]
        return best_score, best_reasons

    def _evidence(self, query: Query, entity: int) -> Evidence:
        if not (query.birth_dates or query.countries or query.registration_numbers):
            return _NO_EVIDENCE  # nothing to compare: skip unpacking the entity's facts
        facts = _unpack_facts(self._facts[entity])
        return weigh(
            (query.birth_dates, facts.dates),
            (query.countries, facts.countries),
            (query.registration_numbers, facts.numbers),
        )

    def _score(self, query: Query, query_tokens: Sequence[tuple[Token, ...]], name_id: int) -> float:
        """Score of one candidate name before clipping to [0, 1], without building the explanation.

        Unclipped, so that among hits that all reach 1.0 the one with more agreeing evidence ranks first.
        """
        entity = int(self._name_entity[name_id])
        name_score, _ = self._score_name(query_tokens, name_id, entity, explain=False)
        evidence = self._evidence(query, entity)
        return max(name_score + evidence.delta, evidence.floor)

    def _match(self, query: Query, query_tokens: Sequence[tuple[Token, ...]], name_id: int) -> Match:
        """A reported hit, with the explanation built."""
        entity = int(self._name_entity[name_id])
        name_score, reasons = self._score_name(query_tokens, name_id, entity, explain=True)
        evidence = self._evidence(query, entity)
        score = min(1.0, max(0.0, name_score + evidence.delta, evidence.floor))
        reasons = [reason for reason in reasons if reason] + list(evidence.reasons)
        list_name, version = self._lists[self._entity_list[entity]]
        schema = self._schemas[self._entity_schema[entity]]
        return Match(
            query.id, self._ids[entity], score, self._names[name_id], "; ".join(reasons), list_name, version,
            schema, tuple(reasons),
        )  # fmt: skip

    def screen(self, query: Query, *, threshold: float = DEFAULT_THRESHOLD, limit: int = DEFAULT_LIMIT) -> list[Match]:
        """Best hits for ``query`` with score ≥ ``threshold``, at most ``limit``, best first."""
        query = normalize_query(query)
        kind = MATCHABLE_SCHEMATA[query.schema]
        query_tokens = [tokens for name in query.names if (tokens := tokenize(name, kind))]
        keys = [token.canon for tokens in query_tokens for token in tokens]
        keys += ["".join(token.key for token in tokens) for tokens in query_tokens if len(tokens) > 1]
        keys += ["#" + number for number in query.registration_numbers]
        best: dict[int, tuple[float, int]] = {}  # entity → (score, name id)
        for name_id in self._candidates(keys, kind).tolist():
            score = self._score(query, query_tokens, name_id)
            entity = int(self._name_entity[name_id])
            if min(score, 1.0) >= threshold and score > best.get(entity, (-1.0, 0))[0]:
                best[entity] = (score, name_id)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], self._ids[item[0]]))
        cut = _cut_with_ties([score for _, (score, _) in ranked], limit)
        return [self._match(query, query_tokens, name_id) for _, (_, name_id) in ranked[:cut]]


def _cut_with_ties(scores: Sequence[float], limit: int) -> int:
    """How many hits to report: ``limit``, and every further hit as good as the last one reported, so that
    of two listed namesakes the query cannot tell apart neither is hidden (issue 8)."""
    if len(scores) <= limit or limit <= 0:
        return min(len(scores), max(limit, 0))
    cut = limit
    while cut < len(scores) and min(scores[cut], 1.0) >= min(scores[limit - 1], 1.0) - 1e-9:
        cut += 1
    return cut


def normalize_query(query: Query) -> Query:
    """Normalise the query's facts the way the loaders normalise the watchlist's."""
    dates = tuple(date for value in query.birth_dates if (date := normalize_date(value)))
    countries = tuple(normalize_country(value) for value in query.countries if value.strip())
    numbers = tuple(number for value in query.registration_numbers if (number := normalize_registration(value)))
    return Query(query.id, query.schema, query.names, dates, countries, numbers)
