"""What is screened for each kind of party, and the fingerprint that says whether a party changed.

Why a fingerprint: a dismissed hit must stay dismissed until the party or the listed entity changes. The
fingerprint is the SHA-256 of exactly what was sent to the engine, so an edit that does not touch the
screened data (a description, a phone number) does not re-raise anything, and any edit that does, does.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from liaison.engines.screening import Query
from liaison.integrity.choices import PartyType
from liaison.integrity.models import OrganisationRelation
from liaison.registry.models import Organisation, Person

ORGANISATION_NAME_FIELDS = ("legal_name", "short_name", "name_uk", "name_en", "name_de")


def _unique(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values if v and v.strip()))


def party_type_of(party: Any) -> str:
    if isinstance(party, Organisation):
        return PartyType.ORGANISATION
    if isinstance(party, Person):
        return PartyType.PERSON
    if isinstance(party, OrganisationRelation):
        return PartyType.RELATION
    raise TypeError(f"not a screenable party: {type(party).__name__}")


def _organisation_query(org: Organisation) -> Query:
    # The Handelsregister number alone (lists rarely carry the court); EDRPOU, VAT and LEI as they are.
    numbers = _unique([org.edrpou or "", org.hr_number or "", org.vat_id or "", org.lei or ""])
    return Query(
        f"organisation:{org.pk}",
        "Company",
        _unique(getattr(org, f) for f in ORGANISATION_NAME_FIELDS),
        (),
        _unique([org.country]),
        numbers,
    )


def _relation_query(rel: OrganisationRelation) -> Query | None:
    if rel.party_organisation_id is not None:
        return None  # a registered organisation is screened as itself; clearance follows the link
    return Query(
        f"relation:{rel.pk}",
        "Company" if rel.is_company else "Person",
        _unique([rel.name]),
        _unique([rel.birth_date.isoformat() if rel.birth_date else ""]),
        _unique([rel.country]),
        _unique([rel.registration_number]),
    )


def party_query(party: Any) -> Query | None:
    """The engine query for a party, or None when there is nothing to screen (an erased person)."""
    kind = party_type_of(party)
    if kind == PartyType.ORGANISATION:
        return _organisation_query(party)
    if kind == PartyType.PERSON:
        if party.erased_at is not None or not party.full_name.strip():
            return None
        return Query(f"person:{party.pk}", "Person", _unique([party.full_name]))
    return _relation_query(party)


def query_data(query: Query | None) -> dict[str, Any]:
    """The query as stored on a hit and shown in the trail."""
    if query is None:
        return {}
    return {
        "schema": query.schema,
        "names": list(query.names),
        "birth_dates": list(query.birth_dates),
        "countries": list(query.countries),
        "registration_numbers": list(query.registration_numbers),
    }


def fingerprint(query: Query | None) -> str:
    payload = json.dumps(query_data(query), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def party_label(party: Any) -> str:
    kind = party_type_of(party)
    if kind == PartyType.ORGANISATION:
        return party.legal_name
    if kind == PartyType.PERSON:
        return party.full_name
    return party.display_name


def party_organisation_id(party: Any) -> int:
    """The registry organisation a party belongs to (itself, a person's employer, the owned company)."""
    return party.pk if isinstance(party, Organisation) else party.organisation_id


def is_personal(party: Any) -> bool:
    """People's names stay out of the audit hash chain (GDPR erasure must not break it)."""
    kind = party_type_of(party)
    return kind == PartyType.PERSON or (
        kind == PartyType.RELATION and not party.is_company and party.party_organisation_id is None
    )
