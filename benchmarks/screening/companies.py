"""Listed companies and company queries for the evaluation set."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from benchmarks.screening.romanize import SYSTEMS, romanize
from benchmarks.screening.tables import (
    CITY_ADJECTIVES_RU,
    CITY_ADJECTIVES_UA,
    DISTINCTIVE,
    GENERIC_UA,
    GERMAN_COMPANY_WORDS,
    GERMAN_LEGAL,
    GERMAN_SURNAMES,
    LEGAL_RU,
    LEGAL_UA,
    RU_SURNAMES,
    UA_SURNAMES,
)
from benchmarks.screening.variants import german_spelling, typo_in_longest
from liaison.engines.screening.model import Entity, Query

LIST_NAME, LIST_VERSION = "eval-companies", "2024-06-01"
QUOTES = (("«", "»"), ("„", "“"), ('"', '"'), ("'", "'"), ("", ""))


@dataclass(frozen=True, slots=True)
class CompanySpec:
    """A listed company by its parts, so queries can re-assemble it in other spellings."""

    id: str
    lang: str  # "ua", "ru" or "de"
    legal: int
    city: str
    generic: str
    distinctive: str
    number: str
    entity: Entity


def _legal(spec: CompanySpec) -> tuple[str, ...]:
    if spec.lang == "de":
        return (GERMAN_LEGAL[spec.legal],) * 3
    return (LEGAL_UA if spec.lang == "ua" else LEGAL_RU)[spec.legal]


def core(spec: CompanySpec) -> str:
    """The name without legal form or quotes."""
    return " ".join(word for word in (spec.city, spec.generic, spec.distinctive) if word)


def assemble(spec: CompanySpec, legal: str, quotes: tuple[str, str] = ("«", "»")) -> str:
    if spec.lang == "de":
        return f"{core(spec)} {legal}".strip()
    return f"{legal} {quotes[0]}{core(spec)}{quotes[1]}".strip()


def _entity(spec: CompanySpec, rng: random.Random) -> Entity:
    names = [assemble(spec, _legal(spec)[0])]
    if spec.lang != "de" and rng.random() < 0.5:
        names.append(romanize(f"{_legal(spec)[1]} {core(spec)}", "national" if spec.lang == "ua" else "passport"))
    country = {"ua": "ua", "ru": "ru", "de": "de"}[spec.lang]
    numbers = (spec.number,) if spec.number else ()
    return Entity(spec.id, "Company", tuple(names), (), (country,), numbers, LIST_NAME, LIST_VERSION)


def _draw(rng: random.Random, number: int) -> CompanySpec:
    lang = rng.choice(("ua", "ua", "ru", "de"))
    if lang == "de":
        return CompanySpec(
            f"c{number:05d}", lang, rng.randrange(len(GERMAN_LEGAL)), "", rng.choice(GERMAN_COMPANY_WORDS),
            rng.choice(GERMAN_SURNAMES), "", None,  # type: ignore[arg-type]
        )  # fmt: skip
    cities = CITY_ADJECTIVES_UA if lang == "ua" else CITY_ADJECTIVES_RU
    city = rng.choice(cities) if rng.random() < 0.6 else ""
    generic = rng.choice(GENERIC_UA) if lang == "ua" else rng.choice(("завод", ""))
    legal = rng.randrange(len(LEGAL_UA if lang == "ua" else LEGAL_RU))
    digits = 8 if lang == "ua" else 13
    reg = "".join(str(rng.randrange(10)) for _ in range(digits)) if rng.random() < 0.7 else ""
    return CompanySpec(f"c{number:05d}", lang, legal, city, generic, rng.choice(DISTINCTIVE), reg, None)  # type: ignore[arg-type]


def make_companies(rng: random.Random, count: int) -> list[CompanySpec]:
    """``count`` listed companies with distinct name cores."""
    cores: set[str] = set()
    companies: list[CompanySpec] = []
    while len(companies) < count:
        spec = _draw(rng, len(companies) + 1)
        if core(spec) not in cores:
            cores.add(core(spec))
            companies.append(replace(spec, entity=_entity(spec, rng)))
    return companies


def _render(spec: CompanySpec, variant: str, rng: random.Random) -> str:
    legal_cyr, legal_lat, legal_en = _legal(spec)
    if spec.lang == "de":
        text = assemble(spec, "" if variant == "no-legal-form" else legal_en)
        return german_spelling(text, rng) if variant == "german-umlaut" or rng.random() < 0.3 else text
    legal = {"legal-form-latin": legal_lat, "legal-form-english": legal_en, "no-legal-form": ""}.get(
        variant, rng.choice((legal_cyr, legal_lat, legal_en, ""))
    )
    text = assemble(spec, legal, rng.choice(QUOTES))
    if variant in ("legal-form-latin", "legal-form-english", "company-romanized") or rng.random() < 0.4:
        text = f"{legal} {romanize(core(spec), rng.choice(SYSTEMS))}".strip()
    if variant == "company-typo":
        text = typo_in_longest(text, rng)
    return text.upper() if variant == "company-upper" or rng.random() < 0.1 else text


def company_positive(
    rng: random.Random, variant: str, query_id: str, companies: list[CompanySpec]
) -> tuple[Query, str] | None:
    if variant == "german-umlaut":
        companies = [spec for spec in companies if spec.lang == "de"]
    elif variant == "registration-number":
        companies = [spec for spec in companies if spec.number]
    spec = rng.choice(companies)
    if variant == "registration-number":
        name = f"{rng.choice(_legal(spec))} {romanize(spec.distinctive, rng.choice(SYSTEMS))}"
        return Query(query_id, "Company", (name,), (), (), (spec.number,)), spec.id
    return Query(query_id, "Company", (_render(spec, variant, rng),)), spec.id


def _cores(companies: list[CompanySpec]) -> set[tuple[str, str]]:
    """(city, distinctive) and (surname, word) pairs that are listed."""
    return {(spec.city, spec.distinctive) for spec in companies} | {
        (spec.distinctive, spec.generic) for spec in companies
    }


def company_negative(
    rng: random.Random, variant: str, query_id: str, companies: list[CompanySpec]
) -> tuple[Query, None] | None:
    """A similar but different company; None when the draw would be a listed one."""
    spec = rng.choice(companies)
    listed = _cores(companies)
    surnames = set(UA_SURNAMES) | set(RU_SURNAMES)
    if variant == "german-other-word":
        if spec.lang != "de":
            return None
        spec = replace(spec, generic=rng.choice(GERMAN_COMPANY_WORDS))
        if (spec.distinctive, spec.generic) in listed:
            return None
    elif variant == "other-city":
        if not spec.city:
            return None
        cities = CITY_ADJECTIVES_UA if spec.lang == "ua" else CITY_ADJECTIVES_RU
        spec = replace(spec, city=rng.choice(cities))
    elif spec.lang != "de":  # other distinctive word, or a person query with a company's name
        if variant == "other-distinctive-word":
            spec = replace(spec, distinctive=rng.choice(DISTINCTIVE))
        elif spec.distinctive in surnames or not spec.city:
            return None
    else:
        return None
    if variant != "person-query-company-name" and (spec.city, spec.distinctive) in listed:
        return None
    if spec.lang != "de" and any(c.distinctive == spec.distinctive and not (c.city and spec.city) for c in companies):
        return None  # "НВП Рубін" with and without a city may well be one company: ambiguous, not a non-match
    schema = "Person" if variant == "person-query-company-name" else "Company"
    return Query(query_id, schema, (_render(spec, "quotes", rng),)), None
