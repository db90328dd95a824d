"""Listed persons and person queries for the evaluation set."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from benchmarks.screening.romanize import SYSTEMS, romanize
from benchmarks.screening.tables import COUNTRIES, FEMALE, MALE, RU_SURNAMES, UA_SURNAMES
from benchmarks.screening.variants import typo_in_longest
from liaison.engines.screening.model import Entity, Query

LIST_NAME, LIST_VERSION = "eval-persons", "2024-06-01"


@dataclass(frozen=True, slots=True)
class PersonSpec:
    """A listed person by table indices, so queries can render any form of the same name."""

    id: str
    female: bool
    given: int
    father: int
    surname: str
    lang: str  # "ua" or "ru": the language of the listed Cyrillic name
    birth: str
    country: str
    entity: Entity


def female_surname(surname: str, female: bool) -> str:
    """Feminine surname form (Иванов → Иванова, Зеленський → Зеленська); -енко/-ук stay."""
    if not female:
        return surname
    for male, fem in (
        ("ський", "ська"),
        ("цький", "цька"),
        ("ский", "ская"),
        ("ов", "ова"),
        ("ев", "ева"),
        ("ин", "ина"),
    ):
        if surname.endswith(male):
            return surname[: -len(male)] + fem
    return surname


def given_form(female: bool, index: int, lang: str) -> str:
    pair = FEMALE[index] if female else MALE[index][:2]
    return pair[0] if lang == "ua" else pair[1]


def patronymic_form(female: bool, father: int, lang: str) -> str:
    """Father's name as patronymic in the given language; feminine endings derived from the masculine."""
    male = MALE[father][2] if lang == "ua" else MALE[father][3]
    if not female:
        return male
    if lang == "ua":
        return male[:-4] + ("ївна" if male.endswith("йович") else "івна") if male.endswith("ович") else male
    return male[:-2] + "на" if male.endswith("ич") else male


def cyrillic_parts(female: bool, given: int, father: int, surname: str, lang: str) -> tuple[str, str, str]:
    """(surname, given name, patronymic) in Cyrillic, in ``lang``."""
    return female_surname(surname, female), given_form(female, given, lang), patronymic_form(female, father, lang)


def parts(spec: PersonSpec, lang: str) -> tuple[str, str, str]:
    """The listed person's name parts in ``lang``."""
    return cyrillic_parts(spec.female, spec.given, spec.father, spec.surname, lang)


def _birth(rng: random.Random) -> str:
    year = rng.randrange(1950, 2000)
    return f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"


def _spec(rng: random.Random, number: int, taken: set[tuple[str, int, bool]]) -> PersonSpec | None:
    lang = rng.choice(("ua", "ua", "ru"))
    female = rng.random() < 0.3
    given = rng.randrange(len(FEMALE) if female else len(MALE))
    surname = rng.choice(UA_SURNAMES if lang == "ua" else RU_SURNAMES + UA_SURNAMES[:30])
    if (surname, given, female) in taken:
        return None
    taken.add((surname, given, female))
    birth = _birth(rng) if rng.random() < 0.8 else str(rng.randrange(1950, 2000))
    country = lang if rng.random() < 0.8 else rng.choice(COUNTRIES)
    father = rng.randrange(len(MALE))
    surname_c, given_c, patronymic_c = cyrillic_parts(female, given, father, surname, lang)
    names = [f"{surname_c} {given_c} {patronymic_c}"]
    if rng.random() < 0.5:
        names.append(romanize(f"{given_c} {surname_c}", "national" if lang == "ua" else "passport"))
    entity_id = f"p{number:05d}"
    entity = Entity(entity_id, "Person", tuple(names), (birth,), (country,), (), LIST_NAME, LIST_VERSION)
    return PersonSpec(entity_id, female, given, father, surname, lang, birth, country, entity)


def make_people(rng: random.Random, count: int) -> list[PersonSpec]:
    """``count`` listed persons with distinct (surname, given name) pairs."""
    taken: set[tuple[str, int, bool]] = set()
    people: list[PersonSpec] = []
    while len(people) < count:
        spec = _spec(rng, len(people) + 1, taken)
        if spec is not None:
            people.append(spec)
    return people


def _order(surname: str, given: str, patronymic: str, rng: random.Random, *, force: bool = False) -> str:
    words = [w for w in (surname, given, patronymic) if w]
    if force or rng.random() < 0.3:
        return " ".join([given, patronymic, surname] if patronymic else [given, surname])
    return " ".join(words)


def render(spec: PersonSpec, variant: str, rng: random.Random) -> str:
    """A query spelling of the listed person under the variant class (plus random incidental noise)."""
    other = "ru" if spec.lang == "ua" else "ua"
    lang = other if variant in ("cyrillic-other-form", "latin-other-form") or rng.random() < 0.2 else spec.lang
    surname, given, patronymic = parts(spec, lang)
    if variant == "no-patronymic" or (variant not in ("word-order",) and rng.random() < 0.4):
        patronymic = ""
    text = _order(surname, given, patronymic, rng, force=variant == "word-order")
    if variant in SYSTEMS:
        text = romanize(text, variant)
    elif variant != "cyrillic-other-form":
        text = romanize(text, rng.choice(SYSTEMS))
    if variant == "typo" or (variant not in ("cyrillic-other-form",) and rng.random() < 0.05):
        text = typo_in_longest(text, rng)
    if variant == "upper-case" or rng.random() < 0.1:
        text = text.upper()
    return text


def person_positive(rng: random.Random, variant: str, query_id: str, people: list[PersonSpec]) -> tuple[Query, str]:
    spec = rng.choice(people)
    birth: tuple[str, ...] = ()
    if variant == "birth-date" or (variant != "birth-year" and rng.random() < 0.2):
        birth = (spec.birth,)
    elif variant == "birth-year" or rng.random() < 0.2:
        birth = (spec.birth[:4],)
    country = (spec.country,) if rng.random() < 0.3 else ()
    return Query(query_id, "Person", (render(spec, variant, rng),), birth, country), spec.id


def _listed_pairs(people: list[PersonSpec]) -> set[tuple[str, int, bool]]:
    return {(spec.surname, spec.given, spec.female) for spec in people}


def person_negative(
    rng: random.Random, variant: str, query_id: str, people: list[PersonSpec]
) -> tuple[Query, None] | None:
    """A hard non-match derived from a listed person; None when the draw would be a true match."""
    spec = rng.choice(people)
    listed = _listed_pairs(people)
    birth: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    if variant in ("same-surname-other-given", "unlisted"):
        size = len(FEMALE) if spec.female else len(MALE)
        spec = replace(spec, given=rng.randrange(size))
        if variant == "unlisted":
            spec = replace(spec, surname=rng.choice(UA_SURNAMES + RU_SURNAMES))
        if (spec.surname, spec.given, spec.female) in listed:
            return None
    elif variant == "same-name-other-birth-date":
        if len(spec.birth) != 10:
            return None
        shift = rng.choice((-1, 1)) * rng.randrange(3, 15)
        birth = (f"{int(spec.birth[:4]) + shift}{spec.birth[4:]}",)
    else:  # namesake with another father, in another country
        father = (spec.father + rng.randrange(1, len(MALE))) % len(MALE)
        if MALE[father][3] == MALE[spec.father][3]:
            return None
        spec = replace(spec, father=father)
        country = (rng.choice([c for c in COUNTRIES if c != spec.country]),)
        surname, given, patronymic = parts(spec, spec.lang)
        name = romanize(f"{surname} {given} {patronymic}", rng.choice(SYSTEMS))
        return Query(query_id, "Person", (name,), birth, country), None
    return Query(query_id, "Person", (render(spec, rng.choice(SYSTEMS), rng),), birth, country), None
