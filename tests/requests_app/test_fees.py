"""Information-processing fees of 国办函〔2020〕109号 at their tier boundaries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from requests_app.fees import (
    FeeMethod,
    FeeMethodError,
    fee_amount,
    per_item_fee,
    per_page_fee,
)


@pytest.mark.parametrize(
    ("nth", "expected"),
    [
        (1, 0),
        (10, 0),
        (11, 100),
        (30, 100),
        (31, 200),
        (35, 200),
        (40, 200),
        (41, 300),
        (45, 300),
        (50, 300),
        (51, 400),
        (60, 400),
        (61, 500),
    ],
)
def test_per_item_fee(nth: int, expected: int) -> None:
    assert per_item_fee(nth) == expected


def test_per_item_fee_counts_from_one() -> None:
    with pytest.raises(ValueError, match="counts from 1"):
        per_item_fee(0)


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        (0, 0),
        (1, 0),
        (30, 0),
        (31, 10),
        (100, 700),
        (101, 720),
        (200, 2700),
        (201, 2740),
        (250, 4700),
        (1000, 34700),
    ],
)
def test_per_page_fee(pages: int, expected: int) -> None:
    assert per_page_fee(pages) == expected


def test_per_page_fee_refuses_negative_pages() -> None:
    with pytest.raises(ValueError, match="pages must be >= 0"):
        per_page_fee(-1)


def test_fee_amount_per_item() -> None:
    assert fee_amount(FeeMethod.PER_ITEM, nth_in_month=11) == Decimal(100)


def test_fee_amount_per_page() -> None:
    assert fee_amount(FeeMethod.PER_PAGE, pages=250) == Decimal(4700)


@pytest.mark.parametrize("method", list(FeeMethod))
def test_fee_amount_refuses_both_methods(method: FeeMethod) -> None:
    with pytest.raises(FeeMethodError, match="只能选择一种计收方式"):
        fee_amount(method, nth_in_month=11, pages=250)


@pytest.mark.parametrize(
    ("method", "kwargs", "message"),
    [
        (FeeMethod.PER_ITEM, {"pages": 250}, "按件计收需要"),
        (FeeMethod.PER_PAGE, {"nth_in_month": 11}, "按量计收需要"),
        (FeeMethod.PER_ITEM, {}, "按件计收需要"),
        (FeeMethod.PER_PAGE, {}, "按量计收需要"),
    ],
)
def test_fee_amount_needs_the_argument_of_its_method(
    method: FeeMethod, kwargs: dict[str, int], message: str
) -> None:
    with pytest.raises(FeeMethodError, match=message):
        fee_amount(method, **kwargs)
