"""Pages of the annual report and the staff dashboard. Thin: each view validates its
input, calls one service or selector and shapes the result for its template (tables in
the official layout, charts as server-rendered SVG)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from disclosure.access import staff_scope, supervised_agencies
from disclosure.exceptions import ApplicationError, NotFound
from disclosure.selectors import calendar_get
from reports import labels, selectors, services
from reports.checks import check_state, failing_errors, run_checks
from reports.exporters import CONTENT_TYPES, FORMAT_LABELS, FORMATS
from reports.exporters.html import narrative_section
from reports.models import AnnualReport, ReportStatus, ReportTemplate
from requests_app.models import ApplicantType
from requests_app.outcomes import Outcome

# --- Shaping a report for the templates ------------------------------------------------


def _cell(value: Any, url: str | None = None) -> dict[str, Any]:
    return {"value": value, "url": url}


def _table2(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    table2 = report["table2"]
    return [
        {
            "header": sub.header,
            "first_column": sub.first_column,
            "columns": [label for _key, label in sub.columns],
            "rows": [
                {
                    "label": label,
                    "cells": [table2[row][column] for column, _label in sub.columns],
                }
                for row, label in sub.rows
            ],
        }
        for sub in labels.TABLE2_SUBTABLES
    ]


def _table3(report: Mapping[str, Any], drill_url: str | None) -> list[dict[str, Any]]:
    rows = report["table3"]["rows"]
    lines = []
    for line in labels.TABLE3_LINES:
        cells = []
        if line.code:
            for column, _label in labels.TABLE3_COLUMNS:
                url = (
                    f"{drill_url}?{urlencode({'row': line.code, 'column': column})}"
                    if drill_url
                    else None
                )
                cells.append(_cell(rows[line.code][column], url))
        lines.append(
            {
                "code": line.code,
                "label": line.label,
                "level": line.level,
                "cells": cells,
            }
        )
    return lines


def _table4(report: Mapping[str, Any], drill_url: str | None) -> list[dict[str, Any]]:
    cells = []
    for kind, _top, _second in labels.TABLE4_GROUPS:
        for result, _label in labels.TABLE4_RESULTS:
            url = (
                f"{drill_url}?{urlencode({'table': 4, 'kind': kind, 'result': result})}"
                if drill_url
                else None
            )
            cells.append(_cell(report["table4"][kind][result], url))
    return cells


def _legacy(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    proactive = report["proactive"]
    applications = report["applications"]

    def items(values: Mapping[str, Any], pairs) -> list[tuple[str, Any]]:
        return [(label, values[key]) for key, label in pairs]

    return [
        {
            "heading": dict(labels.LEGACY_DATA_HEADINGS)["proactive"],
            "items": items(proactive, labels.LEGACY_PROACTIVE)
            + items(proactive["by_category"], labels.LEGACY_CATEGORIES)
            + items(proactive["postings"], labels.LEGACY_POSTINGS),
        },
        {
            "heading": dict(labels.LEGACY_DATA_HEADINGS)["responses"],
            "items": items(report["responses"], labels.LEGACY_RESPONSES),
        },
        {
            "heading": dict(labels.LEGACY_DATA_HEADINGS)["applications"],
            "items": items(applications, labels.LEGACY_APPLICATIONS[:1])
            + items(applications["by_channel"], labels.LEGACY_CHANNELS)
            + items(applications, labels.LEGACY_APPLICATIONS[1:])
            + items(applications["replies"], labels.LEGACY_REPLIES),
        },
        {
            "heading": dict(labels.LEGACY_DATA_HEADINGS)["appeals"],
            "items": items(report["appeals"], labels.LEGACY_APPEALS),
        },
        {
            "heading": dict(labels.LEGACY_DATA_HEADINGS)["staff_and_costs"],
            "items": items(report["staff_and_costs"], labels.LEGACY_STAFF_AND_COSTS),
        },
    ]


def _narrative_view(
    report: Mapping[str, Any], narrative: Mapping[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """Each narrative section as printed: the staff's text with the figure sentences of
    ``report`` set in (``computed`` marks those)."""
    return {
        key: [
            {"kind": block.kind, "lines": list(block.lines), "computed": block.computed}
            for block in narrative_section(report, narrative, key)
        ]
        for key in labels.NARRATIVE_KEYS
    }


def _report_context(
    report: Mapping[str, Any],
    narrative: Mapping[str, str],
    drill_url: str | None = None,
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "data": report,
        "title": labels.report_title(report["agency"]["name"], report["year"]),
        "narrative": _narrative_view(report, narrative),
        "sections": labels.SECTION_TITLES,
    }
    if report["template"] == ReportTemplate.T2008:
        context["legacy"] = _legacy(report)
        context["legacy_sections"] = labels.LEGACY_SECTION_TITLES
        return context
    context.update(
        table2=_table2(report),
        table3_note=labels.TABLE3_NOTE,
        table3_columns=[label for _key, label in labels.TABLE3_COLUMNS],
        table3_lines=_table3(report, drill_url),
        table4_groups=labels.TABLE4_GROUPS,
        table4_results=[label for _key, label in labels.TABLE4_RESULTS],
        table4_cells=_table4(report, drill_url),
    )
    return context


def _files(report: AnnualReport) -> list[dict[str, str]]:
    present = {file.format for file in report.files.all()}
    return [
        {
            "format": fmt,
            "label": FORMAT_LABELS[fmt],
            "url": reverse("reports:download", args=[report.pk, fmt]),
        }
        for fmt in FORMATS
        if fmt in present
    ]


# --- Public pages -----------------------------------------------------------------------


@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """年度报告 — the published reports, latest version of each, with their files."""
    reports = [
        {
            "report": report,
            "title": labels.report_title(report.agency.name, report.year),
            "files": _files(report),
        }
        for report in selectors.report_list_published()
    ]
    return render(request, "reports/public_list.html", {"reports": reports})


@require_GET
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    """A published report in the official layout."""
    try:
        report = selectors.report_get_published(report_id=report_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    context = _report_context(report.snapshot, services.report_narrative(report))
    context.update(record=report, files=_files(report))
    return render(request, "reports/public_detail.html", context)


@require_GET
def report_download(request: HttpRequest, report_id: int, fmt: str) -> FileResponse:
    try:
        report_file = selectors.report_file_get(report_id=report_id, fmt=fmt)
    except NotFound as exc:
        raise Http404(exc.message) from None
    report = report_file.report
    filename = labels.report_title(report.agency.name, report.year)
    if report.version > 1:
        filename += f"（第{report.version}版）"
    return FileResponse(
        report_file.file.open("rb"),
        as_attachment=True,
        filename=f"{filename}.{fmt}",
        content_type=CONTENT_TYPES.get(fmt, "application/octet-stream"),
    )


# --- Staff pages: drafts, preview, publishing, drill-down --------------------------------


def _require_report_staff(request: HttpRequest) -> None:
    scope = staff_scope(request.user)
    if not (scope.everything or scope.supervised_paths):
        raise PermissionDenied(_("只有负责人和系统管理员可以管理年度报告。"))


def _staff_report(request: HttpRequest, report_id: int) -> AnnualReport:
    _require_report_staff(request)
    try:
        return selectors.report_get_for_staff(actor=request.user, report_id=report_id)
    except NotFound as exc:
        raise Http404(exc.message) from None


class ReportCreateForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("机关"), queryset=None, to_field_name="code", empty_label=None
    )
    year = forms.IntegerField(label=_("年度"), min_value=services.FIRST_REPORT_YEAR)
    template = forms.ChoiceField(label=_("格式"), choices=ReportTemplate.choices)
    rollup = forms.BooleanField(label=_("汇总下级机关"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = supervised_agencies(user).order_by("path")
        self.fields["year"].initial = timezone.localdate().year - 1


class TreeForm(ReportCreateForm):
    """Generate the report of every agency of a subtree in the background."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        del self.fields["rollup"]


class NarrativeForm(forms.Form):
    """The sections staff write, in the order and with the titles of the report's
    format; the figure sentences are not edited here (they follow the figures)."""

    ROWS = {"overview": 12, "key_areas": 10, "problems": 8, "other_matters": 8}

    def __init__(self, *args: Any, template: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in labels.NARRATIVE_KEYS_BY_TEMPLATE[template]:
            self.fields[key] = forms.CharField(
                label=labels.narrative_title(template, key),
                widget=forms.Textarea(attrs={"rows": self.ROWS[key]}),
                required=False,
            )


class CorrectionForm(forms.Form):
    note = forms.CharField(
        label=_("更正原因"), widget=forms.Textarea(attrs={"rows": 3})
    )


@login_required
def staff_report_list(request: HttpRequest) -> HttpResponse:
    """The reports the user supervises, and a form to open (or create) a draft."""
    _require_report_staff(request)
    form = ReportCreateForm(request.POST or None, user=request.user, prefix="new")
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_draft_get_or_create(
                actor=request.user,
                agency=form.cleaned_data["agency"],
                year=form.cleaned_data["year"],
                template=form.cleaned_data["template"],
                rollup=form.cleaned_data["rollup"],
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("reports:staff-detail", report_id=report.pk)
    context = {
        "reports": selectors.report_list_for_staff(actor=request.user),
        "form": form,
        "tree_form": TreeForm(user=request.user, prefix="tree"),
    }
    return render(request, "reports/staff_list.html", context)


@login_required
@require_POST
def staff_tree_start(request: HttpRequest) -> HttpResponse:
    _require_report_staff(request)
    form = TreeForm(request.POST, user=request.user, prefix="tree")
    if not form.is_valid():
        messages.error(request, _("请检查批量生成的机关、年度和格式。"))
        return redirect("reports:staff-list")
    try:
        job_id = services.report_tree_start(
            actor=request.user,
            agency=form.cleaned_data["agency"],
            year=form.cleaned_data["year"],
            template=form.cleaned_data["template"],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("reports:staff-list")
    return redirect("reports:staff-tree-progress", job_id=job_id)


@login_required
@require_GET
def staff_tree_progress_page(request: HttpRequest, job_id: str) -> HttpResponse:
    _require_report_staff(request)
    progress = selectors.report_progress_get(job_id=job_id)
    if progress is None:
        raise Http404(_("未找到该任务。"))
    context = {
        "job_id": job_id,
        "progress": progress,
        "progress_url": reverse("reports:staff-tree-progress-json", args=[job_id]),
    }
    return render(request, "reports/staff_tree_progress.html", context)


@login_required
@require_GET
def staff_tree_progress(request: HttpRequest, job_id: str) -> JsonResponse:
    _require_report_staff(request)
    progress = selectors.report_progress_get(job_id=job_id)
    if progress is None:
        raise Http404(_("未找到该任务。"))
    return JsonResponse(progress)


@login_required
def staff_report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    """Preview: the tables (live figures for a draft, the frozen snapshot once
    published) with the checks beside them, the narrative form and the publish button."""
    record = _staff_report(request, report_id)
    published = record.status == ReportStatus.PUBLISHED
    form = NarrativeForm(
        request.POST or None,
        initial=services.report_narrative(record),
        template=record.template,
    )
    # Every field is optional, so a posted form is always valid.
    if request.method == "POST" and form.is_valid():
        try:
            services.report_narrative_update(
                actor=request.user, report_id=record.pk, **form.cleaned_data
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存。"))
        return redirect("reports:staff-detail", report_id=record.pk)
    if published:
        report = record.snapshot
    else:
        report = services.report_generate(
            agency=record.agency,
            year=record.year,
            template=record.template,
            rollup=record.rollup,
        )
        language = translation.get_language()
        if report.get("checks") and language != settings.LANGUAGE_CODE:
            # The checks come in the site's language (as a published snapshot stores
            # them); the draft's preview shows them in the user's.
            checks_shown = run_checks(
                report,
                previous=selectors.report_previous_published(
                    agency=record.agency,
                    year=record.year,
                    template=record.template,
                    rollup=record.rollup,
                ),
                language=language,
            )
            report = {**report, "checks": checks_shown}
    checks = [
        {**check, "state": check_state(check)} for check in report.get("checks", [])
    ]
    blocking = failing_errors(checks)
    drill_url = reverse("reports:staff-cases", args=[record.pk])
    context = _report_context(report, services.report_narrative(record), drill_url)
    context.update(
        record=record,
        published=published,
        checks=checks,
        blocking=blocking,
        publish_problems=[]
        if published
        else services.report_publish_problems(report=record),
        mark_figures=not published,
        form=form,
        correction_form=CorrectionForm(),
        files=_files(record) if published else [],
    )
    return render(request, "reports/staff_detail.html", context)


@login_required
@require_POST
def staff_report_publish(request: HttpRequest, report_id: int) -> HttpResponse:
    record = _staff_report(request, report_id)
    try:
        services.report_publish(actor=request.user, report_id=record.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("年度报告已发布。"))
    return redirect("reports:staff-detail", report_id=record.pk)


@login_required
@require_POST
def staff_report_correct(request: HttpRequest, report_id: int) -> HttpResponse:
    record = _staff_report(request, report_id)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请写明更正原因。"))
        return redirect("reports:staff-detail", report_id=record.pk)
    try:
        correction = services.report_correct(
            actor=request.user, report_id=record.pk, note=form.cleaned_data["note"]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("reports:staff-detail", report_id=record.pk)
    messages.success(request, _("已创建更正版本，请修改后重新发布。"))
    return redirect("reports:staff-detail", report_id=correction.pk)


@login_required
@require_GET
def staff_report_cases(request: HttpRequest, report_id: int) -> HttpResponse:
    """Drill-down: the cases (or appeals) behind one figure, by the report's definitions."""
    record = _staff_report(request, report_id)
    params = request.GET
    scope = {"agency": record.agency, "year": record.year, "rollup": record.rollup}
    try:
        if params.get("table") == "4":
            kind, result = params.get("kind", ""), params.get("result", "")
            appeals = list(selectors.report_appeals(kind=kind, result=result, **scope))
            group = next(g for g in labels.TABLE4_GROUPS if g[0] == kind)
            heading = gettext("表四 %(group)s·%(result)s") % {
                "group": f"{group[1]}{'（' + group[2] + '）' if group[2] else ''}",
                "result": dict(labels.TABLE4_RESULTS)[result],
            }
            context = {"appeals": appeals, "heading": heading}
        else:
            row, column = params.get("row", ""), params.get("column", "")
            cases = list(selectors.report_cases(row=row, column=column, **scope))
            heading = gettext("表三 %(row)s·%(column)s") % {
                "row": labels.TABLE3_ROW_LABELS[row],
                "column": dict(labels.TABLE3_COLUMNS)[column],
            }
            context = {"cases": cases, "heading": heading}
    except ApplicationError as exc:
        raise Http404(exc.message) from None
    context.update(
        record=record,
        title=labels.report_title(record.agency.name, record.year),
        applicant_types=dict(ApplicantType.choices),
        outcomes=dict(Outcome.choices),
        published=record.status == ReportStatus.PUBLISHED,
    )
    return render(request, "reports/staff_cases.html", context)


# --- The dashboard ------------------------------------------------------------------------

CHART_WIDTH = 720
CHART_HEIGHT = 220
CHART_MARGIN = 28

MONTH_LABELS = (
    pgettext_lazy("month", "1月"),
    pgettext_lazy("month", "2月"),
    pgettext_lazy("month", "3月"),
    pgettext_lazy("month", "4月"),
    pgettext_lazy("month", "5月"),
    pgettext_lazy("month", "6月"),
    pgettext_lazy("month", "7月"),
    pgettext_lazy("month", "8月"),
    pgettext_lazy("month", "9月"),
    pgettext_lazy("month", "10月"),
    pgettext_lazy("month", "11月"),
    pgettext_lazy("month", "12月"),
)

# The short names of the result groups of table 三 (reports.labels.TABLE3_GROUPS), for
# the dashboard's chart.
OUTCOME_GROUP_LABELS = {
    "R3.1": _("予以公开"),
    "R3.2": _("部分公开"),
    "R3.3": _("不予公开"),
    "R3.4": _("无法提供"),
    "R3.5": _("不予处理"),
    "R3.6": _("其他处理"),
}


def _month_chart(months: tuple[selectors.MonthFigures, ...]) -> dict[str, Any]:
    """Grouped bars per month (received, closed), geometry computed here so the SVG
    needs no script."""
    top = max([1, *(m.received for m in months), *(m.closed for m in months)])
    inner = CHART_HEIGHT - 2 * CHART_MARGIN
    slot = (CHART_WIDTH - CHART_MARGIN) / 12
    bar = slot * 0.36
    bars = []
    for index, month in enumerate(months):
        left = CHART_MARGIN + index * slot + slot * 0.14
        for offset, value, css, label in (
            (0, month.received, "bar-received", _("收到")),
            (bar, month.closed, "bar-closed", _("办结")),
        ):
            height = inner * value / top
            bars.append(
                {
                    "x": round(left + offset, 1),
                    "y": round(CHART_MARGIN + inner - height, 1),
                    "width": round(bar, 1),
                    "height": round(height, 1),
                    "css": css,
                    "title": gettext("%(month)s%(label)s%(value)s件")
                    % {
                        "month": MONTH_LABELS[month.month - 1],
                        "label": label,
                        "value": value,
                    },
                    "value": value,
                }
            )
    month_labels = [
        {"x": round(CHART_MARGIN + i * slot + slot / 2, 1), "text": str(text)}
        for i, text in enumerate(MONTH_LABELS)
    ]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "bars": bars,
        "labels": month_labels,
        "baseline": CHART_HEIGHT - CHART_MARGIN,
        "label_y": CHART_HEIGHT - 8,
        "top": top,
    }


def _horizontal_bars(values: list[tuple[str, int]], width: int = 420) -> dict[str, Any]:
    top = max([1, *(value for _label, value in values)])
    row_height = 26
    label_width = 90
    bars = [
        {
            "label": label,
            "value": value,
            "y": index * row_height,
            "text_y": index * row_height + 17,
            "width": round((width - label_width - 50) * value / top, 1),
            "value_x": label_width
            + round((width - label_width - 50) * value / top, 1)
            + 6,
        }
        for index, (label, value) in enumerate(values)
    ]
    return {
        "width": width,
        "height": row_height * len(values),
        "label_width": label_width,
        "bars": bars,
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """工作台 — intake and closures by month, outcome mix, on-time rate, backlog and due-soon
    counts, and a per-agency comparison; by the annual report's definitions."""
    scope = staff_scope(request.user)
    if not scope.is_staff_of_anything:
        raise PermissionDenied(_("仅限机关工作人员访问。"))
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    if not services.FIRST_REPORT_YEAR <= year <= today.year:
        year = today.year
    due_soon_workdays = max(settings.GONGKAI_REMINDER_WORKDAYS or [5])
    data = selectors.dashboard_get(
        actor=request.user,
        year=year,
        today=today,
        calendar=calendar_get(),
        due_soon_workdays=due_soon_workdays,
        parent_code=request.GET.get("agency") or None,
    )
    comparison = _horizontal_bars(
        [(line.agency.name, line.new) for line in data.comparison], width=360
    )
    context = {
        "data": data,
        "year": year,
        "years": list(
            range(today.year, max(services.FIRST_REPORT_YEAR, today.year - 9) - 1, -1)
        ),
        "received": sum(month.received for month in data.months),
        "month_chart": _month_chart(data.months),
        "outcome_chart": _horizontal_bars(
            [
                (str(OUTCOME_GROUP_LABELS.get(share.group, share.label)), share.count)
                for share in data.outcomes
            ]
        ),
        "comparison": [
            {"line": line, "bar": bar}
            for line, bar in zip(data.comparison, comparison["bars"], strict=True)
        ],
        "comparison_chart": comparison,
        "due_soon_workdays": due_soon_workdays,
        "today": today,
        "can_report": bool(scope.everything or scope.supervised_paths),
    }
    return render(request, "reports/dashboard.html", context)
