"""Plain data types shared by the screening loaders, index, scorer and batch runner.

Why a module of its own: the CLI, the Django services and the benchmarks exchange these values, and none
of them should need to import the index (which pulls in numpy) just to build a query or read a match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

MAX_NAME_LENGTH = 500
"""Longest accepted name; real names are far shorter, so anything longer is a broken or hostile file."""


class WatchlistError(Exception):
    """Bad watchlist or query input, naming the file and line so an operator can fix it."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


class Kind(IntEnum):
    """Coarse entity kind that decides which schemata may match each other."""

    PERSON = 1
    ORGANIZATION = 2
    LEGAL_ENTITY = 3  # may be either a person or an organisation
    VESSEL = 4
    AIRPLANE = 5


# FollowTheMoney schemata that carry names worth screening, and their kind.
MATCHABLE_SCHEMATA: dict[str, Kind] = {
    "Person": Kind.PERSON,
    "LegalEntity": Kind.LEGAL_ENTITY,
    "Organization": Kind.ORGANIZATION,
    "Company": Kind.ORGANIZATION,
    "PublicBody": Kind.ORGANIZATION,
    "Vessel": Kind.VESSEL,
    "Airplane": Kind.AIRPLANE,
}

# Valid FollowTheMoney schemata without a screenable name (sanctions, addresses, relations ...): a
# watchlist export contains them, the loader skips them instead of rejecting the file.
OTHER_SCHEMATA = frozenset(
    (
        "Address", "Article", "Assessment", "Associate", "Asset", "Audio", "BankAccount", "Call",
        "Contract", "ContractAward", "CourtCase", "CourtCaseParty", "CryptoWallet", "Debt",
        "Directorship", "Document", "Email", "Employment", "Event", "Family", "Folder", "HyperText",
        "Identification", "Image", "Interest", "Interval", "LegalEntityLink", "License", "Membership",
        "Mention", "Message", "Note", "Occupancy", "Ownership", "Package", "Page", "Pages", "Passport",
        "Payment", "PlainText", "Position", "Project", "ProjectParticipant", "RealEstate",
        "Representation", "Sanction", "Security", "Succession", "Table", "TaxRoll", "Thing", "Trip",
        "UnknownLink", "Value", "Vehicle", "Video", "Workbook", "Analyzable", "EconomicActivity", "Risk",
    )
)  # fmt: skip

QUERY_SCHEMATA = ("Person", "Company", "Organization", "LegalEntity")


def kinds_compatible(query: Kind, entity: Kind) -> bool:
    """A person never matches a company; LegalEntity stands for either, so it matches both."""
    if query == entity:
        return True
    pair = {query, entity}
    return Kind.LEGAL_ENTITY in pair and pair <= {Kind.PERSON, Kind.ORGANIZATION, Kind.LEGAL_ENTITY}


@dataclass(frozen=True, slots=True)
class Entity:
    """One watchlist entry: everything the scorer looks at, nothing more."""

    id: str
    schema: str
    names: tuple[str, ...]
    birth_dates: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    registration_numbers: tuple[str, ...] = ()
    list_name: str = ""
    list_version: str = ""


@dataclass(frozen=True, slots=True)
class Query:
    """A name to screen, with the optional evidence that strengthens or weakens a match."""

    id: str
    schema: str
    names: tuple[str, ...]
    birth_dates: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    registration_numbers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Match:
    """A watchlist hit with a score in [0, 1] and an explanation a compliance officer can read."""

    query_id: str
    entity_id: str
    score: float
    matched_name: str
    explanation: str
    list_name: str
    list_version: str
    schema: str = ""
    reasons: tuple[str, ...] = field(default=(), compare=False)
