"""Annual statistics (年度统计): the figures of an agency-year the product cannot count
itself (contract §5.5), held in the wide ``AnnualStatistics`` row, one field per key.

Counts are non-negative integers; amounts (keys ending in ``_yuan``, ``_wan_yuan``) are
non-negative decimals with the places of their field. ``None`` means not entered; the
annual report shows it as 0.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from django.db import models, transaction

from disclosure.exceptions import ApplicationError
from disclosure.models import STATISTIC_KEYS, Agency, AnnualStatistics

StatisticValue = int | Decimal | None

MAX_INTEGER: Final = 2_147_483_647
FIRST_YEAR: Final = 1990
LAST_YEAR: Final = 2100


def statistic_field(key: str) -> models.Field:
    """The model field of a statistic key; ApplicationError for an unknown key."""
    if key not in STATISTIC_KEYS:
        raise ApplicationError(
            f"未知的统计项“{key}”（可选：{'、'.join(STATISTIC_KEYS)}）。", field="key"
        )
    return AnnualStatistics._meta.get_field(key)


def statistic_is_amount(key: str) -> bool:
    return isinstance(statistic_field(key), models.DecimalField)


def statistic_value_parse(key: str, value: object) -> StatisticValue:
    """The typed value of ``key`` from an int, a Decimal or text; "" and None clear it.

    Raises ApplicationError (field ``value``) for a negative, fractional-where-integer,
    too precise or too large value.
    """
    field = statistic_field(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = value.strip() if isinstance(value, str) else str(value)
    if isinstance(value, bool):
        raise ApplicationError("应为数字。", field="value")
    if isinstance(field, models.DecimalField):
        try:
            amount = Decimal(text)
        except ArithmeticError:
            raise ApplicationError(
                f"应为不小于0的金额，而不是“{text}”。", field="value"
            ) from None
        if not amount.is_finite() or amount < 0:
            raise ApplicationError(
                f"应为不小于0的金额，而不是“{text}”。", field="value"
            )
        places = field.decimal_places
        if amount != amount.quantize(Decimal(1).scaleb(-places)):
            raise ApplicationError(f"最多{places}位小数：“{text}”。", field="value")
        amount = amount.quantize(Decimal(1).scaleb(-places))
        if len(amount.as_tuple().digits) > field.max_digits:
            raise ApplicationError(f"数值过大：“{text}”。", field="value")
        return amount
    if not text.isascii() or not text.isdigit():
        raise ApplicationError(f"应为不小于0的整数，而不是“{text}”。", field="value")
    number = int(text)
    if number > MAX_INTEGER:
        raise ApplicationError(f"数值过大：“{text}”。", field="value")
    return number


def statistic_year_check(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ApplicationError(
            f"年度应在{FIRST_YEAR}–{LAST_YEAR}之间，而不是{year}。", field="year"
        )


@transaction.atomic
def statistics_set(
    agency: Agency, year: int, key: str, value: object
) -> AnnualStatistics:
    """Set one statistic of an agency-year (None or "" clears it); returns the row."""
    return statistics_set_many(agency=agency, year=year, values={key: value})


@transaction.atomic
def statistics_set_many(
    *, agency: Agency, year: int, values: dict[str, object]
) -> AnnualStatistics:
    """Set several statistics of an agency-year at once, all checked before any is
    written; the row is created on first use and locked while it changes."""
    statistic_year_check(year)
    parsed = {key: statistic_value_parse(key, value) for key, value in values.items()}
    row, _ = AnnualStatistics.objects.select_for_update().get_or_create(
        agency=agency, year=year
    )
    changed = [key for key, value in parsed.items() if getattr(row, key) != value]
    for key in changed:
        setattr(row, key, parsed[key])
    if changed:
        row.full_clean()
        row.save(update_fields=[*changed, "updated_at"])
    return row


def statistics_get(agency: Agency, year: int) -> dict[str, StatisticValue]:
    """Every statistic key of the agency-year with its value (None = not entered)."""
    row = AnnualStatistics.objects.filter(agency=agency, year=year).first()
    return {key: getattr(row, key) if row else None for key in STATISTIC_KEYS}
