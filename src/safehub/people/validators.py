"""Identifiers and postcodes: check them at the field, with a message a person can act on."""

from __future__ import annotations

import re

import nhs_number
from django.core.exceptions import ValidationError

# The official UK postcode format (outward code + inward code), including GIR 0AA.
_POSTCODE = re.compile(
    r"^(GIR 0AA|"
    r"(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]|"
    r"[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) [0-9][ABD-HJLNP-UW-Z]{2})$"
)
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", value or "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def validate_postcode(value: str) -> None:
    if value and not _POSTCODE.match(normalise_postcode(value)):
        raise ValidationError("Enter a real UK postcode, like SO14 7LY", code="postcode")


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def validate_nhs_number(value: str) -> None:
    digits = normalise_nhs_number(value)
    if not digits:
        return
    if not digits.isdigit() or len(digits) != 10:
        raise ValidationError("NHS number must be 10 digits, like 485 777 3456", code="nhs_length")
    if not nhs_number.is_valid(digits):
        raise ValidationError("This is not a valid NHS number: check the digits", code="nhs_checksum")


def upn_check_letter(body: str) -> str:
    """Return the DfE check letter for the 12 characters after it (the last may be a letter)."""
    total = 0
    for weight, char in enumerate(body, start=2):
        total += weight * (int(char) if char.isdigit() else _UPN_LETTERS.index(char))
    return _UPN_LETTERS[total % 23]


def validate_upn(value: str) -> None:
    upn = (value or "").strip().upper()
    if not upn:
        return
    if not re.fullmatch(r"[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]", upn):
        raise ValidationError(
            "A unique pupil number (UPN) is a letter, 11 digits, then a digit or letter", code="upn_format"
        )
    if upn_check_letter(upn[1:]) != upn[0]:
        raise ValidationError("The UPN check letter does not match: check the characters", code="upn_check")
