"""Drawing the demo organisations (see :mod:`liaison.registry.demo`, which loads them).

Everything is fictional: stems, legal forms, cities and people from ``data/demo_names.json`` are combined at
random, so no record names a real company or person. Generation is pure and deterministic
(``random.Random(seed)``, no clock, no database, no network): two runs give the same records, and the first
*n* organisations are the same whatever ``count`` is, so a small test run sees the same data as `make run`.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from stdnum.iso7064 import mod_11_10
from unidecode import unidecode

from liaison.engines.identifiers import edrpou_check_digit, lei_check_digits
from liaison.registry.choices import OrganisationRole

# The name tables, e.g. names.UA_CITIES: (city, city in English, region, postal prefix, phone area code).
names = SimpleNamespace(
    **{
        key.upper(): value
        for key, value in json.loads(
            (Path(__file__).parent / "data" / "demo_names.json").read_text(encoding="utf-8")
        ).items()
    }
)

SEED = 2026
ALL_GROUPS = ["profile", "address", "identifiers", "certifications", "products", "people"]
FIELD_CODES = [*names.PRODUCTS, *names.PRODUCT_ALIASES]
CERT_POOLS = {
    "UA": ["DSTU ISO 9001", "ISO 9001", "AQAP 2110", "AQAP 2310", "ISO 27001"],
    "DE": ["ISO 9001", "EN 9100", "AQAP 2110", "AQAP 2210", "ISO 14001", "ISO 27001", "ISO 45001", "ISO/IEC 17025"],
    "other": ["ISO 9001", "AQAP 2110", "EN 9100", "ISO 14001"],
}
UA_MOBILE = ["50", "63", "66", "67", "68", "73", "93", "95", "96", "97", "98", "99"]


@dataclass
class OrganisationSpec:
    """One organisation to load: the service payload plus its children and the keys that identify it."""

    data: dict[str, Any]
    products: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    certifications: list[dict[str, Any]] = field(default_factory=list)

    def keys(self) -> list[tuple[str, ...]]:
        """Any of these matching an existing organisation means it was loaded before."""
        data = self.data
        keys: list[tuple[str, ...]] = [("name", data["legal_name"], data["country"])]
        keys += [(name, data[name]) for name in ("edrpou", "vat_id", "lei") if data.get(name)]
        if data.get("hr_number"):
            keys.append(("hr", data["hr_court"], data["hr_number"]))
        return keys


def _weighted(rng: random.Random, options: list[tuple[Any, int]]) -> Any:
    return rng.choices([o for o, _w in options], weights=[w for _o, w in options])[0]


def _lower_first(text: str) -> str:
    """'Drones and …' → 'drones and …', but leave acronyms ('FPV strike drones') alone."""
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", unidecode(text).lower()).strip("-")[:40]


class _Generator:
    """Draws organisations one after another from a single random stream, keeping names and ids unique."""

    def __init__(self, seed: int, labels: dict[str, tuple[str, str, str]]) -> None:
        self.rng = random.Random(seed)
        self.labels = labels  # code → (en, de, uk)
        self.names: set[str] = set()
        self.ids: set[str] = set()

    def unique(self, make: Any) -> Any:
        while True:
            value = make()
            key = repr(value)
            if key not in self.ids:
                self.ids.add(key)
                return value

    # Identifiers -----------------------------------------------------------------------------------------
    def edrpou(self) -> str:
        first = self.unique(lambda: str(self.rng.randint(2000000, 4499999)))
        return first + edrpou_check_digit(first)

    def vat_de(self) -> str:
        body = self.unique(lambda: str(self.rng.randint(10000000, 99999999)))
        return "DE" + body + mod_11_10.calc_check_digit(body)

    def lei(self) -> str:
        alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
        first = self.unique(lambda: "984500" + "".join(self.rng.choice(alphabet) for _ in range(12)))
        return first + lei_check_digits(first)

    def phone(self, country: str, area: str = "") -> str:
        rng = self.rng
        if country == "UA":
            if not area or rng.random() < 0.5:
                area = rng.choice(UA_MOBILE)
            rest = f"{rng.randint(0, 9999999):07d}"[: 9 - len(area)]
            groups = [rest[:-4], rest[-4:-2], rest[-2:]]
            return f"+380 {area} " + " ".join(groups)
        if country == "DE":
            return f"+49 {area} {rng.randint(100000, 9999999)}"
        prefix = names.OTHER_COUNTRIES[country][3]
        digits = f"{rng.randint(100000000, 999999999)}"
        return f"{prefix} {digits[:3]} {digits[3:6]} {digits[6:]}"

    # Shared attributes -----------------------------------------------------------------------------------
    def common(self, country: str) -> dict[str, Any]:
        rng = self.rng
        shared = _weighted(
            rng,
            [
                ([], 15),
                (["profile", "products"], 50),
                (["profile", "address", "products", "people"], 15),
                (["profile", "address", "certifications", "products"], 10),
                (ALL_GROUPS, 10),
            ],
        )
        return {
            "country": country,
            "size_class": _weighted(rng, [("micro", 10), ("small", 35), ("medium", 35), ("large", 20)]),
            "roles": sorted(rng.sample(OrganisationRole.values, rng.randint(1, 3))),
            "technology_fields": rng.sample(FIELD_CODES, rng.randint(1, 3)),
            "security_clearance": _weighted(
                rng, [("none", 45), ("restricted", 30), ("confidential", 20), ("secret", 5)]
            ),
            "shared_groups": list(shared),
        }

    def fields_text(self, codes: list[str], lang: int) -> str:
        """Field labels as a list inside a sentence; German nouns keep their capital letter."""
        labels = [self.labels[c][lang] for c in codes if c in self.labels]
        return ", ".join(labels if lang == 1 else [_lower_first(x) for x in labels])

    def certifications(self, country: str) -> list[dict[str, Any]]:
        rng = self.rng
        pool = CERT_POOLS.get(country, CERT_POOLS["other"])
        issuers = names.CERT_ISSUERS.get(country, names.CERT_ISSUERS["other"])
        out = []
        for standard in rng.sample(pool, _weighted(rng, [(0, 2), (1, 4), (2, 3), (3, 1)])):
            start = date(rng.randint(2019, 2025), rng.randint(1, 12), 1)
            out.append(
                {
                    "standard": standard,
                    "issuer": rng.choice(issuers),
                    "certificate_number": f"{_slug(standard).upper()[:8]}-{start.year}-{rng.randint(10000, 99999)}",
                    "valid_from": start,
                    "valid_until": start.replace(year=start.year + 3),
                }
            )
        return out

    # Children --------------------------------------------------------------------------------------------
    def products(self, data: dict[str, Any], model: str, langs: tuple[str, ...]) -> list[dict[str, Any]]:
        rng = self.rng
        proven_share = {"UA": 0.6, "DE": 0.1}.get(data["country"], 0.05)
        out = []
        for n in range(rng.randint(1, 5)):
            code = rng.choice(data["technology_fields"])
            t = names.PRODUCTS[names.PRODUCT_ALIASES.get(code, code)]
            designator = f"{model}-{rng.randint(1, 9)}{n}" if n else f"{model}-{rng.randint(1, 99)}"
            proven = rng.random() < proven_share
            product = {
                "name_en": f"{t[0]} {designator}",
                "description_en": t[3],
                "technology_field": code,
                "trl": rng.randint(7, 9) if proven else rng.randint(3, 9),
                "category": "dual_use" if rng.random() < 0.1 else t[6],
                "combat_proven": proven,
                "annual_capacity": rng.randint(*t[8]) if t[8] else None,
                "capacity_unit": t[7],
            }
            if "de" in langs:
                product.update(name_de=f"{t[1]} {designator}", description_de=t[4])
            if "uk" in langs:
                product.update(name_uk=f"{t[2]} {designator}", description_uk=t[5])
            out.append(product)
        return out

    def person_name(self, country: str) -> tuple[str, bool]:
        rng = self.rng
        female = rng.random() < 0.4
        if country == "UA":
            surname = rng.choice(names.UA_SURNAMES)[1 if female else 0]
            return f"{rng.choice(names.UA_FEMALE if female else names.UA_MALE)} {surname}", female
        if country == "DE":
            return f"{rng.choice(names.DE_FEMALE if female else names.DE_MALE)} {rng.choice(names.DE_SURNAMES)}", female
        firsts, surnames = names.OTHER_COUNTRIES[country][4]
        return f"{rng.choice(firsts)} {rng.choice(surnames)}", female

    def people(self, country: str, domain: str, area: str, first: str = "") -> list[dict[str, Any]]:
        rng = self.rng
        count = rng.randint(1, 3)
        functions = rng.sample(range(5), count)
        out = []
        for i in range(count):
            name, female = self.person_name(country)
            if first and i == 0:
                name, female = first, False  # the fixed search example is a man (Андрій)
            if country == "UA":
                function = names.UA_FUNCTIONS[functions[i]][female]
                langs = ["uk", "en", "de"] if rng.random() < 0.25 else ["uk", "en"]
            elif country == "DE":
                function = names.DE_FUNCTIONS[functions[i]][female]
                langs = ["de", "en", "uk"] if rng.random() < 0.1 else ["de", "en"]
            else:
                function, langs = names.EN_FUNCTIONS[functions[i]], list(names.OTHER_COUNTRIES[country][5])
            given, _sep, family = unidecode(name).lower().partition(" ")
            local = re.sub(r"[^a-z0-9.]", "", f"{given[:1]}.{family.replace(' ', '')}")
            out.append(
                {
                    "full_name": name,
                    "function": function,
                    "languages": langs,
                    "email": f"{local}@{domain}",
                    "phone": self.phone(country, area),
                }
            )
        return out

    # Organisations ---------------------------------------------------------------------------------------
    def unique_name(self, make: Any) -> tuple[Any, ...]:
        while True:
            parts = make()
            if parts[0] not in self.names:
                self.names.add(parts[0])
                return parts

    def ukrainian(
        self,
        *,
        stem: tuple[str, str] | None = None,
        domain: tuple[str, str, str] | None = None,
        city: str = "",
        person: str = "",
    ) -> OrganisationSpec:
        rng = self.rng
        domain_word = domain or rng.choice(names.UA_DOMAINS)
        form = _weighted(rng, names.UA_FORMS)

        def make() -> tuple[str, str, str, str]:
            s = stem or rng.choice(names.UA_STEMS)
            uk, en = f"{s[0]}-{domain_word[0]}", f"{s[1]} {domain_word[1]}"
            return f"{form} «{uk}»", uk, en, f"{s[1]} {domain_word[2]}"

        legal, name_uk, name_en, name_de = self.unique_name(make)
        c = next(x for x in names.UA_CITIES if x[0] == city) if city else rng.choice(names.UA_CITIES)
        data = {
            **self.common("UA"),
            "legal_name": legal,
            "short_name": name_uk,
            "name_uk": name_uk,
            "name_en": name_en,
            "city": c[0],
            "region": c[2],
            "street": f"{rng.choice(names.UA_STREETS)}, {rng.randint(1, 180)}",
            "postal_code": f"{c[3]}{rng.randint(0, 999):03d}",
            "edrpou": self.edrpou(),
        }
        if rng.random() < 0.3:
            data["name_de"] = name_de
        if rng.random() < 0.15:
            data["lei"] = self.lei()
        fields = data["technology_fields"]
        data["description_uk"] = (
            f"{name_uk} розробляє та виробляє продукцію за напрямами: "
            f"{self.fields_text(fields, 2)}. Місцезнаходження: м. {c[0]}."
        )
        data["description_en"] = (
            f"{name_en} designs and manufactures products in these fields: "
            f"{self.fields_text(fields, 0)}. Located in {c[1]}, Ukraine."
        )
        return self.finish(data, ("uk", "en"), c[4], person)

    def german(self, *, legal: tuple[str, str, str] | None = None) -> OrganisationSpec:
        rng = self.rng
        form = _weighted(rng, names.DE_FORMS)

        def make() -> tuple[str, str, str]:
            stem, (dom_de, dom_en) = rng.choice(names.DE_STEMS), rng.choice(names.DE_DOMAINS)
            return f"{stem} {dom_de} {form}", f"{stem} {dom_de}", f"{stem} {dom_en}"

        legal_name, name_de, name_en = self.unique_name(lambda: legal or make())
        c = rng.choice(names.DE_CITIES)
        kind = "HRA" if form.endswith("KG") else "HRB"
        number = self.unique(lambda: f"{kind} {rng.randint(1000, 250000)}")
        data = {
            **self.common("DE"),
            "legal_name": legal_name,
            "short_name": name_de,
            "name_de": name_de,
            "name_en": name_en,
            "city": c[0],
            "region": c[1],
            "hr_court": c[4],
            "hr_number": number,
            "street": f"{rng.choice(names.DE_STREETS)} {rng.randint(1, 120)}",
            "postal_code": f"{c[2]}{rng.randint(0, 999):03d}",
            "vat_id": self.vat_de(),
        }
        if rng.random() < 0.3:
            data["lei"] = self.lei()
        fields = data["technology_fields"]
        data["description_de"] = (
            f"Die {legal_name} entwickelt und fertigt Lösungen in den Bereichen "
            f"{self.fields_text(fields, 1)}. Sitz: {c[0]}."
        )
        data["description_en"] = (
            f"{name_en} develops and manufactures products in these fields: "
            f"{self.fields_text(fields, 0)}. "
            f"Based in {unidecode(c[0]) if c[0] != 'München' else 'Munich'}, Germany."
        )
        return self.finish(data, ("de", "en"), c[3])

    def other(self, country: str) -> OrganisationSpec:
        rng = self.rng
        cities, forms, stems = names.OTHER_COUNTRIES[country][:3]

        def make() -> tuple[str, str]:
            name = f"{rng.choice(stems)} {rng.choice(names.OTHER_DOMAINS)}"
            return f"{name} {rng.choice(forms)}", name

        legal_name, name = self.unique_name(make)
        city = rng.choice(cities)
        data = {
            **self.common(country),
            "legal_name": legal_name,
            "short_name": name,
            "name_en": name,
            "city": city,
            "street": f"{rng.randint(1, 90)} Technology Park",
            "postal_code": "",
        }
        if rng.random() < 0.7:
            data["lei"] = self.lei()
        fields = data["technology_fields"]
        data["description_en"] = f"{name} supplies products in these fields from {city}: {self.fields_text(fields, 0)}."
        langs: tuple[str, ...] = ("en",)
        if rng.random() < 0.4:
            data["name_de"] = name
            data["description_de"] = f"{name} liefert Lösungen in den Bereichen {self.fields_text(fields, 1)}."
            langs = ("en", "de")
        return self.finish(data, langs, "")

    def finish(self, data: dict[str, Any], langs: tuple[str, ...], area: str, person: str = "") -> OrganisationSpec:
        domain = f"{_slug(data['name_en'])}.example.{'org' if data['country'] == 'UA' else 'com'}"
        data["website"] = f"https://www.{domain}/"
        model = "".join(w[0] for w in unidecode(data["name_en"]).split()[:2]).upper()
        return OrganisationSpec(
            data=data,
            products=self.products(data, model, langs),
            people=self.people(data["country"], domain, area, person),
            certifications=self.certifications(data["country"]),
        )


OTHER_CYCLE = ["PL", "CZ", "LT", "EE", "NL", "FR"]


def generate(
    *, count: int = 200, seed: int = SEED, labels: dict[str, tuple[str, str, str]] | None = None
) -> list[OrganisationSpec]:
    """The organisations to load: 45 % Ukrainian, 45 % German, 10 % other EU, plus three fixed records that
    exercise search across scripts (Харків in name and city, Шевченко as company and person, umlauts and ß).
    ``labels`` (technology field code → en, de, uk) come from the seeded taxonomy."""
    gen = _Generator(seed, labels or {})
    fixed = [
        lambda: gen.ukrainian(stem=("Харків", "Kharkiv"), city="Харків"),
        lambda: gen.german(
            legal=(
                "Weißenfels Präzisionstechnik GmbH",
                "Weißenfels Präzisionstechnik",
                "Weissenfels Precision Engineering",
            )
        ),
        lambda: gen.ukrainian(
            stem=("Шевченко", "Shevchenko"), domain=("Оптика", "Optics", "Optik"), city="Київ", person="Андрій Шевченко"
        ),
    ]
    specs: list[OrganisationSpec] = []
    for i in range(count):
        if i < len(fixed):
            specs.append(fixed[i]())
            continue
        slot = i % 20
        if slot < 9:
            specs.append(gen.ukrainian())
        elif slot < 18:
            specs.append(gen.german())
        else:
            specs.append(gen.other(OTHER_CYCLE[(i // 20 * 2 + slot - 18) % len(OTHER_CYCLE)]))
    return specs
