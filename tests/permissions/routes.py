"""Every route of the platform, declared: which real objects its URL addresses, and per method the request a
permitted user would send, who that permitted user is, and what the request must do for them.

The suite (test_cross_tenant.py) sends each declared request unchanged as the attackers — an anonymous visitor,
the representative of another company, a user without any role — and as the roles listed in ``refused``, and
demands that they are refused (nothing changed, no audit row, none of the victim's private data in the answer);
then as each ``permitted`` user, and demands the declared status, the victim's marker in a read, exactly the
declared tables changed and the declared audit row written. Methods not declared must be refused to everybody.
A route in the URLconf without an entry here fails the suite. How to declare one: tests/permissions/README.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from tests.permissions.victims import ANONYMOUS, ATTACKERS, MINISTRY, OWNER, Victims

# Users (see victims.py): ANONYMOUS, OTHER_ORGANISATION, NO_ROLE, OWNER (the victim company's representative),
# and one user per role: "administrator", "liaison_officer", "ministry_official", "compliance_officer",
# "auditor", "company_representative" (a representative without any organisation).
ADMIN, OFFICER = "administrator", "liaison_officer"
COMPLIANCE, AUDITOR, REP_WITHOUT_ORG = "compliance_officer", "auditor", "company_representative"

Kwargs = Callable[[Victims], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    """One method of one route."""

    method: str
    permitted: tuple[str, ...]
    status: int
    marker: str | None = None  # key of Victims.markers the permitted user must see (reads)
    payload: Callable[[Victims], dict[str, Any]] | None = None
    body: str = "form"  # "form" (multipart, files allowed) or "json"
    changes: tuple[str, ...] = ()  # models ("app.Model") whose rows the permitted request changes: exactly these
    audit: str | None = None  # prefix of the audit action the permitted request writes
    attackers: tuple[str, ...] = ATTACKERS
    refused: tuple[str, ...] = ()  # further users who must be refused (e.g. an auditor on an edit)
    open_to_attackers: str = ""  # why attackers may get a 2xx page (it must still hold none of the victim's data)
    attacker_audit: tuple[str, ...] = ()  # access records an attacker's allowed read may write (their own export)
    query: Callable[[Victims], dict[str, Any]] | None = None
    headers: Callable[[Victims], dict[str, str]] | None = None
    prepare: Callable[[Client, Victims, str], None] | None = None  # run by the same client before the request


@dataclass(frozen=True)
class Route:
    kwargs: Kwargs | None
    cases: tuple[Case, ...]
    any_method: str | None = None  # why undeclared methods may answer 2xx (they must still change nothing)
    path: Callable[[Victims], str] | None = None  # the URL of an unnamed pattern (reverse() cannot build it)


def _who(permitted: str | tuple[str, ...]) -> tuple[str, ...]:
    return (permitted,) if isinstance(permitted, str) else permitted


def get(permitted: str | tuple[str, ...], *, marker: str | None = None, status: int = 200, **kw: Any) -> Case:
    return Case("get", _who(permitted), status, marker=marker, **kw)


def post(permitted: str | tuple[str, ...], *, status: int = 302, **kw: Any) -> Case:
    return Case("post", _who(permitted), status, **kw)


def put(permitted: str | tuple[str, ...], *, status: int = 200, **kw: Any) -> Case:
    return Case("put", _who(permitted), status, body="json", **kw)


def patch(permitted: str | tuple[str, ...], *, status: int = 200, **kw: Any) -> Case:
    return Case("patch", _who(permitted), status, body="json", **kw)


def delete(permitted: str | tuple[str, ...], *, status: int = 204, **kw: Any) -> Case:
    return Case("delete", _who(permitted), status, body="json", **kw)


def api_post(permitted: str | tuple[str, ...], *, status: int = 201, **kw: Any) -> Case:
    return Case("post", _who(permitted), status, body="json", **kw)


# --- kwargs: the real keys of the victim objects --------------------------------------------------------------


def org(v: Victims) -> dict[str, Any]:
    return {"pk": v.org.pk}


def api_org(v: Victims) -> dict[str, Any]:
    return {"organisation_pk": v.org.pk}


def pair(v: Victims) -> dict[str, Any]:
    """The victim organisation and its flagged possible duplicate."""
    return {"pk": v.org.pk, "other_pk": v.duplicate.pk}  # type: ignore[union-attr]


def job(v: Victims) -> dict[str, Any]:
    return {"pk": v.job.pk}  # type: ignore[union-attr]


def csv(v: Victims) -> dict[str, Any]:
    return {"fmt": "csv"}


# --- payloads ---------------------------------------------------------------------------------------------------

NEW_ORGANISATION = {"legal_name": "Neue Firma Zq7 GmbH", "country": "DE", "security_clearance": "none"}
PRODUCT = {"name_en": "New Interceptor", "trl": 5, "category": "ML10"}
PERSON = {"full_name": "Olena New", "email": "olena.new@b.example"}
CERTIFICATION = {"standard": "ISO 9001", "certificate_number": "NEW-CERT-1"}
FIELD = {"label_en": "New field", "label_de": "Neues Feld", "label_uk": "Нове поле", "position": 3}
WATCHLIST_LINE = {"id": "new-1", "schema": "Company", "properties": {"name": ["Neue Gelistete GmbH"]}}
IMPORT_CSV = b"legal_name,country,city\nImportierte Zq7 GmbH,DE,Dresden\n"


def watchlist_upload(v: Victims) -> dict[str, Any]:
    line = json.dumps(WATCHLIST_LINE).encode() + b"\n"
    return {"file": SimpleUploadedFile("list.jsonl", line), "source": "new-list", "version": "v1"}


def stash_import(client: Client, v: Victims, who: str) -> None:
    """Step 1 of the import wizard, as the same user (refused for attackers, so their step 2/3 is refused too)."""
    client.post(reverse("registry_import:upload"), {"file": SimpleUploadedFile("firms.csv", IMPORT_CSV)})


def _code(device: Any) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def owner_code(v: Victims) -> dict[str, Any]:
    """The current code of the owner's authenticator."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return {"code": _code(TOTPDevice.objects.get(user=v.users[OWNER], confirmed=True))}


def open_enrolment(client: Client, v: Victims, who: str) -> None:
    """Open the enrolment page first, which creates the (unconfirmed) device of the link's user."""
    client.get(reverse("accounts:enrol", args=[v.enrolment_key]))


def enrolment_code(v: Victims) -> dict[str, Any]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=v.users[MINISTRY], confirmed=False).order_by("-pk").first()
    return {"code": _code(device)} if device else {"code": "000000"}


def follow_reset_link(client: Client, v: Victims, who: str) -> None:
    """The owner follows the link from the reset e-mail (Django keeps its token in the session and redirects to
    …/set-password/); the attackers never received that e-mail."""
    from django.contrib.auth.tokens import default_token_generator

    if who == OWNER:
        token = default_token_generator.make_token(v.users[OWNER])
        client.get(reverse("accounts:password_reset_confirm", args=[reset_uid(v), token]))


def reset_uid(v: Victims) -> str:
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return urlsafe_base64_encode(force_bytes(v.users[OWNER].pk))


NEW_PASSWORD = "another-correct-horse-77"  # noqa: S105


# Screening results are for staff only: the company itself never learns it was flagged.
NOT_SCREENING = (OFFICER, MINISTRY, OWNER)
SELF_SERVICE = "each user acts on their own account here; the victim's data must still not appear"
OWN_JOBS = "each user lists the jobs they started"
DISMISS_CHANGES = ("registry.Organisation_possible_duplicates", "registry.DuplicateDismissal")
MERGE_CHANGES = ("registry.Organisation", "registry.Organisation_possible_duplicates")
INVALID_LINK = "without the e-mailed token Django only renders 'this link is invalid'"

ROUTES: dict[str, Route] = {
    # --- core ---------------------------------------------------------------------------------------------------
    "core:dashboard": Route(
        None,
        (get(OWNER, marker="organisation", open_to_attackers="the landing page and everyone's own dashboard"),),
    ),
    "core:healthz": Route(None, (get(ANONYMOUS, open_to_attackers="public health check"),)),
    "core:audit": Route(None, (get((AUDITOR, ADMIN), marker="audit", refused=(OFFICER, COMPLIANCE, OWNER)),)),
    "core:audit_export": Route(csv, (get((AUDITOR,), marker="audit", refused=(OFFICER, COMPLIANCE, OWNER)),)),
    # --- accounts -----------------------------------------------------------------------------------------------
    "accounts:login": Route(
        None,
        (
            get(ANONYMOUS, attackers=()),
            post(
                ANONYMOUS,
                attackers=(),
                payload=lambda v: {"username": "ps_owner", "password": PASSWORD},
                changes=("accounts.User",),  # last_login
            ),
        ),
        any_method="Django's LoginView (a FormView) handles PUT like POST",
    ),
    "accounts:logout": Route(None, (post(OWNER, attackers=(), status=302),)),
    "accounts:two_factor": Route(
        None,
        (
            get(OWNER, open_to_attackers=SELF_SERVICE),
            # The code proves the session (a session flag) and spends the code (the device's counter).
            post(
                OWNER,
                payload=owner_code,
                changes=("otp_totp.TOTPDevice",),
                open_to_attackers="the owner's code proves nothing for another account: no device of theirs",
            ),
        ),
        any_method="the view has no method restriction; any other method renders the page",
    ),
    "accounts:enrol": Route(
        lambda v: {"key": v.enrolment_key},
        (
            get(MINISTRY, refused=(ADMIN,), changes=("otp_totp.TOTPDevice",)),
            post(
                MINISTRY,
                refused=(ADMIN,),
                prepare=open_enrolment,
                payload=enrolment_code,
                changes=("otp_totp.TOTPDevice", "accounts.EnrolmentLink"),
                audit="two_factor.",
            ),
        ),
        any_method="the view has no method restriction; any other method renders the page for the link's user",
    ),
    "accounts:reauth": Route(
        None,
        (
            get(OWNER, open_to_attackers=SELF_SERVICE),
            post(OWNER, payload=lambda v: {"password": PASSWORD}, open_to_attackers=SELF_SERVICE),
        ),
        any_method="the view has no method restriction; any other method renders the page",
    ),
    "accounts:enrolment_links": Route(
        None,
        (
            get(ADMIN, refused=(OFFICER, AUDITOR, OWNER)),
            post(
                ADMIN,
                status=200,
                refused=(OFFICER, AUDITOR, OWNER),
                payload=lambda v: {"user": v.users[MINISTRY].pk},
                changes=("accounts.EnrolmentLink",),
                audit="two_factor.enrolment_link_issued",
            ),
        ),
        any_method="the view has no method restriction; any other method renders the page for administrators",
    ),
    "accounts:password_reset": Route(
        None,
        (
            get(ANONYMOUS, open_to_attackers="public"),
            # The e-mail goes to the account's address, never to the requester.
            post(ANONYMOUS, payload=lambda v: {"email": v.users[OWNER].email}, open_to_attackers="public"),
        ),
        any_method="Django's PasswordResetView (a FormView) handles PUT like POST",
    ),
    "accounts:password_reset_done": Route(None, (get(ANONYMOUS, open_to_attackers="public"),)),
    "accounts:password_reset_complete": Route(None, (get(ANONYMOUS, open_to_attackers="public"),)),
    "accounts:password_reset_confirm": Route(
        lambda v: {"uidb64": reset_uid(v), "token": "set-password"},
        (
            get(OWNER, prepare=follow_reset_link, open_to_attackers=INVALID_LINK),
            post(
                OWNER,
                prepare=follow_reset_link,
                payload=lambda v: {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
                changes=("accounts.User",),
                audit="user.password_reset",
                open_to_attackers=INVALID_LINK,
            ),
        ),
        any_method="Django's PasswordResetConfirmView (a FormView) handles PUT like POST",
    ),
    "accounts:tokens": Route(
        None,
        (
            get(OWNER, marker="token", open_to_attackers=SELF_SERVICE),
            post(
                OWNER,
                status=200,
                attackers=(ANONYMOUS,),
                payload=lambda v: {"name": "ci"},
                changes=("accounts.ApiToken",),
                audit="api_token.created",
            ),
        ),
        any_method="the view has no method restriction; any other method renders the page",
    ),
    "accounts:token_revoke": Route(
        lambda v: {"pk": v.token.pk},
        (post(OWNER, refused=(ADMIN,), changes=("accounts.ApiToken",), audit="api_token.revoked"),),
    ),
    # --- registry: organisations and their children -------------------------------------------------------------
    "registry:organisation_list": Route(
        None, (get((OWNER, OFFICER), marker="organisation", open_to_attackers="every user's own list"),)
    ),
    "registry:organisation_create": Route(
        None,
        (
            get(OFFICER, refused=(OWNER, AUDITOR)),
            post(
                OFFICER,
                refused=(OWNER, AUDITOR),
                payload=lambda v: NEW_ORGANISATION,
                changes=("registry.Organisation",),
                audit="organisation.created",
            ),
        ),
    ),
    "registry:organisation_detail": Route(org, (get((OWNER, OFFICER, AUDITOR), marker="organisation_description"),)),
    "registry:organisation_edit": Route(
        org,
        (
            get(OWNER, marker="organisation_description", refused=(AUDITOR, REP_WITHOUT_ORG)),
            post(
                (OWNER, OFFICER),
                refused=(AUDITOR, REP_WITHOUT_ORG),
                payload=lambda v: {
                    "legal_name": v.org.legal_name,
                    "country": "UA",
                    "city": "Odesa",
                    "security_clearance": "none",
                    "edrpou": v.org.edrpou,
                },
                changes=("registry.Organisation",),
                audit="organisation.updated",
            ),
        ),
    ),
    "registry:product_create": Route(
        org,
        (
            get(OWNER, refused=(AUDITOR,)),
            post(
                OWNER,
                refused=(AUDITOR,),
                payload=lambda v: PRODUCT,
                changes=("registry.Product",),
                audit="product.created",
            ),
        ),
    ),
    "registry:product_edit": Route(
        lambda v: {"pk": v.org.pk, "product_pk": v.product.pk},
        (
            get(OWNER, marker="product", refused=(AUDITOR,)),
            post(
                OWNER,
                refused=(AUDITOR,),
                payload=lambda v: {**PRODUCT, "name_en": "Renamed Interceptor"},
                changes=("registry.Product",),
                audit="product.updated",
            ),
        ),
    ),
    "registry:product_delete": Route(
        lambda v: {"pk": v.org.pk, "product_pk": v.product.pk},
        (
            get(OWNER, marker="product", refused=(AUDITOR,)),
            post(OWNER, refused=(AUDITOR,), changes=("registry.Product",), audit="product.deleted"),
        ),
    ),
    "registry:person_create": Route(
        org,
        (
            get(OWNER, refused=(AUDITOR,)),
            post(
                OWNER,
                refused=(AUDITOR,),
                payload=lambda v: PERSON,
                changes=("registry.Person",),
                audit="person.created",
            ),
        ),
    ),
    "registry:person_edit": Route(
        lambda v: {"pk": v.org.pk, "person_pk": v.person.pk},
        (
            get(OWNER, marker="person", refused=(AUDITOR,)),
            post(
                OWNER,
                refused=(AUDITOR,),
                payload=lambda v: {**PERSON, "full_name": "Victim Person Renamed"},
                changes=("registry.Person",),
                audit="person.updated",
            ),
        ),
    ),
    "registry:person_export": Route(
        lambda v: {"pk": v.org.pk, "person_pk": v.person.pk},
        (post(OWNER, status=200, marker="person", refused=(AUDITOR,), audit="person.exported"),),
    ),
    "registry:person_erase": Route(
        lambda v: {"pk": v.org.pk, "person_pk": v.person.pk},
        (
            get(OWNER, refused=(AUDITOR,)),
            post(
                OWNER,
                refused=(AUDITOR,),
                payload=lambda v: {"reason": "GDPR Art. 17 request 42"},
                changes=("registry.Person",),
                audit="person.erased",
            ),
        ),
    ),
    "registry:certification_create": Route(
        org,
        (
            get(OWNER, refused=(AUDITOR,)),
            post(
                OWNER,
                refused=(AUDITOR,),
                payload=lambda v: CERTIFICATION,
                changes=("registry.Certification",),
                audit="certification.created",
            ),
        ),
    ),
    "registry:certification_delete": Route(
        lambda v: {"pk": v.org.pk, "certification_pk": v.certification.pk},
        (
            get(OWNER, refused=(AUDITOR,)),
            post(OWNER, refused=(AUDITOR,), changes=("registry.Certification",), audit="certification.deleted"),
        ),
    ),
    "registry:taxonomy": Route(None, (get(ADMIN, refused=(OFFICER, OWNER)),)),
    "registry:taxonomy_create": Route(
        None,
        (
            get(ADMIN, refused=(OFFICER, OWNER)),
            post(
                ADMIN,
                refused=(OFFICER, OWNER),
                payload=lambda v: {**FIELD, "code": "new-field"},
                changes=("registry.TechnologyField",),
                audit="technology_field.created",
            ),
        ),
    ),
    "registry:taxonomy_edit": Route(
        lambda v: {"pk": v.technology_field.pk},
        (
            get(ADMIN, refused=(OFFICER, OWNER)),
            post(
                ADMIN,
                refused=(OFFICER, OWNER),
                payload=lambda v: {**FIELD, "code": v.technology_field.code},
                changes=("registry.TechnologyField",),
                audit="technology_field.updated",
            ),
        ),
    ),
    # --- registry: archive, restore, possible duplicates (the liaison office) --------------------------------
    "registry:organisation_archive": Route(
        org,
        (
            get(OFFICER, refused=(OWNER, AUDITOR)),
            post(
                OFFICER,
                refused=(OWNER, AUDITOR),
                payload=lambda v: {"reason": "Ceased trading."},
                changes=("registry.Organisation",),
                audit="organisation.archived",
            ),
        ),
    ),
    "registry:organisation_restore": Route(
        lambda v: {"pk": v.archived.pk},
        (
            get(OFFICER, refused=(OWNER, AUDITOR)),
            post(OFFICER, refused=(OWNER, AUDITOR), changes=("registry.Organisation",), audit="organisation.restored"),
        ),
    ),
    "registry:duplicate_dismiss": Route(
        pair,
        (
            get(OFFICER, refused=(OWNER, AUDITOR)),
            post(
                OFFICER,
                refused=(OWNER, AUDITOR),
                payload=lambda v: {"reason": "Different companies."},
                changes=DISMISS_CHANGES,
                audit="organisation.duplicate_dismissed",
            ),
        ),
    ),
    "registry:duplicate_merge": Route(
        pair,
        (
            get(OFFICER, refused=(OWNER, AUDITOR)),
            post(
                OFFICER,
                refused=(OWNER, AUDITOR),
                payload=lambda v: {"survivor": v.org.pk, "reason": "The same company."},
                changes=MERGE_CHANGES,
                audit="organisation.",
            ),
        ),
    ),
    "organisation-archive": Route(
        org,
        (
            api_post(
                OFFICER,
                status=200,
                refused=(OWNER, AUDITOR),
                payload=lambda v: {"reason": "Ceased trading."},
                changes=("registry.Organisation",),
                audit="organisation.archived",
            ),
        ),
    ),
    "organisation-restore": Route(
        lambda v: {"pk": v.archived.pk},
        (
            api_post(
                OFFICER,
                status=200,
                refused=(OWNER, AUDITOR),
                changes=("registry.Organisation",),
                audit="organisation.restored",
            ),
        ),
    ),
    "organisation-duplicate-dismiss": Route(
        pair,
        (
            api_post(
                OFFICER,
                status=204,
                refused=(OWNER, AUDITOR),
                payload=lambda v: {"reason": "Different companies."},
                changes=DISMISS_CHANGES,
                audit="organisation.duplicate_dismissed",
            ),
        ),
    ),
    "organisation-merge": Route(
        org,
        (
            api_post(
                OFFICER,
                status=200,
                refused=(OWNER, AUDITOR),
                payload=lambda v: {"other": v.duplicate.pk, "reason": "The same company."},
                changes=MERGE_CHANGES,
                audit="organisation.",
            ),
        ),
    ),
    # --- background jobs: each user sees the jobs they started; administrators and auditors see all ----------
    "jobs:list": Route(None, (get((OWNER, ADMIN, AUDITOR), open_to_attackers=OWN_JOBS),)),
    "jobs:detail": Route(job, (get((OWNER, ADMIN, AUDITOR), marker="job", refused=(OFFICER, COMPLIANCE)),)),
    "jobs:status": Route(job, (get((OWNER, AUDITOR), marker="job", refused=(OFFICER, COMPLIANCE)),)),
    "jobs-list": Route(None, (get((OWNER, AUDITOR), marker="job", open_to_attackers=OWN_JOBS),)),
    "jobs-detail": Route(job, (get((OWNER, AUDITOR), marker="job", refused=(OFFICER, COMPLIANCE)),)),
    # --- registry: import wizard and export ---------------------------------------------------------------------
    "registry_import:upload": Route(
        None,
        (
            get(OFFICER, refused=(OWNER, AUDITOR)),
            # Step 1 only keeps the file (outside the database); the registry changes at step 3.
            post(
                OFFICER,
                refused=(OWNER, AUDITOR),
                payload=lambda v: {"file": SimpleUploadedFile("firms.csv", IMPORT_CSV)},
            ),
        ),
    ),
    "registry_import:review": Route(None, (get(OFFICER, refused=(OWNER, AUDITOR), prepare=stash_import),)),
    "registry_import:commit": Route(
        None,
        (
            post(
                OFFICER,
                status=200,
                refused=(OWNER, AUDITOR),
                prepare=stash_import,
                changes=("registry.Organisation",),
                audit="organisation.",
            ),
        ),
    ),
    # A large file's check or import runs as a job; only the user who started it follows it (not even admins).
    "registry_import:job": Route(
        lambda v: {"pk": v.import_job.pk},  # type: ignore[union-attr]
        (get(OFFICER, marker="import_job", refused=(ADMIN, OWNER, AUDITOR)),),
    ),
    "registry_import:job_progress": Route(
        lambda v: {"pk": v.import_job.pk},  # type: ignore[union-attr]
        (get(OFFICER, marker="import_job", refused=(ADMIN, OWNER, AUDITOR)),),
    ),
    "registry_import:export": Route(
        csv,
        (
            get(
                (OWNER, OFFICER),
                marker="organisation",
                audit="organisation.exported",
                open_to_attackers="each user exports the organisations they may see",
                attacker_audit=("organisation.exported",),
            ),
        ),
    ),
    # --- integrity ------------------------------------------------------------------------------------------------
    "integrity:queue": Route(None, (get((COMPLIANCE, AUDITOR), marker="hit", refused=NOT_SCREENING),)),
    "integrity:hit_decide": Route(
        lambda v: {"pk": v.hit.pk},
        (
            post(
                COMPLIANCE,
                refused=(*NOT_SCREENING, AUDITOR),
                payload=lambda v: {"decision": "dismissed", "reason": "A different company."},
                changes=("integrity.ScreeningHit",),
                audit="screening_hit.dismissed",
            ),
        ),
    ),
    "integrity:watchlists": Route(
        None,
        (
            get((COMPLIANCE, AUDITOR), marker="watchlist", refused=NOT_SCREENING),
            post(
                COMPLIANCE,
                refused=(*NOT_SCREENING, AUDITOR),
                payload=watchlist_upload,
                changes=("integrity.Watchlist", "integrity.WatchlistEntity", "integrity.ScreeningRun", "jobs.Job"),
                audit="watchlist.imported",
            ),
        ),
    ),
    "integrity:run": Route(lambda v: {"pk": v.run.pk}, (get(COMPLIANCE, marker="run", refused=NOT_SCREENING),)),
    "integrity:rescreen": Route(
        None,
        (
            post(
                COMPLIANCE,
                refused=(*NOT_SCREENING, AUDITOR),
                # The re-screen is queued: the request writes the run and its job, no screening result.
                changes=("integrity.ScreeningRun", "jobs.Job"),
                audit="screening_run.",
            ),
        ),
    ),
    "integrity:org_panel": Route(org, (get((COMPLIANCE, OFFICER), marker="hit", refused=(OWNER,)),)),
    "integrity:relations": Route(
        org,
        (
            get((OWNER, COMPLIANCE), marker="relation", refused=(REP_WITHOUT_ORG,)),
            post(
                (OWNER, COMPLIANCE),
                refused=(AUDITOR, REP_WITHOUT_ORG),
                payload=lambda v: {"kind": "director", "name": "Ivan Director"},
                changes=("integrity.OrganisationRelation",),
                audit="relation.created",
            ),
        ),
    ),
    "integrity:relation_delete": Route(
        lambda v: {"pk": v.relation.pk},
        (post(OWNER, refused=(AUDITOR,), changes=("integrity.OrganisationRelation",), audit="relation.deleted"),),
    ),
    "integrity:trail": Route(csv, (get((AUDITOR, COMPLIANCE), marker="hit", refused=NOT_SCREENING),)),
    # --- API: documentation -------------------------------------------------------------------------------------
    "openapi": Route(None, (get(ANONYMOUS, open_to_attackers="the API description is public"),)),
    "api-docs": Route(None, (get(ANONYMOUS, open_to_attackers="the API description is public"),)),
    "api-redoc": Route(None, (get(ANONYMOUS, open_to_attackers="the API description is public"),)),
    # --- API: core and accounts -----------------------------------------------------------------------------------
    "audit-list": Route(None, (get((AUDITOR, ADMIN), marker="audit", refused=(OFFICER, COMPLIANCE, OWNER)),)),
    "me": Route(None, (get(OWNER, marker="organisation", open_to_attackers=SELF_SERVICE),)),
    # --- API: registry --------------------------------------------------------------------------------------------
    "person-export": Route(
        lambda v: {"pk": v.person.pk},
        (get(OWNER, marker="person", refused=(AUDITOR,), audit="person.exported"),),
    ),
    "person-erase": Route(
        lambda v: {"pk": v.person.pk},
        (
            api_post(
                OWNER,
                status=204,
                refused=(AUDITOR,),
                payload=lambda v: {"reason": "GDPR Art. 17 request 42"},
                changes=("registry.Person",),
                audit="person.erased",
            ),
        ),
    ),
    "organisation-list": Route(
        None,
        (
            get((OWNER, OFFICER), marker="organisation", open_to_attackers="every user's own list"),
            api_post(
                OFFICER,
                refused=(OWNER, AUDITOR),
                payload=lambda v: NEW_ORGANISATION,
                changes=("registry.Organisation",),
                audit="organisation.created",
            ),
        ),
    ),
    "organisation-detail": Route(
        org,
        (
            get((OWNER, OFFICER), marker="organisation_description"),
            patch(
                (OWNER, OFFICER),
                refused=(AUDITOR,),
                payload=lambda v: {"city": "Odesa"},
                changes=("registry.Organisation",),
                audit="organisation.updated",
            ),
        ),
    ),
    "organisation-products-list": Route(
        api_org,
        (
            get(OWNER, marker="product"),
            api_post(
                OWNER, refused=(AUDITOR,), payload=lambda v: PRODUCT, changes=("registry.Product",), audit="product."
            ),
        ),
    ),
    "organisation-products-detail": Route(
        lambda v: {"organisation_pk": v.org.pk, "pk": v.product.pk},
        (
            get(OWNER, marker="product"),
            patch(
                OWNER,
                refused=(AUDITOR,),
                payload=lambda v: {"name_en": "Renamed"},
                changes=("registry.Product",),
                audit="product.updated",
            ),
            delete(OWNER, refused=(AUDITOR,), changes=("registry.Product",), audit="product.deleted"),
        ),
    ),
    "organisation-certifications-list": Route(
        api_org,
        (
            get(OWNER, marker="certification"),
            api_post(
                OWNER,
                refused=(AUDITOR,),
                payload=lambda v: CERTIFICATION,
                changes=("registry.Certification",),
                audit="certification.created",
            ),
        ),
    ),
    "organisation-certifications-detail": Route(
        lambda v: {"organisation_pk": v.org.pk, "pk": v.certification.pk},
        (
            get(OWNER, marker="certification"),
            patch(
                OWNER,
                refused=(AUDITOR,),
                payload=lambda v: {"issuer": "TÜV Nord"},
                changes=("registry.Certification",),
                audit="certification.updated",
            ),
            delete(OWNER, refused=(AUDITOR,), changes=("registry.Certification",), audit="certification.deleted"),
        ),
    ),
    "organisation-people-list": Route(
        api_org,
        (
            get(OWNER, marker="person"),
            api_post(
                OWNER,
                refused=(AUDITOR,),
                payload=lambda v: PERSON,
                changes=("registry.Person",),
                audit="person.created",
            ),
        ),
    ),
    "organisation-people-detail": Route(
        lambda v: {"organisation_pk": v.org.pk, "pk": v.person.pk},
        (
            get(OWNER, marker="person"),
            patch(
                OWNER,
                refused=(AUDITOR,),
                payload=lambda v: {"phone": "+380 44 000 00 00"},
                changes=("registry.Person",),
                audit="person.updated",
            ),
        ),
    ),
    "technology-field-list": Route(
        None,
        (
            get(OWNER, open_to_attackers="every logged-in user reads the taxonomy"),
            api_post(
                ADMIN,
                refused=(OFFICER, OWNER),
                payload=lambda v: {**FIELD, "code": "new-field"},
                changes=("registry.TechnologyField",),
                audit="technology_field.created",
            ),
        ),
    ),
    "technology-field-detail": Route(
        lambda v: {"pk": v.technology_field.pk},
        (
            get(OWNER, open_to_attackers="every logged-in user reads the taxonomy"),
            patch(
                ADMIN,
                refused=(OFFICER, OWNER),
                payload=lambda v: {"label_en": "Renamed field"},
                changes=("registry.TechnologyField",),
                audit="technology_field.updated",
            ),
        ),
    ),
    # --- API: integrity -------------------------------------------------------------------------------------------
    "integrity-watchlists": Route(
        None,
        (
            get((COMPLIANCE, AUDITOR), marker="watchlist", refused=NOT_SCREENING),
            post(
                COMPLIANCE,
                status=201,
                refused=(*NOT_SCREENING, AUDITOR),
                payload=watchlist_upload,
                changes=("integrity.Watchlist", "integrity.WatchlistEntity", "integrity.ScreeningRun", "jobs.Job"),
                audit="watchlist.imported",
            ),
        ),
    ),
    "integrity-hits": Route(None, (get((COMPLIANCE, AUDITOR), marker="hit", refused=NOT_SCREENING),)),
    "integrity-hit-decide": Route(
        lambda v: {"pk": v.hit.pk},
        (
            api_post(
                COMPLIANCE,
                status=200,
                refused=(*NOT_SCREENING, AUDITOR),
                payload=lambda v: {"decision": "confirmed", "reason": "Same register number."},
                changes=("integrity.ScreeningHit",),
                audit="screening_hit.confirmed",
            ),
        ),
    ),
    "integrity-relations": Route(
        org,
        (
            get((OWNER, COMPLIANCE), marker="relation", refused=(REP_WITHOUT_ORG,)),
            api_post(
                OWNER,
                refused=(AUDITOR, REP_WITHOUT_ORG),
                payload=lambda v: {"kind": "director", "name": "Ivan Director"},
                changes=("integrity.OrganisationRelation",),
                audit="relation.created",
            ),
        ),
    ),
    "integrity-relation": Route(
        lambda v: {"pk": v.relation.pk},
        (
            put(
                (OWNER, COMPLIANCE),
                refused=(AUDITOR, REP_WITHOUT_ORG),
                payload=lambda v: {"kind": "owner", "name": "Renamed Owner", "share_percent": "30.00"},
                changes=("integrity.OrganisationRelation",),
                audit="relation.updated",
            ),
            delete(OWNER, refused=(AUDITOR,), changes=("integrity.OrganisationRelation",), audit="relation.deleted"),
        ),
    ),
    "integrity-clearance": Route(org, (get((COMPLIANCE, OFFICER), refused=(OWNER,)),)),
    # --- i18n -------------------------------------------------------------------------------------------------------
    "set_language": Route(
        None,
        (
            post(
                ANONYMOUS,
                payload=lambda v: {"language": "de", "next": "/"},
                open_to_attackers="anyone picks a language",
            ),
        ),
        any_method="Django's set_language redirects on GET without changing anything",
    ),
}


def _with_admin() -> None:
    from tests.permissions.admin_routes import admin_routes

    ROUTES.update(admin_routes())


_with_admin()
