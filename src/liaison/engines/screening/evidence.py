"""Secondary evidence: birth dates, countries and registration numbers.

Why separate from the name score: the name says "could be"; these facts say "is" or "is not".  The same
name with a birth year five years apart is a namesake, not a hit, so a clear conflict must push a perfect
name below any sensible threshold, while agreement only nudges the score up.  An equal registration
number is as strong as evidence gets, regardless of how the name is spelled.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

DATE_PATTERN = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

# Score adjustments (added to the name score, then clipped to [0, 1]).
BIRTH_DATE_EQUAL = 0.05
BIRTH_YEAR_EQUAL = 0.03
BIRTH_SAME_YEAR_OTHER_DAY = -0.12  # a partial date on one side: the month differs, or only the month is known
BIRTH_YEAR_NEIGHBOUR = -0.15  # years one apart where a side gives only the year: often a rounding of an age
# Two full dates that differ are two recorded facts, not an uncertainty: the same name born on another day is a
# namesake, so the penalty takes a perfect name below the default threshold (0.80) unless other evidence
# (an equal registration number) carries it. Day and month swapped is a common slip and costs less.
BIRTH_FULL_DATE_OTHER_DAY = -0.25
BIRTH_FULL_DATE_NEIGHBOUR_YEAR = -0.3
BIRTH_DAY_MONTH_SWAPPED = -0.08
BIRTH_DATE_CONFLICT = -0.4
COUNTRY_EQUAL = 0.02
COUNTRY_CONFLICT = -0.1
REGISTRATION_EQUAL_FLOOR = 0.98
REGISTRATION_CONFLICT = -0.15
REGISTRATION_UNCONFIRMED = -0.03  # the query has a number, the entry has none: the hit cannot be confirmed

COUNTRY_NAMES: dict[str, str] = {
    "ukraine": "ua", "україна": "ua", "украина": "ua", "ukraina": "ua", "russia": "ru", "россия": "ru",
    "росія": "ru", "russian federation": "ru", "russland": "ru", "germany": "de", "deutschland": "de",
    "німеччина": "de", "belarus": "by", "беларусь": "by", "білорусь": "by", "poland": "pl", "polen": "pl",
    "kazakhstan": "kz", "moldova": "md", "georgia": "ge", "iran": "ir", "china": "cn", "turkey": "tr",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Evidence:
    """How much the facts move the name score, the floor they impose, and why."""

    delta: float
    floor: float
    reasons: tuple[str, ...]


def normalize_date(value: str) -> str | None:
    """Return an ISO date prefix (YYYY, YYYY-MM or YYYY-MM-DD) or None if the value is no date."""
    value = value.strip()[:10]
    return value if DATE_PATTERN.match(value) else None


def normalize_country(value: str) -> str:
    """Lower-case ISO code; a few spelled-out names of the countries that matter here are accepted."""
    value = value.strip().lower()
    return COUNTRY_NAMES.get(value, value)


def normalize_registration(value: str) -> str:
    """Registration numbers compare without spaces, dashes or case ("HRB 123" = "hrb-123")."""
    return "".join(ch for ch in value.upper() if ch.isalnum())


def _date_relation(left: str, right: str) -> tuple[int, float, str]:
    """Rank, adjustment and wording of how two (possibly partial) dates relate; higher rank is closer."""
    if left == right and len(left) == 10:
        return 4, BIRTH_DATE_EQUAL, f"birth date equal ({left})"
    full = len(left) == len(right) == 10
    if left[:4] == right[:4]:
        shorter = min(len(left), len(right))
        if left[:shorter] == right[:shorter]:
            return 3, BIRTH_YEAR_EQUAL, f"birth year equal ({left[:4]})"
        if full and left[5:7] == right[8:10] and left[8:10] == right[5:7]:
            return 2, BIRTH_DAY_MONTH_SWAPPED, f"birth date with day and month swapped (listed {right}, query {left})"
        return (
            2,
            BIRTH_FULL_DATE_OTHER_DAY if full else BIRTH_SAME_YEAR_OTHER_DAY,
            f"birth date differs in the same year (listed {right}, query {left})",
        )
    if abs(int(left[:4]) - int(right[:4])) == 1:
        penalty = BIRTH_FULL_DATE_NEIGHBOUR_YEAR if full else BIRTH_YEAR_NEIGHBOUR
        return 1, penalty, f"birth year differs by one (listed {right}, query {left})"
    return (
        0,
        BIRTH_DATE_CONFLICT,
        f"birth date differs (listed {right}, query {left}): probably a different person",
    )


def _birth_evidence(query: Sequence[str], listed: Sequence[str]) -> tuple[float, str] | None:
    if not query or not listed:
        return None
    best = max(_date_relation(q, listed_date) for q in query for listed_date in listed)
    return best[1], best[2]


def _country_evidence(query: Sequence[str], listed: Sequence[str]) -> tuple[float, str] | None:
    if not query or not listed:
        return None
    common = sorted(set(query) & set(listed))
    if common:
        return COUNTRY_EQUAL, f"country equal ({', '.join(common)})"
    return COUNTRY_CONFLICT, f"country differs (listed {', '.join(listed)}, query {', '.join(query)})"


def _same_kind(query_numbers: Sequence[str], listed_numbers: Sequence[str]) -> bool:
    """Whether any two numbers could come from the same register (same length after normalisation)."""
    return bool({len(n) for n in query_numbers} & {len(n) for n in listed_numbers})


def weigh(
    birth: tuple[Sequence[str], Sequence[str]],
    countries: tuple[Sequence[str], Sequence[str]],
    registrations: tuple[Sequence[str], Sequence[str]],
) -> Evidence:
    """Combine the facts; each pair is (query values, listed values), already normalised."""
    delta, floor, reasons = 0.0, 0.0, []
    for found in (_birth_evidence(*birth), _country_evidence(*countries)):
        if found is not None:
            delta += found[0]
            reasons.append(found[1])
    query_numbers, listed_numbers = registrations
    if query_numbers and not listed_numbers:
        delta += REGISTRATION_UNCONFIRMED
        reasons.append("no registration number listed to confirm")
    elif query_numbers and listed_numbers:
        common = sorted(set(query_numbers) & set(listed_numbers))
        if common:
            floor = REGISTRATION_EQUAL_FLOOR
            reasons.append(f"registration number equal ({', '.join(common)})")
        elif _same_kind(query_numbers, listed_numbers):
            delta += REGISTRATION_CONFLICT
            reasons.append(f"registration number differs (listed {', '.join(listed_numbers)})")
        else:
            # An EDRPOU (8 digits) can never equal an OGRN (13): numbers of different registers prove nothing.
            reasons.append(f"registration numbers of different registers (listed {', '.join(listed_numbers)})")
    return Evidence(delta, floor, tuple(reasons))
