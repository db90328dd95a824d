"""Realistic registry data for the benchmarks: German, Ukrainian and other European organisations with
Cyrillic and Latin names, cities (Харків among them), technology fields, roles, certifications and mixed
sharing.

The rows are bulk-inserted in batches, *not* written through ``registry.services``: 100,000 audited service
calls would take an hour and measure the writer, not the readers. The search keys are computed exactly as the
service computes them (``registry.search.document`` over the same fields, ``registry.search.name_key``).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

SEED = 20240601
BATCH = 2000

DE_SURNAMES = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
    "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun",
    "Krüger", "Hartmann", "Lange", "Werner", "Krause", "Lehmann", "Köhler", "Jäger", "Vogel", "Weiß",
]  # fmt: skip
DE_WORDS = [
    "Wehrtechnik", "Optronik", "Systemtechnik", "Präzisionsmechanik", "Antriebstechnik", "Sensorik",
    "Luftfahrttechnik", "Elektronik", "Maschinenbau", "Fahrzeugbau", "Munitionstechnik", "Funktechnik",
    "Simulation", "Robotik", "Verbundwerkstoffe", "Drohnentechnik", "Schutzsysteme", "Radartechnik",
]  # fmt: skip
DE_FORMS = ["GmbH", "GmbH", "GmbH", "AG", "GmbH & Co. KG", "SE", "KG"]
DE_CITIES = [
    "Berlin", "München", "Hamburg", "Kiel", "Bremen", "Düsseldorf", "Kassel", "Ulm", "Friedrichshafen",
    "Oberkochen", "Unterlüß", "Stuttgart", "Nürnberg", "Augsburg", "Koblenz", "Dresden", "Leipzig", "Jena",
]  # fmt: skip
DE_COURTS = ["München", "Berlin (Charlottenburg)", "Hamburg", "Kiel", "Bremen", "Düsseldorf", "Stuttgart"]

UA_SURNAMES = [
    "Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Шевчук", "Поліщук", "Мельник",
    "Бойко", "Лисенко", "Руденко", "Савченко", "Петренко", "Мороз", "Гончаренко", "Кузьменко", "Зінченко",
]  # fmt: skip
UA_WORDS = [
    "Оптика", "Дрони", "Радіоелектроніка", "Машинобудування", "Броня", "Технології", "Системи",
    "Аеророзвідка", "Боєприпаси", "Спецтехніка", "Інжиніринг", "Зв'язок", "Робототехніка", "Композит",
    "Енергетика",
]  # fmt: skip
UA_FORMS = ["ТОВ", "ТОВ", "ТОВ", "ПрАТ", "АТ", "ДП", "НВП", "ПП"]
UA_CITIES = [  # (city, oblast, weight): Kyiv and Kharkiv dominate the defence industry
    ("Київ", "Київська область", 30), ("Харків", "Харківська область", 15),
    ("Львів", "Львівська область", 12), ("Дніпро", "Дніпропетровська область", 12),
    ("Запоріжжя", "Запорізька область", 8), ("Одеса", "Одеська область", 6),
    ("Вінниця", "Вінницька область", 5), ("Житомир", "Житомирська область", 4),
    ("Миколаїв", "Миколаївська область", 4), ("Чернігів", "Чернігівська область", 4),
]  # fmt: skip
UA_PLANTS = [
    "механічний завод",
    "бронетанковий завод",
    "приладобудівний завод",
    "авіаремонтний завод",
    "машинобудівний завод",
    "радіозавод",
]
UA_ADJECTIVES = {
    "Київ": "Київський",
    "Харків": "Харківський",
    "Львів": "Львівський",
    "Дніпро": "Дніпровський",
    "Запоріжжя": "Запорізький",
    "Одеса": "Одеський",
    "Вінниця": "Вінницький",
    "Житомир": "Житомирський",
    "Миколаїв": "Миколаївський",
    "Чернігів": "Чернігівський",
}
UA_STATE_PREFIX = ["Укроборонсервіс", "Укроборонпостач", "Укроборонтех", "Укрспецекспорт", "Укрінмаш"]

OTHER = [  # (country, surnames, words, forms, cities)
    ("PL", ["Nowak", "Kowalski", "Wiśniewski", "Wójcik"], ["Zbrojenia", "Systemy", "Optyka"],
     ["Sp. z o.o.", "S.A."], ["Warszawa", "Kraków", "Rzeszów", "Stalowa Wola"]),
    ("CZ", ["Novák", "Svoboda", "Dvořák", "Černý"], ["Defence", "Technika", "Zbrojovka"],
     ["s.r.o.", "a.s."], ["Praha", "Brno", "Uherský Brod"]),
    ("FR", ["Dubois", "Lefèvre", "Moreau", "Girard"], ["Défense", "Systèmes", "Optronique"],
     ["SAS", "SA"], ["Paris", "Toulouse", "Bourges"]),
    ("NL", ["de Vries", "Jansen", "Bakker"], ["Defence Systems", "Technologies"], ["BV", "NV"],
     ["Hengelo", "Delft", "Eindhoven"]),
    ("SE", ["Andersson", "Lindqvist", "Nyström"], ["Försvar", "Systems"], ["AB"], ["Karlskoga", "Linköping"]),
    ("FI", ["Virtanen", "Korhonen"], ["Defence", "Systems"], ["Oy"], ["Tampere", "Helsinki"]),
    ("LT", ["Kazlauskas", "Petrauskas"], ["Gynyba", "Systems"], ["UAB"], ["Vilnius", "Kaunas"]),
]  # fmt: skip

ROLES = [
    "rnd",
    "series_production",
    "integration",
    "testing",
    "mro",
    "component_supplier",
    "research_institute",
    "logistics",
]
STANDARDS = [
    "AQAP 2110",
    "AQAP 2210",
    "ISO 9001",
    "ISO 9001",
    "ISO 9001",
    "EN 9100",
    "ISO 14001",
    "ISO 27001",
    "DSTU ISO 9001",
    "ISO/IEC 17025",
]
SHARING = [
    [],
    [],
    ["profile"],
    ["profile"],
    ["profile"],
    ["profile", "address"],
    ["profile", "address", "certifications", "products"],
    ["profile", "address", "identifiers", "certifications", "products", "people"],
]
SIZES = ["micro", "small", "small", "medium", "medium", "large"]


def _edrpou(n: int) -> str:
    from liaison.engines.identifiers import edrpou_check_digit

    first = f"{2000000 + n:07d}"
    return first + edrpou_check_digit(first)


def _german(rng: random.Random, n: int) -> dict[str, Any]:
    surname, word, form = rng.choice(DE_SURNAMES), rng.choice(DE_WORDS), rng.choice(DE_FORMS)
    short = f"{surname} {word}" if rng.random() < 0.8 else f"{word} {rng.choice(DE_CITIES)}"
    return {
        "legal_name": f"{short} {form}",
        "short_name": short,
        "country": "DE",
        "city": rng.choice(DE_CITIES),
        "postal_code": f"{rng.randint(1000, 99999):05d}",
        "street": f"{rng.choice(DE_SURNAMES)}straße {n % 97 + 1}",
        "hr_court": rng.choice(DE_COURTS),
        "hr_number": f"HRB {100000 + n}",
        "name_de": f"{short} {form}",
        "name_en": "",
        "name_uk": "",
    }


def _ukrainian(rng: random.Random, n: int) -> dict[str, Any]:
    from liaison.engines.translit import fold

    city, region, _w = rng.choices(UA_CITIES, weights=[c[2] for c in UA_CITIES])[0]
    draw = rng.random()
    if draw < 0.12:
        short = f"{UA_ADJECTIVES[city]} {rng.choice(UA_PLANTS)}"
    elif draw < 0.14:
        short = f"{rng.choice(UA_STATE_PREFIX)}-{rng.choice(UA_WORDS)}"
    else:
        short = f"{rng.choice(UA_SURNAMES)} {rng.choice(UA_WORDS)}"
    form = rng.choice(UA_FORMS)
    return {
        "legal_name": f"{form} «{short}»",
        "short_name": short,
        "country": "UA",
        "city": city,
        "region": region,
        "postal_code": f"{rng.randint(1000, 99999):05d}",
        "street": f"вул. {rng.choice(UA_SURNAMES)}а, {n % 89 + 1}",
        "edrpou": _edrpou(n),
        "name_uk": f"{form} «{short}»",
        "name_en": fold(short).title() + " LLC" if rng.random() < 0.6 else "",
        "name_de": "",
    }


def _other(rng: random.Random, n: int) -> dict[str, Any]:
    country, surnames, words, forms, cities = rng.choice(OTHER)
    short = f"{rng.choice(surnames)} {rng.choice(words)}"
    return {
        "legal_name": f"{short} {rng.choice(forms)}",
        "short_name": short,
        "country": country,
        "city": rng.choice(cities),
        "name_en": short,
        "name_de": "",
        "name_uk": "",
    }


Row = tuple[dict[str, Any], list[int], list[str]]


def organisation_rows(count: int, field_ids: list[int], seed: int = SEED) -> Iterator[Row]:
    """(organisation fields, technology field ids, certification standards) for ``count`` organisations:
    40 % German, 45 % Ukrainian, 15 % other European countries."""
    from liaison.registry.search import name_key, organisation_documents

    rng = random.Random(seed)
    for n in range(count):
        draw = rng.random()
        fields = _german(rng, n) if draw < 0.40 else _ukrainian(rng, n) if draw < 0.85 else _other(rng, n)
        fields.update(
            roles=rng.sample(ROLES, rng.randint(1, 3)),
            shared_groups=list(rng.choice(SHARING)),
            size_class=rng.choice(SIZES),
            website=f"https://org{n}.example.eu",
            description_en="Supplier in the German-Ukrainian defence-industrial cooperation programme.",
        )
        # The same keys as registry.services._refresh_keys.
        fields["search_text"], fields["shared_search_text"] = organisation_documents(SimpleNamespace(**fields))
        fields["name_key"] = name_key(fields["short_name"] or fields["legal_name"])[:300]
        techs = rng.sample(field_ids, rng.randint(1, 3))
        standards = sorted(set(rng.choices(STANDARDS, k=rng.choice([0, 0, 1, 1, 2, 3]))))
        yield fields, techs, standards


def populate(count: int, *, progress: bool = True) -> int:
    """Insert ``count`` organisations with their technology fields and certifications in batches."""
    from django.db import transaction

    from liaison.registry.models import Certification, Organisation, TechnologyField

    through = Organisation.technology_fields.through
    field_ids = list(TechnologyField.objects.values_list("pk", flat=True))
    rows = organisation_rows(count, field_ids)
    done = 0
    while done < count:
        chunk = [next(rows) for _ in range(min(BATCH, count - done))]
        with transaction.atomic():
            orgs = Organisation.objects.bulk_create([Organisation(**f) for f, _t, _s in chunk])
            through.objects.bulk_create(
                [
                    through(organisation_id=o.pk, technologyfield_id=t)
                    for o, (_f, ts, _s) in zip(orgs, chunk, strict=True)
                    for t in ts
                ]
            )
            Certification.objects.bulk_create(
                [
                    Certification(organisation_id=o.pk, standard=s, issuer="TÜV / DQS / УкрСЕПРО")
                    for o, (_f, _t, ss) in zip(orgs, chunk, strict=True)
                    for s in ss
                ]
            )
        done += len(chunk)
        if progress and (done % 20000 == 0 or done == count):
            print(f"  inserted {done:,} organisations", flush=True)
    return done
