"""Check characters of Chinese identity numbers, pure.

An application must carry the applicant's proof of identity (Art. 29 of the Regulation,
国务院令第711号). Two numbers have a check character: the resident identity number
(GB 11643-1999, ISO 7064 MOD 11-2) and the unified social credit code of organisations
(GB 32100-2015, MOD 31). Validators expect the canonical form (upper case, no spaces);
forms normalise input before calling them.
"""

from __future__ import annotations

from datetime import date

_DIGITS = "0123456789"
_RESIDENT_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_CHECK_CHARS = "10X98765432"

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUES = {char: value for value, char in enumerate(USCC_CHARSET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

_MASK_KEEP = 4


def _is_digits(value: str) -> bool:
    # str.isdigit() also accepts full-width and other Unicode digits.
    return bool(value) and all(char in _DIGITS for char in value)


def resident_id_check_char(first17: str) -> str:
    """Return the MOD 11-2 check character of the first 17 digits of an ID number."""
    if len(first17) != 17 or not _is_digits(first17):
        msg = "expected the first 17 digits of a resident identity number"
        raise ValueError(msg)
    total = sum(
        int(char) * weight
        for char, weight in zip(first17, _RESIDENT_WEIGHTS, strict=True)
    )
    return _RESIDENT_CHECK_CHARS[total % 11]


def _has_real_birth_date(value: str) -> bool:
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return True


def is_valid_resident_id(value: str) -> bool:
    """Return whether ``value`` is an 18-character resident identity number.

    Checks the form (17 digits and a digit or ``X``), that characters 7–14 are a real
    date of birth, and the check character.
    """
    if len(value) != 18 or not _is_digits(value[:17]):
        return False
    if not _has_real_birth_date(value):
        return False
    return value[17] == resident_id_check_char(value[:17])


def uscc_check_char(first17: str) -> str:
    """Return the MOD 31 check character of the first 17 characters of a USCC."""
    if len(first17) != 17 or any(char not in _USCC_VALUES for char in first17):
        msg = "expected the first 17 characters of a unified social credit code"
        raise ValueError(msg)
    total = sum(
        _USCC_VALUES[char] * weight
        for char, weight in zip(first17, _USCC_WEIGHTS, strict=True)
    )
    return USCC_CHARSET[(31 - total % 31) % 31]


def is_valid_uscc(value: str) -> bool:
    """Return whether ``value`` is an 18-character unified social credit code."""
    if len(value) != 18 or any(char not in _USCC_VALUES for char in value):
        return False
    return value[17] == uscc_check_char(value[:17])


def mask_id_number(value: str) -> str:
    """Return ``value`` with all but the first 4 and last 4 characters starred.

    A value of 8 characters or fewer is starred entirely, since keeping 4 + 4 would
    show all of it.
    """
    if len(value) <= 2 * _MASK_KEEP:
        return "*" * len(value)
    hidden = len(value) - 2 * _MASK_KEEP
    return value[:_MASK_KEEP] + "*" * hidden + value[-_MASK_KEEP:]
