"""Company identifiers checked with their real rules (python-stdnum implements the published algorithms).

- Ukrainian EDRPOU: 8 digits, the last a check digit (weights 1–7 or 7–3 by range, retry with +2).
- German Handelsregister: the register court and an HRA/HRB (or GnR/PR/VR) number.
- EU VAT numbers: country prefix and the member state's own check.
- LEI: 20 characters, ISO 17442 with ISO 7064 mod 97-10 check digits.

Each ``validate_*`` returns the compact canonical form or raises :class:`IdentifierError` with a message
that says what is wrong. No Django here: the CLI, imports and benchmarks use the same functions.
"""

from __future__ import annotations

import re

from stdnum import lei as stdnum_lei
from stdnum.de import handelsregisternummer
from stdnum.eu import vat as stdnum_vat
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.ua import edrpou as stdnum_edrpou


class IdentifierError(ValueError):
    """An identifier that fails its format or check-digit rule."""


def _explain(kind: str, exc: ValidationError) -> IdentifierError:
    if isinstance(exc, InvalidChecksum):
        return IdentifierError(f"{kind}: the check digit is wrong")
    if isinstance(exc, InvalidLength):
        return IdentifierError(f"{kind}: wrong length")
    if isinstance(exc, InvalidComponent):
        return IdentifierError(f"{kind}: unknown component ({exc})")
    if isinstance(exc, InvalidFormat):
        return IdentifierError(f"{kind}: wrong format")
    return IdentifierError(f"{kind}: {exc}")


def validate_edrpou(value: str) -> str:
    try:
        return str(stdnum_edrpou.validate(value.strip()))
    except ValidationError as exc:
        raise _explain("EDRPOU", exc) from exc


def validate_lei(value: str) -> str:
    try:
        return str(stdnum_lei.validate(value.strip()))
    except ValidationError as exc:
        raise _explain("LEI", exc) from exc


def validate_vat(value: str) -> str:
    try:
        return str(stdnum_vat.validate(value.strip()))
    except ValidationError as exc:
        raise _explain("VAT number", exc) from exc


_HR_NUMBER = re.compile(r"^(HRA|HRB|GnR|PR|VR)\s*(\d{1,6})(\s*[A-Z]{1,2})?$", re.IGNORECASE)


def validate_handelsregister(court: str, number: str) -> tuple[str, str]:
    """Returns (court, number) in canonical spelling, e.g. ("München", "HRB 123456")."""
    match = _HR_NUMBER.match(number.strip())
    if not match:
        raise IdentifierError("Handelsregister: the number must look like 'HRB 12345' or 'HRA 1234'")
    kind = {"hra": "HRA", "hrb": "HRB", "gnr": "GnR", "pr": "PR", "vr": "VR"}[match.group(1).lower()]
    canonical_number = f"{kind} {match.group(2)}" + (
        f" {match.group(3).strip().upper()}" if match.group(3) else ""
    )
    try:
        full = handelsregisternummer.validate(f"{court.strip()} {canonical_number}")
    except ValidationError as exc:
        raise _explain("Handelsregister", exc) from exc
    parts = str(full).split(" ")
    canonical_court = " ".join(parts[: len(parts) - len(canonical_number.split(" "))])
    return canonical_court, canonical_number


def edrpou_check_digit(first_seven: str) -> str:
    """The check digit for seven EDRPOU digits (used by the demo data generator)."""
    return str(stdnum_edrpou.calc_check_digit(first_seven))


def lei_check_digits(first_eighteen: str) -> str:
    """The two ISO 7064 mod 97-10 check digits for the first 18 LEI characters."""
    from stdnum.iso7064 import mod_97_10

    return str(mod_97_10.calc_check_digits(first_eighteen))
