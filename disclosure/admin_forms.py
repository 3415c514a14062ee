"""Forms of the shared-core admin: agencies, and entering a year of the official calendar.

Forms validate and shape input; saving goes through ``disclosure.services``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from disclosure.exceptions import ApplicationError
from disclosure.models import Agency, CalendarDayKind, Channel
from disclosure.services import CalendarFileError, CalendarRow, calendar_file_parse

# --- errors of a service shown on the form ---------------------------------------------


def application_error_messages(exc: ApplicationError) -> dict[str | None, str]:
    """Every per-field problem an ApplicationError carries (``extra["errors"]`` when the
    service reports several at once, else its one ``field``)."""
    errors = exc.extra.get("errors") if isinstance(exc.extra, dict) else None
    if isinstance(errors, dict) and errors:
        return {field: str(message) for field, message in errors.items()}
    return {exc.field: exc.message}


def form_add_application_error(form: forms.BaseForm, exc: ApplicationError) -> None:
    """Show a service's refusal on the field it names, or above the form.

    The services name their date argument generically ``on`` when checking it against
    the receipt date and today; that lands on the form's first date field.
    """
    for field, message in application_error_messages(exc).items():
        target = field
        if target == "on":
            target = next(
                (
                    name
                    for name, bound in form.fields.items()
                    if isinstance(bound, forms.DateField)
                ),
                None,
            )
        form.add_error(target if target in form.fields else None, message)


# --- agencies --------------------------------------------------------------------------


class AgencyForm(forms.ModelForm):
    """机关: the accepted channels are the codes of contract §1.1, ticked as checkboxes."""

    accepted_channels = forms.MultipleChoiceField(
        label=_("受理的申请方式"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("不勾选任何方式表示不作限制。"),
    )
    # Government sites are served over HTTPS; a link typed without a scheme gets it.
    website = forms.URLField(label=_("网站"), required=False, assume_scheme="https")

    class Meta:
        model = Agency
        fields = (
            "code",
            "name",
            "parent",
            "accepted_channels",
            "supplement_period_days",
            "letter_prefix",
            "address",
            "postcode",
            "phone",
            "email",
            "website",
        )

    def clean_supplement_period_days(self) -> int:
        period = self.cleaned_data["supplement_period_days"]
        if period < 1:
            raise forms.ValidationError(_("补正期限至少为1个工作日。"))
        return period


# --- the official calendar -------------------------------------------------------------

# Kinds as clerks write them from the notice: the contract's codes, or the Chinese words.
_KIND_ALIASES: dict[str, str] = {
    CalendarDayKind.HOLIDAY: CalendarDayKind.HOLIDAY,
    CalendarDayKind.WORKDAY: CalendarDayKind.WORKDAY,
    "放假": CalendarDayKind.HOLIDAY,
    "休": CalendarDayKind.HOLIDAY,
    "休息": CalendarDayKind.HOLIDAY,
    "上班": CalendarDayKind.WORKDAY,
    "班": CalendarDayKind.WORKDAY,
    "调休上班": CalendarDayKind.WORKDAY,
}
# A State Council notice never gives one rest period longer than this.
_LONGEST_REST_RANGE_DAYS = 31
_LINE_REFERENCE = re.compile(r"\bline (\d+)")
_RANGE_SEPARATORS = ("~", "～", "至")


@dataclass(frozen=True, slots=True)
class ExpandedSchedule:
    """The schedule as ``date,kind,name`` CSV, with the source line of each CSV line."""

    csv_text: str
    source_lines: tuple[int, ...]
    errors: tuple[str, ...]


def _split_range(cell: str) -> tuple[str, str] | None:
    for separator in _RANGE_SEPARATORS:
        if separator in cell:
            first, _sep, last = cell.partition(separator)
            return first.strip(), last.strip()
    return None


def schedule_expand(text: str) -> ExpandedSchedule:
    """Turn the notice as typed into the ``date,kind,name`` lines the calendar service
    parses: a rest range ``2027-02-05~2027-02-12,春节`` becomes one holiday line per day,
    and the Chinese kind words (放假 / 上班) become the codes. Other lines pass unchanged,
    so the service reports their problems; ``source_lines`` maps its line numbers back."""
    csv_lines: list[str] = []
    source_lines: list[int] = []
    errors: list[str] = []
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        cells = [cell.strip() for cell in raw.replace("，", ",").split(",")]
        if len(cells) >= 2 and cells[1] in _KIND_ALIASES:
            cells[1] = _KIND_ALIASES[cells[1]]
        span = _split_range(cells[0]) if cells and cells[0] else None
        if span is None:
            csv_lines.append(",".join(cells))
            source_lines.append(number)
            continue
        if len(cells) >= 3 and cells[1] in CalendarDayKind.values:
            kind, name = cells[1], ",".join(cells[2:])
        else:
            kind, name = CalendarDayKind.HOLIDAY, ",".join(cells[1:])
        try:
            first, last = (date.fromisoformat(part) for part in span)
        except ValueError:
            errors.append(f"第 {number} 行：日期区间应写作 YYYY-MM-DD~YYYY-MM-DD")
            continue
        if last < first:
            errors.append(f"第 {number} 行：区间的结束日期早于开始日期")
            continue
        if (last - first).days >= _LONGEST_REST_RANGE_DAYS:
            errors.append(
                f"第 {number} 行：区间超过{_LONGEST_REST_RANGE_DAYS}天，请核对"
            )
            continue
        day = first
        while day <= last:
            csv_lines.append(f"{day.isoformat()},{kind},{name}")
            source_lines.append(number)
            day += timedelta(days=1)
    return ExpandedSchedule("\n".join(csv_lines), tuple(source_lines), tuple(errors))


def _renumber(message: str, source_lines: tuple[int, ...]) -> str:
    def replace(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        source = source_lines[index] if 0 <= index < len(source_lines) else index + 1
        return f"第 {source} 行"

    return _LINE_REFERENCE.sub(replace, message)


class CalendarLoadForm(forms.Form):
    """录入新一年节假日安排: the State Council notice, typed or pasted line by line."""

    notice = forms.CharField(
        label=_("国务院通知"),
        max_length=300,
        help_text=_(
            "通知的标题和文号，如：国务院办公厅关于2027年部分节假日安排的通知"
            "（国办发明电〔2026〕7号）"
        ),
    )
    schedule = forms.CharField(
        label=_("放假和调休安排"),
        widget=forms.Textarea(attrs={"rows": 16, "cols": 60}),
        help_text=_(
            "每行一项：放假区间写作“2027-02-05~2027-02-12,春节”；单日写作"
            "“日期,类型,节日”，类型为 holiday（放假）或 workday（调休上班），"
            "如“2027-02-20,workday,春节”。录入后该年份标记为正式，"
            "所有未办结申请的答复期限将重新计算。"
        ),
    )

    def clean_schedule(self) -> list[CalendarRow]:
        expanded = schedule_expand(self.cleaned_data["schedule"])
        errors = list(expanded.errors)
        rows: list[CalendarRow] = []
        if expanded.csv_text.strip() or not errors:
            try:
                rows = calendar_file_parse(expanded.csv_text)
            except CalendarFileError as exc:
                errors.extend(
                    _renumber(error, expanded.source_lines) for error in exc.errors
                )
        if errors:
            raise forms.ValidationError(sorted(errors, key=_line_order))
        return rows


def _line_order(message: str) -> int:
    match = re.search(r"第 (\d+) 行", message)
    return int(match.group(1)) if match else 0
