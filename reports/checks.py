"""Arithmetic checks of the 2021-format report (contract §4.5, ogi-rules §3.8).

Pure: takes the report JSON (and the previous year's published report for V5) and
returns one result per rule: ``{"rule", "level", "ok", "message", "state"}``. Messages
name the row and column that fail, in the report's own labels. A report with a failing
``error`` check cannot be published; ``warning`` checks only inform.

A check has three states: ``passed``, ``failed`` and ``not_checked`` (未核对: V5 when
there is no published report of the year before to compare with). Contract §7 fixes the
four keys ``rule``, ``level``, ``ok`` (a boolean) and ``message``; they keep their
meaning and type: ``ok`` is true only for a check that ran and passed, so a check that
could not run reads ``"ok": false`` (never "passed"), its message starts with "未核对：",
and the added key ``state`` tells it apart from a failure. Snapshots published before
``state`` existed have no such key; readers take ``ok`` for the state then.

The messages are translatable. :func:`run_checks` writes them in the site's language
(``settings.LANGUAGE_CODE``) unless asked for another: its results are stored with a
published snapshot and its JSON, which must not depend on the language of the user who
published. A page shows them in the user's language by asking for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy, pgettext

from reports import labels
from requests_app.outcomes import OUTCOME_ROWS, TABLE3_ROWS

ERROR = "error"
WARNING = "warning"

PASSED = "passed"
FAILED = "failed"
NOT_CHECKED = "not_checked"
NOT_CHECKED_PREFIX = gettext_lazy("未核对：")

COLUMN_LABELS = dict(labels.TABLE3_COLUMNS)
ROW_LABELS = labels.TABLE3_ROW_LABELS
TABLE4_LABELS = {
    key: f"{top}（{second}）" if second else top
    for key, top, second in labels.TABLE4_GROUPS
}
RESULT_LABELS = dict(labels.TABLE4_RESULTS)
TABLE2_LABELS = {
    row: label for sub in labels.TABLE2_SUBTABLES for row, label in sub.rows
}
TABLE2_COLUMN_LABELS = {
    column: label for sub in labels.TABLE2_SUBTABLES for column, label in sub.columns
}


def _count(value: Any) -> int | None:
    """The value as a count, or None when it is not an integer ≥ 0 (V6)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _result(rule: str, level: str, failures: list[str], ok_message: str) -> dict:
    return {
        "rule": rule,
        "level": level,
        "ok": not failures,
        "message": gettext("%(failures)s。")
        % {"failures": pgettext("separator of check failures", "；").join(failures)}
        if failures
        else ok_message,
        "state": FAILED if failures else PASSED,
    }


def _not_checked(rule: str, level: str, reason: str) -> dict:
    return {
        "rule": rule,
        "level": level,
        "ok": False,
        "message": str(NOT_CHECKED_PREFIX) + reason,
        "state": NOT_CHECKED,
    }


def check_state(check: Mapping[str, Any]) -> str:
    """``passed``, ``failed`` or ``not_checked`` (from ``ok`` when ``state`` is absent)."""
    return check.get("state") or (PASSED if check.get("ok") else FAILED)


def _cell(rows: Mapping[str, Mapping[str, Any]], row: str, column: str) -> int | None:
    return _count(rows.get(row, {}).get(column))


def check_v1(rows: Mapping[str, Mapping[str, Any]]) -> dict:
    """V1: per column, R1 + R2 = R3.7 + R4 (the official header note)."""
    failures = []
    for column, label in labels.TABLE3_COLUMNS:
        r1, r2, r37, r4 = (
            _cell(rows, row, column) for row in ("R1", "R2", "R3.7", "R4")
        )
        if None in (r1, r2, r37, r4):
            failures.append(
                gettext("“%(column)s”列缺少数据或含非法数值") % {"column": label}
            )
        elif r1 + r2 != r37 + r4:
            failures.append(
                gettext(
                    "“%(column)s”列：第一项加第二项之和为%(sum12)s（%(r1)s+%(r2)s），"
                    "第三项加第四项之和为%(sum34)s（%(r37)s+%(r4)s），两者不相等"
                )
                % {
                    "column": label,
                    "sum12": r1 + r2,
                    "r1": r1,
                    "r2": r2,
                    "sum34": r37 + r4,
                    "r37": r37,
                    "r4": r4,
                }
            )
    return _result(
        "V1",
        ERROR,
        failures,
        gettext("各列第一项加第二项之和均等于第三项加第四项之和。"),
    )


def check_v2(rows: Mapping[str, Mapping[str, Any]]) -> dict:
    """V2: per column, R3.7 is the sum of the outcome rows R3.1 … R3.6.3."""
    failures = []
    for column, label in labels.TABLE3_COLUMNS:
        parts = [_cell(rows, row, column) for row in OUTCOME_ROWS]
        total = _cell(rows, "R3.7", column)
        if total is None or None in parts:
            failures.append(
                gettext("“%(column)s”列的办理结果缺少数据或含非法数值")
                % {"column": label}
            )
            continue
        expected = sum(part for part in parts if part is not None)
        if total != expected:
            failures.append(
                gettext(
                    "“%(row)s”行“%(column)s”列为%(total)s，"
                    "各项办理结果之和为%(expected)s"
                )
                % {
                    "row": ROW_LABELS["R3.7"],
                    "column": label,
                    "total": total,
                    "expected": expected,
                }
            )
    return _result(
        "V2", ERROR, failures, gettext("各列“（七）总计”均等于各项办理结果之和。")
    )


def check_v3(rows: Mapping[str, Mapping[str, Any]]) -> dict:
    """V3: per row, total = the sum of the six applicant columns."""
    failures = []
    for row in TABLE3_ROWS:
        parts = [_cell(rows, row, column) for column in labels.APPLICANT_COLUMNS]
        total = _cell(rows, row, "total")
        if total is None or None in parts:
            failures.append(
                gettext("“%(row)s”行缺少数据或含非法数值") % {"row": ROW_LABELS[row]}
            )
            continue
        expected = sum(part for part in parts if part is not None)
        if total != expected:
            failures.append(
                gettext("“%(row)s”行：总计为%(total)s，六类申请人之和为%(expected)s")
                % {"row": ROW_LABELS[row], "total": total, "expected": expected}
            )
    return _result("V3", ERROR, failures, gettext("各行总计均等于六类申请人之和。"))


def check_v4(table4: Mapping[str, Mapping[str, Any]]) -> dict:
    """V4: in each group of table 四, total = upheld + corrected + other + pending."""
    failures = []
    for kind, label in TABLE4_LABELS.items():
        group = table4.get(kind, {})
        parts = [
            _count(group.get(key))
            for key in ("upheld", "corrected", "other", "pending")
        ]
        total = _count(group.get("total"))
        if total is None or None in parts:
            failures.append(
                gettext("表四“%(group)s”缺少数据或含非法数值") % {"group": label}
            )
            continue
        expected = sum(part for part in parts if part is not None)
        if total != expected:
            failures.append(
                gettext(
                    "表四“%(group)s”：总计为%(total)s，结果维持、结果纠正、其他结果、"
                    "尚未审结之和为%(expected)s"
                )
                % {"group": label, "total": total, "expected": expected}
            )
    return _result(
        "V4",
        ERROR,
        failures,
        gettext("表四各项总计均等于结果维持、结果纠正、其他结果与尚未审结之和。"),
    )


def check_v5(
    rows: Mapping[str, Mapping[str, Any]],
    year: int,
    previous: Mapping[str, Any] | None,
) -> dict:
    """V5 (warning): per column, R2 of this year = R4 of last year's published report."""
    if not previous:
        return _not_checked(
            "V5",
            WARNING,
            gettext("未找到%(year)s年度已发布的年度报告，无法核对上年结转数。")
            % {"year": year - 1},
        )
    previous_r4 = previous.get("table3", {}).get("rows", {}).get("R4", {})
    failures = []
    for column, label in labels.TABLE3_COLUMNS:
        this_year = rows.get("R2", {}).get(column)
        last_year = previous_r4.get(column)
        if this_year != last_year:
            failures.append(
                gettext(
                    "“%(column)s”列：本年“上年结转”为%(this_year)s，"
                    "%(year)s年度报告“结转下年度继续办理”为%(last_year)s"
                )
                % {
                    "column": label,
                    "this_year": this_year,
                    "year": year - 1,
                    "last_year": last_year,
                }
            )
    return _result(
        "V5",
        WARNING,
        failures,
        gettext("各列“上年结转”均与%(year)s年度已发布报告的“结转下年度继续办理”一致。")
        % {"year": year - 1},
    )


def _amount_ok(value: Any) -> bool:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return False
    return amount.is_finite() and amount >= 0


def _not_count(label: str, value: Any) -> str:
    return gettext("%(label)s应为非负整数，现为%(value)s") % {
        "label": label,
        "value": value,
    }


def _not_amount(label: str, value: Any) -> str:
    return gettext("%(label)s应为不小于0的金额，现为%(value)s") % {
        "label": label,
        "value": value,
    }


def check_v6(report: Mapping[str, Any]) -> dict:
    """V6: every count is an integer ≥ 0; amounts are decimals ≥ 0."""
    failures = []
    for row, columns in report.get("table2", {}).items():
        for column, value in columns.items():
            label = gettext("表二“%(row)s”“%(column)s”") % {
                "row": TABLE2_LABELS.get(row, row),
                "column": TABLE2_COLUMN_LABELS.get(column, column),
            }
            if column == "amount_wan_yuan":
                if not _amount_ok(value):
                    failures.append(_not_amount(label, value))
            elif _count(value) is None:
                failures.append(_not_count(label, value))
    for row, cells in report.get("table3", {}).get("rows", {}).items():
        for column, value in cells.items():
            if _count(value) is None:
                failures.append(
                    gettext("表三“%(row)s”行“%(column)s”列应为非负整数，现为%(value)s")
                    % {
                        "row": ROW_LABELS.get(row, row),
                        "column": COLUMN_LABELS.get(column, column),
                        "value": value,
                    }
                )
    for kind, cells in report.get("table4", {}).items():
        for result, value in cells.items():
            if _count(value) is None:
                failures.append(
                    gettext("表四“%(group)s”“%(result)s”应为非负整数，现为%(value)s")
                    % {
                        "group": TABLE4_LABELS.get(kind, kind),
                        "result": RESULT_LABELS.get(result, result),
                        "value": value,
                    }
                )
    fees = report.get("fees", {})
    for key, label in (
        ("notices_issued", gettext("收费通知件数")),
        ("paid_count", gettext("实际收费件数")),
    ):
        if key in fees and _count(fees[key]) is None:
            failures.append(_not_count(label, fees[key]))
    for key, label in (
        ("notices_amount_yuan", gettext("收费通知总金额")),
        ("collected_yuan", gettext("实际收取金额")),
    ):
        if key in fees and not _amount_ok(fees[key]):
            failures.append(_not_amount(label, fees[key]))
    return _result(
        "V6", ERROR, failures, gettext("所有数据均为非负整数，金额均不小于0。")
    )


def run_checks(
    report: Mapping[str, Any],
    *,
    previous: Mapping[str, Any] | None = None,
    language: str | None = None,
) -> list[dict]:
    """V1–V6 of a 2021-format report, in order, with messages in ``language`` (by
    default the site's language, that of the stored snapshot)."""
    rows = report.get("table3", {}).get("rows", {})
    with translation.override(language or settings.LANGUAGE_CODE):
        return [
            check_v1(rows),
            check_v2(rows),
            check_v3(rows),
            check_v4(report.get("table4", {})),
            check_v5(rows, int(report["year"]), previous),
            check_v6(report),
        ]


def failing_errors(checks: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The error-level checks that fail (these block publishing)."""
    return [
        check
        for check in checks
        if check["level"] == ERROR and check_state(check) == FAILED
    ]
