"""The victims of the permission suite: one private organisation and one object of every kind that hangs off it,
each carrying a private marker text, plus the people who try to reach them.

The victim organisation shares nothing with other companies. Its representative (``owner``) and the staff
roles are the permitted users; the attackers are an anonymous visitor, the representative of another company
(``other_organisation``) and a logged-in user without any role (``no_role``). Every marker is a text that only
the victim's data contains, so "the marker is in the response" means "the victim's private data leaked".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.accounts import services as accounts_services
from liaison.accounts.models import ApiToken, User
from liaison.core import audit
from liaison.core.actors import Actor
from liaison.core.models import AuditEntry
from liaison.integrity.models import OrganisationRelation, ScreeningHit, ScreeningRun, Watchlist
from liaison.jobs.models import Job
from liaison.registry.models import Certification, Organisation, Person, Product, TechnologyField
from tests.conftest import ROLES, login
from tests.factories import (
    ApiTokenFactory,
    CertificationFactory,
    OrganisationFactory,
    PersonFactory,
    ProductFactory,
    RelationFactory,
    ScreeningHitFactory,
    ScreeningRunFactory,
    UserFactory,
    WatchlistEntityFactory,
    WatchlistFactory,
)

ANONYMOUS, OTHER_ORGANISATION, NO_ROLE, OWNER = "anonymous", "other_organisation", "no_role", "owner"
SUPERUSER = "superuser"
MINISTRY = "ministry_official"
# Who must be refused on every route unless a declaration says otherwise (and why).
ATTACKERS = (ANONYMOUS, OTHER_ORGANISATION, NO_ROLE)

# Private texts, one per kind of victim object. ASCII, so no escaping (HTML, JSON, CSV) can hide them.
MARKERS = {
    "organisation": "Victim Zq7 Wehrtechnik GmbH",
    "organisation_description": "VICTIM-ORG-DESCRIPTION-zq7",
    "product": "VICTIM-PRODUCT-zq7",
    "person": "victim-person-zq7@b.example",
    "certification": "VICTIM-CERT-zq7",
    "relation": "VICTIM-OWNER-zq7 Petrenko",
    "watchlist": "victim-list-zq7",
    "hit": "VICTIM-LISTED-zq7 Holding",
    "run": "VICTIM-RUN-ERROR-zq7",
    "token": "victim-token-zq7",
    "audit": "VICTIM-AUDIT-MESSAGE-zq7",
    "job": "VICTIM-JOB-MESSAGE-zq7",
    "import_job": "VICTIM-IMPORT-JOB-zq7",
}
# Not private (every logged-in user reads the taxonomy), but a real key for the taxonomy routes.
TECHNOLOGY_FIELD_CODE = "victim-field-zq7"


@dataclass
class Victims:
    """Everything a declaration may address: ``v.org.pk``, ``v.product.pk`` …, and ``v.users[...]``."""

    org: Organisation
    other_org: Organisation
    product: Product
    person: Person
    certification: Certification
    relation: OrganisationRelation
    watchlist: Watchlist
    hit: ScreeningHit
    run: ScreeningRun
    token: ApiToken
    audit_entry: AuditEntry
    technology_field: TechnologyField
    enrolment_key: str = ""  # the raw key of an open enrolment link for the ministry official
    admin_objects: dict[str, Any] = field(default_factory=dict)  # one row per model registered in the admin
    duplicate: Organisation | None = None  # private, flagged as a possible duplicate of ``org``
    archived: Organisation | None = None  # private, archived
    job: Job | None = None  # a background job the owner started
    import_job: Job | None = None  # a running import of the liaison officer's
    users: dict[str, User | None] = field(default_factory=dict)
    markers: dict[str, str] = field(default_factory=lambda: dict(MARKERS))

    def client(self, who: str) -> Client:
        """A client acting as ``who``, logged in (and past the second factor for staff roles)."""
        user = self.users[who]
        return Client() if user is None else login(Client(), user)


def build_victims() -> Victims:
    """Create the victims and the cast of users. Runs inside the test's transaction."""
    m = MARKERS
    org = OrganisationFactory(
        ukrainian=True,
        private=True,
        legal_name=m["organisation"],
        short_name="Zq7",
        description_en=m["organisation_description"],
    )
    other_org = OrganisationFactory(legal_name="Other Company Attacker GmbH", short_name="Attacker", country="DE")
    users: dict[str, User | None] = {role: UserFactory(username=f"ps_{role}", roles=[role]) for role in ROLES}
    users[ANONYMOUS] = None
    users[OWNER] = UserFactory(username="ps_owner", roles=["company_representative"], organisations=[org])
    users[OTHER_ORGANISATION] = UserFactory(
        username="ps_other_organisation", roles=["company_representative"], organisations=[other_org]
    )
    users[NO_ROLE] = UserFactory(username="ps_no_role", roles=[])
    # Django's admin is for superusers with is_staff only; no role of the platform grants is_staff.
    users[SUPERUSER] = UserFactory(username="ps_superuser", is_superuser=True, is_staff=True)
    # The owner has an authenticator (a second factor is optional for company representatives).
    TOTPDevice.objects.create(user=users[OWNER], name="owner phone", confirmed=True)
    _link, enrolment_key = accounts_services.enrolment_link_issue(actor=Actor.system("tests"), user=users[MINISTRY])
    duplicate = OrganisationFactory(private=True, legal_name="Victim Zq7 Wehrtechnik (duplicate)", short_name="Zq7 B")
    org.possible_duplicates.add(duplicate)
    archived = OrganisationFactory(private=True, archived_at=timezone.now(), archive_reason="ceased trading")
    job = Job.objects.create(
        kind="registry.export",
        status="finished",
        message=m["job"],
        user=users[OWNER],
        actor_kind="user",
        actor_label="ps_owner",
    )
    import_job = Job.objects.create(
        kind="registry.import",
        status="running",
        params={"dry_run": True, "name": "firms.csv"},
        message=m["import_job"],
        progress_total=200,
        user=users["liaison_officer"],
        actor_kind="user",
        actor_label="ps_liaison_officer",
    )
    entity = WatchlistEntityFactory(watchlist=WatchlistFactory(name=m["watchlist"]), caption=m["hit"])
    with transaction.atomic():
        audit_entry = audit.record_change(
            actor=Actor.system("tests"),
            action="organisation.updated",
            instance=org,
            before={"description_en": ""},
            after={"description_en": m["audit"]},
            message=m["audit"],
        )
    return Victims(
        org=org,
        other_org=other_org,
        product=ProductFactory(organisation=org, name_en=m["product"]),
        person=PersonFactory(organisation=org, full_name="Victim Person Zq7", email=m["person"]),
        certification=CertificationFactory(organisation=org, certificate_number=m["certification"]),
        relation=RelationFactory(organisation=org, name=m["relation"]),
        watchlist=entity.watchlist,
        hit=ScreeningHitFactory(organisation=org, entity=entity),
        run=ScreeningRunFactory(error=m["run"]),
        token=ApiTokenFactory(user=users[OWNER], name=m["token"]),
        audit_entry=audit_entry,
        technology_field=TechnologyField.objects.create(
            code=TECHNOLOGY_FIELD_CODE, label_en="Victim field", label_de="Opferfeld", label_uk="Поле"
        ),
        users=users,
        enrolment_key=enrolment_key,
        duplicate=duplicate,
        archived=archived,
        job=job,
        import_job=import_job,
        admin_objects=_admin_objects(users),
    )


def _admin_objects(users: dict[str, User | None]) -> dict[str, Any]:
    """A row of every model the Django admin manages, keyed by model label, for its change/delete/history pages."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group

    axes = {"user_agent": "tests", "http_accept": "*/*", "path_info": "/accounts/login/", "username": "victim-zq7"}
    return {
        "auth.Group": Group.objects.create(name="victim-group-zq7"),
        "otp_totp.TOTPDevice": TOTPDevice.objects.create(user=users["auditor"], name="victim-device", confirmed=True),
        "axes.AccessAttempt": AccessAttempt.objects.create(**axes, get_data="", post_data="", failures_since_start=1),
        "axes.AccessLog": AccessLog.objects.create(**axes),
        "axes.AccessFailureLog": AccessFailureLog.objects.create(**axes),
    }
