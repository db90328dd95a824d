"""The demo data set behind `liaison demo` and `make run`: ~200 fictional organisations from Ukraine, Germany
and other EU countries (drawn by :mod:`liaison.registry.demo_data`), and one user per role.

Loading goes through the registry and accounts services with ``Actor.system("demo")``, so the audit trail looks
like real use; records that exist already (matched by identifier or legal name) are skipped, which makes a
second run a no-op.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import sys
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from tqdm import tqdm

from liaison.accounts.models import User
from liaison.accounts.roles import STAFF_ROLES, Role
from liaison.accounts.services import totp_device_provision, user_create
from liaison.core.actors import Actor
from liaison.registry import services
from liaison.registry.demo_data import FIELD_CODES, SEED, OrganisationSpec, generate
from liaison.registry.models import Organisation, TechnologyField

__all__ = ["FIELD_CODES", "SEED", "DemoCredential", "DemoResult", "OrganisationSpec", "generate", "load", "totp_key"]

# Loading -----------------------------------------------------------------------------------------------------

# username, role, country, index of the generated organisation a company representative belongs to.
DEMO_USERS = [
    ("admin", Role.ADMINISTRATOR, "", None),
    ("liaison", Role.LIAISON_OFFICER, "", None),
    ("ministry.de", Role.MINISTRY_OFFICIAL, "DE", None),
    ("ministry.ua", Role.MINISTRY_OFFICIAL, "UA", None),
    ("company.de", Role.COMPANY_REPRESENTATIVE, "", 1),
    ("company.ua", Role.COMPANY_REPRESENTATIVE, "", 0),
    ("compliance", Role.COMPLIANCE_OFFICER, "", None),
    ("auditor", Role.AUDITOR, "", None),
]


@dataclass(frozen=True)
class DemoCredential:
    username: str
    role: str
    totp_secret: str  # base32, as authenticator apps take it; empty for roles without two factors


@dataclass
class DemoResult:
    organisations_created: int = 0
    organisations_present: int = 0
    products: int = 0
    people: int = 0
    certifications: int = 0
    users_created: int = 0
    users_present: int = 0
    credentials: list[DemoCredential] = field(default_factory=list)


def totp_key(username: str) -> str:
    """A demo user's TOTP key (20 bytes hex), derived from SECRET_KEY: a re-run keeps it, so an authenticator
    app set up once keeps working, yet every installation has its own."""
    return hmac.new(settings.SECRET_KEY.encode(), username.encode(), hashlib.sha1).hexdigest()


def load(*, password: str, count: int = 200, seed: int = SEED, progress: bool = False) -> DemoResult:
    """Load the demo set in one transaction (one commit is what makes 200 organisations fast on SQLite)."""
    actor = Actor.system("demo")
    rows = TechnologyField.objects.values_list("code", "pk", "label_en", "label_de", "label_uk")
    field_ids = {code: pk for code, pk, *_labels in rows}
    specs = generate(count=count, seed=seed, labels={code: (en, de, uk) for code, _pk, en, de, uk in rows})
    result = DemoResult()
    with transaction.atomic():
        existing = _existing_keys()
        for spec in tqdm(specs, desc="demo", unit="org", file=sys.stderr, disable=not progress):
            if existing.intersection(spec.keys()):
                result.organisations_present += 1
            else:
                _load_organisation(actor, spec, field_ids, result)
        for username, role, country, org_index in DEMO_USERS:
            org = _find(specs[org_index]) if org_index is not None and org_index < len(specs) else None
            _load_user(actor, result, username=username, role=role, country=country, password=password, org=org)
    return result


def _existing_keys() -> set[tuple[str, ...]]:
    keys: set[tuple[str, ...]] = set()
    for name, country, edrpou, vat_id, lei, court, number in Organisation.objects.values_list(
        "legal_name", "country", "edrpou", "vat_id", "lei", "hr_court", "hr_number"
    ):
        keys.add(("name", name, country))
        keys.update((kind, value) for kind, value in (("edrpou", edrpou), ("vat_id", vat_id), ("lei", lei)) if value)
        if number:
            keys.add(("hr", court, number))
    return keys


def _find(spec: OrganisationSpec) -> Organisation | None:
    return Organisation.objects.filter(legal_name=spec.data["legal_name"], country=spec.data["country"]).first()


def _load_organisation(actor: Actor, spec: OrganisationSpec, field_ids: dict[str, int], result: DemoResult) -> None:
    org = services.organisation_create(actor=actor, data=spec.data).organisation
    for product in spec.products:
        payload = {k: v for k, v in product.items() if k != "technology_field"}
        payload["technology_field_id"] = field_ids.get(product["technology_field"])
        services.product_save(actor=actor, organisation=org, data=payload)
    for person in spec.people:
        services.person_save(actor=actor, organisation=org, data=person)
    for certification in spec.certifications:
        services.certification_save(actor=actor, organisation=org, data=certification)
    result.organisations_created += 1
    result.products += len(spec.products)
    result.people += len(spec.people)
    result.certifications += len(spec.certifications)


def _load_user(
    actor: Actor, result: DemoResult, *, username: str, role: str, country: str, password: str, org: Organisation | None
) -> None:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            actor=actor,
            username=username,
            email=f"{username}@liaison.example.org",
            password=password,
            roles=[role],
            country=country,
            check_password=False,
        )
        if org is not None:
            services.memberships_add(actor=actor, user=user, organisation_ids=[org.pk])
        result.users_created += 1
    else:
        result.users_present += 1
    secret = ""
    if role in STAFF_ROLES:
        key = _ensure_totp_device(actor, user)
        secret = base64.b32encode(bytes.fromhex(key)).decode()
    result.credentials.append(DemoCredential(username, role, secret))


def _ensure_totp_device(actor: Actor, user: User) -> str:
    """Give a demo staff user a confirmed authenticator with a key that survives re-runs."""
    device = totp_device_provision(actor=actor, user=user, key=totp_key(user.username), name="demo")
    return str(device.key)
