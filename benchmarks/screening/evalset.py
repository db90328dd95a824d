"""Deterministic, labelled evaluation set for name screening: a watchlist and queries with expected hits.

Why generated: there is no public labelled set of Ukrainian/Russian/German names in every romanisation,
and a seeded generator can cover each variant class on purpose.  Spellings come from the benchmark's own
romanisation tables (:mod:`benchmarks.screening.romanize`), never from the engine, so the test is not
circular.  Every query carries a ``variant`` label, so a regression shows which class broke.

True matches: romanisations (national, passport, BGN/PCGN, Duden, ISO 9), Ukrainian/Russian given-name
forms, patronymic dropped, word order, upper case, typos, birth date or year given, company legal forms
swapped, translated or dropped, other quotes, German umlauts as ae/oe/ue or dropped, registration number.
Hard non-matches: same surname with another given name, same name with a clearly different birth date,
namesake with another patronymic in another country, unlisted names, companies differing in the
distinctive word or the city, a person query carrying a company's name.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.screening.companies import company_negative, company_positive, make_companies
from benchmarks.screening.people import PersonSpec, make_people, person_negative, person_positive
from liaison.engines.screening.model import Entity, Query

PERSON_POSITIVES = (
    "national", "passport", "bgn", "duden", "iso9", "cyrillic-other-form", "latin-other-form",
    "no-patronymic", "word-order", "upper-case", "typo", "birth-date", "birth-year",
)  # fmt: skip
PERSON_NEGATIVES = ("same-surname-other-given", "same-name-other-birth-date", "namesake-other-country", "unlisted")
COMPANY_POSITIVES = (
    "legal-form-latin", "legal-form-english", "no-legal-form", "quotes", "company-romanized", "company-upper",
    "company-typo", "german-umlaut", "registration-number",
)  # fmt: skip
COMPANY_NEGATIVES = ("other-distinctive-word", "other-city", "person-query-company-name", "german-other-word")


@dataclass(frozen=True, slots=True)
class EvalQuery:
    """A query with the entity it must find first (``None``: it must find nothing)."""

    query: Query
    expected: str | None
    variant: str


@dataclass(frozen=True, slots=True)
class EvalSet:
    """Watchlist entities and labelled queries."""

    entities: tuple[Entity, ...]
    queries: tuple[EvalQuery, ...]

    @property
    def positives(self) -> int:
        return sum(1 for query in self.queries if query.expected is not None)


def _cycle(
    rng: random.Random,
    count: int,
    variants: tuple[str, ...],
    build: Callable[[random.Random, str, str], tuple[Query, str | None] | None],
    prefix: str,
) -> list[EvalQuery]:
    """Build ``count`` queries cycling through the variant classes; retries when a draw is unusable."""
    queries: list[EvalQuery] = []
    attempts = 0
    while len(queries) < count and attempts < count * 50:
        variant = variants[attempts % len(variants)]
        attempts += 1
        built = build(rng, variant, f"{prefix}{len(queries) + 1:04d}")
        if built is not None:
            queries.append(EvalQuery(built[0], built[1], variant))
    return queries


def generate(seed: int = 20240601, *, people: int = 500, companies: int = 250, queries: int = 800) -> EvalSet:
    """The evaluation set; same seed and sizes give exactly the same set."""
    rng = random.Random(seed)
    specs: list[PersonSpec] = make_people(rng, people)
    company_specs = make_companies(rng, companies)
    entities = [spec.entity for spec in specs] + [spec.entity for spec in company_specs]
    share = queries // 8
    cs = company_specs
    built = (
        _cycle(rng, share * 3, PERSON_POSITIVES, lambda r, v, i: person_positive(r, v, i, specs), "pp")
        + _cycle(rng, share * 2, PERSON_NEGATIVES, lambda r, v, i: person_negative(r, v, i, specs), "pn")
        + _cycle(rng, share * 2, COMPANY_POSITIVES, lambda r, v, i: company_positive(r, v, i, cs), "cp")
        + _cycle(rng, queries - share * 7, COMPANY_NEGATIVES, lambda r, v, i: company_negative(r, v, i, cs), "cn")
    )  # fmt: skip
    return EvalSet(tuple(entities), tuple(built))


def sample(evalset: EvalSet, size: int, seed: int = 1) -> EvalSet:
    """A reproducible random subset of the queries (same watchlist), for fast regression tests."""
    rng = random.Random(seed)
    picked = rng.sample(list(evalset.queries), min(size, len(evalset.queries)))
    return EvalSet(evalset.entities, tuple(picked))
