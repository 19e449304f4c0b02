import contextlib

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from safehub.people.validators import (
    normalise_postcode,
    upn_check_letter,
    validate_nhs_number,
    validate_postcode,
    validate_upn,
)


def test_valid_nhs_number_passes_and_spaces_are_allowed():
    validate_nhs_number("943 476 5919")
    validate_nhs_number("9434765919")


@pytest.mark.parametrize("bad", ["9434765918", "12345", "94347659AA"])
def test_invalid_nhs_numbers_are_refused(bad):
    with pytest.raises(ValidationError):
        validate_nhs_number(bad)


@given(st.text(min_size=1, max_size=12))
def test_nhs_validator_never_crashes(value):
    with contextlib.suppress(ValidationError):
        validate_nhs_number(value)


@pytest.mark.parametrize("good", ["SO14 7LY", "so147ly", "EC1A 1BB", "W1A 0AX", "M1 1AE", "B33 8TH", "GIR 0AA"])
def test_real_postcode_formats_pass(good):
    validate_postcode(good)


@pytest.mark.parametrize("bad", ["SO14", "12345", "QQ1 1AA", "SO14 7LYY", "S014 7LY"])
def test_malformed_postcodes_are_refused(bad):
    with pytest.raises(ValidationError):
        validate_postcode(bad)


def test_postcode_is_normalised():
    assert normalise_postcode(" so14   7ly ") == "SO14 7LY"


def test_upn_check_letter_round_trip():
    body = "852123412001"
    upn = upn_check_letter(body) + body
    validate_upn(upn)
    wrong = ("A" if upn[0] != "A" else "B") + body
    with pytest.raises(ValidationError):
        validate_upn(wrong)


def test_upn_format_is_checked():
    with pytest.raises(ValidationError):
        validate_upn("12345")
