"""Resident identity numbers and unified social credit codes."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from disclosure.identity import (
    USCC_CHARSET,
    is_valid_resident_id,
    is_valid_uscc,
    mask_id_number,
    resident_id_check_char,
    uscc_check_char,
)


def with_check_char(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


def resident_id(region: str, born: date, sequence: str) -> str:
    return with_check_char(f"{region}{born:%Y%m%d}{sequence}")


# Numbers whose check character is right but whose date of birth is not a date.
BAD_BIRTH_DATES = [
    pytest.param(with_check_char("11010519490230002"), id="february_30"),
    pytest.param(with_check_char("11010519000229001"), id="1900_not_a_leap_year"),
    pytest.param(with_check_char("11010519491331001"), id="month_13"),
    pytest.param(with_check_char("11010519491200001"), id="day_0"),
]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("11010519491231002X", id="gb11643_example"),
        pytest.param(resident_id("440305", date(1990, 3, 7), "123"), id="shenzhen"),
        pytest.param(resident_id("310115", date(2000, 2, 29), "004"), id="leap_day"),
        pytest.param(resident_id("510107", date(1965, 12, 31), "998"), id="chengdu"),
    ],
)
def test_valid_resident_ids(value: str) -> None:
    assert is_valid_resident_id(value)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("110105194912310021", id="wrong_check_char"),
        pytest.param("11010519491231002x", id="lower_case_x"),
        pytest.param("11010519491231002", id="17_characters"),
        pytest.param("11010519491231002XX", id="19_characters"),
        pytest.param("110105491231002", id="old_15_digit_number"),
        pytest.param("1101051949123100AX", id="letter_in_sequence"),
        pytest.param("１１０１０５１９４９１２３１００２X", id="full_width_digits"),
        pytest.param("", id="empty"),
        *BAD_BIRTH_DATES,
    ],
)
def test_invalid_resident_ids(value: str) -> None:
    assert not is_valid_resident_id(value)


def test_resident_check_char_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="first 17 digits"):
        resident_id_check_char("1101051949123100")
    with pytest.raises(ValueError, match="first 17 digits"):
        resident_id_check_char("1101051949123100A")


@settings(max_examples=200)
@given(
    region=st.from_regex(r"[1-9][0-9]{5}", fullmatch=True),
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)),
    sequence=st.from_regex(r"[0-9]{3}", fullmatch=True),
    wrong=st.sampled_from("0123456789X"),
)
def test_resident_check_char_round_trip(
    region: str, born: date, sequence: str, wrong: str
) -> None:
    value = resident_id(region, born, sequence)
    assert is_valid_resident_id(value)
    if wrong != value[17]:
        assert not is_valid_resident_id(value[:17] + wrong)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("91350100M000100Y43", id="commonly_cited_example"),
        pytest.param("914403001922038216", id="published_code_1"),
        pytest.param("9144030071526726XG", id="published_code_2"),
        pytest.param("91110000802100433B", id="published_code_3"),
    ],
)
def test_valid_usccs(value: str) -> None:
    assert is_valid_uscc(value)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("91350100M000100Y44", id="wrong_check_char"),
        pytest.param("91350100m000100y43", id="lower_case"),
        pytest.param("91350100M000100Y4", id="17_characters"),
        pytest.param("91350100M000100I43", id="letter_I_not_in_charset"),
        pytest.param("91350100O000100Y43", id="letter_O_not_in_charset"),
        pytest.param("91350100M000100Z43", id="letter_Z_not_in_charset"),
        pytest.param("", id="empty"),
    ],
)
def test_invalid_usccs(value: str) -> None:
    assert not is_valid_uscc(value)


def test_uscc_check_char_is_0_when_the_sum_is_a_multiple_of_31() -> None:
    # 1 x weight 1 + A (10) x weight 3 = 31, so 31 - 0 = 31 wraps to 0.
    assert uscc_check_char("1A" + "0" * 15) == "0"


def test_uscc_check_char_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="first 17 characters"):
        uscc_check_char("91350100M000100I4")
    with pytest.raises(ValueError, match="first 17 characters"):
        uscc_check_char("91350100M000100Y")


@settings(max_examples=200)
@given(
    first17=st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17),
    wrong=st.sampled_from(USCC_CHARSET),
)
def test_uscc_check_char_round_trip(first17: str, wrong: str) -> None:
    value = first17 + uscc_check_char(first17)
    assert is_valid_uscc(value)
    if wrong != value[17]:
        assert not is_valid_uscc(first17 + wrong)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("11010519491231002X", "1101**********002X", id="resident_id"),
        pytest.param("91350100M000100Y43", "9135**********0Y43", id="uscc"),
        pytest.param("E12345678", "E123*5678", id="passport_9"),
        pytest.param("H1234567", "********", id="eight_characters"),
        pytest.param("", "", id="empty"),
    ],
)
def test_mask_id_number(value: str, expected: str) -> None:
    assert mask_id_number(value) == expected
