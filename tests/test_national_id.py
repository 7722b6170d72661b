import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts import national_id
from accounts.crypto import digest
from ipplan.logging import scrub
from tests.factories import UserFactory, with_national_id


def first_valid(birth_date, individual, *, synthetic=False):
    """Not every individual number has valid control digits; take the next one that does."""
    for candidate in range(individual, individual + 50):
        value = national_id.build(birth_date, candidate, synthetic=synthetic)
        if value:
            return value
    raise AssertionError("no valid number found")


ADULT = first_valid(datetime.date(1979, 4, 12), 214)
D_NUMBER_BASE = first_valid(datetime.date(1990, 1, 1), 123)


def test_it_accepts_a_number_whose_two_control_digits_match():
    parsed = national_id.parse(ADULT)
    assert parsed.birth_date == datetime.date(1979, 4, 12)
    assert parsed.kind == "fnr"


@pytest.mark.parametrize("position", [9, 10])
def test_it_refuses_a_number_with_a_wrong_control_digit(position):
    wrong = ADULT[:position] + str((int(ADULT[position]) + 1) % 10) + ADULT[position + 1 :]
    with pytest.raises(ValidationError) as error:
        national_id.parse(wrong)
    assert error.value.messages == [str(national_id.INVALID_CONTROL)]


@pytest.mark.parametrize("raw", ["", "1234567890", "123456789012", "1204791a214", "abcdefghijk"])
def test_it_refuses_anything_but_eleven_digits(raw):
    with pytest.raises(ValidationError) as error:
        national_id.parse(raw)
    assert error.value.code == "format"


def test_it_ignores_spaces_typed_by_people():
    assert national_id.parse(f"{ADULT[:6]} {ADULT[6:]}").value == ADULT


def test_it_refuses_a_valid_checksum_on_an_impossible_date():
    # 31 February: find an individual number with valid control digits for day 31, month 02.
    for individual in range(500):
        base = f"310290{individual:03d}"
        k1 = national_id.control_digit(base, national_id.WEIGHTS_K1)
        if k1 is None:
            continue
        k2 = national_id.control_digit(base + str(k1), national_id.WEIGHTS_K2)
        if k2 is not None:
            break
    with pytest.raises(ValidationError) as error:
        national_id.parse(f"{base}{k1}{k2}")
    assert error.value.code == "date"


def test_it_reads_a_d_number_birth_date():
    day_plus_40 = str(int(D_NUMBER_BASE[0]) + 4) + D_NUMBER_BASE[1:9]
    k1 = national_id.control_digit(day_plus_40, national_id.WEIGHTS_K1)
    k2 = national_id.control_digit(day_plus_40 + str(k1), national_id.WEIGHTS_K2)
    if k1 is None or k2 is None:
        pytest.skip("no control digits for this base")
    parsed = national_id.parse(f"{day_plus_40}{k1}{k2}")
    assert (parsed.kind, parsed.birth_date) == ("dnr", datetime.date(1990, 1, 1))


@pytest.mark.parametrize(
    ("year", "individual", "expected_year"),
    [(1899, 600, 1899), (1950, 950, 1950), (1999, 100, 1999), (2016, 512, 2016), (2024, 900, 2024)],
)
def test_it_gives_the_century_from_the_individual_number(year, individual, expected_year):
    value = first_valid(datetime.date(year, 6, 15), individual)
    assert national_id.parse(value).birth_date.year == expected_year


def test_synthetic_numbers_are_refused_where_not_allowed():
    synthetic = first_valid(datetime.date(1979, 4, 12), 214, synthetic=True)
    assert national_id.parse(synthetic, allow_synthetic=True).kind == "synthetic"
    with pytest.raises(ValidationError) as error:
        national_id.parse(synthetic, allow_synthetic=False)
    assert error.value.code == "synthetic"


def test_the_masked_form_shows_only_the_birth_date_part():
    assert national_id.mask(ADULT) == f"{ADULT[:6]} *****"


@pytest.mark.django_db
def test_the_user_stores_the_number_encrypted_and_only_shows_it_masked():
    user = with_national_id(UserFactory(), datetime.date(1979, 4, 12))
    full = user.get_national_id()
    stored = type(user).objects.filter(pk=user.pk).values().get()
    assert full not in str(stored)
    assert stored["national_id_digest"] == digest(full)
    assert user.national_id_masked == f"{full[:6]} *****"
    assert full not in str(user) and full not in repr(user)


def test_log_lines_never_carry_an_identity_number_or_a_line_break():
    line = scrub(f"lookup {ADULT} failed\nFAKE ENTRY admin logged in")
    assert ADULT not in line
    assert f"{ADULT[:6]}*****" in line
    assert "\n" not in line and "\\x0a" in line
