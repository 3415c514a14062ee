"""Information-processing fees (信息处理费), pure arithmetic.

The rates are those of 《政府信息公开信息处理费管理办法》 (国办函〔2020〕109号, Art. 4
per item and Art. 5 by volume), issued under Art. 42 of the Regulation. Both methods
are excess-progressive (超额累进), and an application is charged by one method only.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext

FREE_ITEMS_PER_MONTH = 10
FREE_PAGES = 30

# (last page of the tier, yuan per page); the last tier is open-ended.
_PAGE_TIERS: tuple[tuple[int | None, int], ...] = (
    (30, 0),
    (100, 10),
    (200, 20),
    (None, 40),
)


class FeeMethod(StrEnum):
    """How an application is charged: per item (按件) or by volume (按量)."""

    PER_ITEM = "per_item"
    PER_PAGE = "per_page"


class FeeMethodError(ValueError):
    """The arguments do not match exactly one fee method; the message is in Chinese."""


def per_item_fee(nth_in_month: int) -> int:
    """Return the fee in yuan for the applicant's n-th application of the month.

    1–10 are free, 11–30 cost 100, and from 31 on each band of 10 costs 100 more:
    31–40 200, 41–50 300, and so on.
    """
    if nth_in_month < 1:
        msg = f"nth_in_month counts from 1, got {nth_in_month}"
        raise ValueError(msg)
    if nth_in_month <= FREE_ITEMS_PER_MONTH:
        return 0
    if nth_in_month <= 30:
        return 100
    return 100 * (2 + (nth_in_month - 31) // 10)


def per_page_fee(pages: int) -> int:
    """Return the fee in yuan for an application of ``pages`` pages.

    Each tier's rate applies only to the pages inside it: 1–30 free, 31–100 at 10,
    101–200 at 20, 201 and more at 40 yuan a page (250 pages cost 4,700).
    """
    if pages < 0:
        msg = f"pages must be >= 0, got {pages}"
        raise ValueError(msg)
    total = 0
    lower = 0
    for upper, rate in _PAGE_TIERS:
        top = pages if upper is None else min(pages, upper)
        if top <= lower:
            break
        total += (top - lower) * rate
        if upper is None:
            break
        lower = upper
    return total


def fee_amount(
    method: FeeMethod, *, nth_in_month: int | None = None, pages: int | None = None
) -> Decimal:
    """Return the fee of one application under ``method``, in yuan.

    Raises :class:`FeeMethodError` when the argument of the other method is given too,
    because one application may not be charged by both methods, or when the
    argument of ``method`` is missing.
    """
    if nth_in_month is not None and pages is not None:
        msg = gettext(
            "一件申请只能选择一种计收方式（按件或按量），不能同时按件数和页数计收"
        )
        raise FeeMethodError(msg)
    if method is FeeMethod.PER_ITEM:
        if nth_in_month is None:
            msg = gettext("按件计收需要提供本月第几件申请")
            raise FeeMethodError(msg)
        return Decimal(per_item_fee(nth_in_month))
    if pages is None:
        msg = gettext("按量计收需要提供页数")
        raise FeeMethodError(msg)
    return Decimal(per_page_fee(pages))
