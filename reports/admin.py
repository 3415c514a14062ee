"""Admin of the annual reports: every version read-only once published, the narrative of
a draft editable through the service, and publishing as an action. Access comes from
``disclosure.access`` (supervisors of the agency or above, administrators)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from disclosure.admin import ParentAccessInline, StaffAccessAdmin
from disclosure.exceptions import ApplicationError
from reports.labels import NARRATIVE_KEYS
from reports.models import AnnualReport, ReportFile, ReportStatus
from reports.services import report_narrative_update, report_publish


class ReportFileInline(ParentAccessInline, admin.TabularInline):
    model = ReportFile
    read_only = True
    extra = 0
    fields = ("format", "file", "sha256")
    readonly_fields = fields


@admin.register(AnnualReport)
class AnnualReportAdmin(StaffAccessAdmin):
    view_level = "supervisor"
    change_level = "supervisor"
    list_display = (
        "agency",
        "year",
        "template",
        "rollup",
        "version",
        "status",
        "published_at",
        "preview_link",
    )
    list_filter = ("status", "template", "year")
    search_fields = ("agency__name", "agency__code")
    list_select_related = ("agency",)
    fields = (
        "agency",
        "year",
        "template",
        "rollup",
        "version",
        "status",
        *NARRATIVE_KEYS,
        "correction_note",
        "sha256",
        "published_at",
        "published_by",
    )
    inlines = [ReportFileInline]
    actions = ["publish_selected"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple:
        frozen = ("agency", "year", "template", "rollup", "version", "status",
                  "correction_note", "sha256", "published_at", "published_by")  # fmt: skip
        if obj is not None and obj.status == ReportStatus.PUBLISHED:
            return (*frozen, *NARRATIVE_KEYS)
        return frozen

    @admin.display(description=_("预览"))
    def preview_link(self, obj: AnnualReport) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("reports:staff-detail", args=[obj.pk]),
            _("预览与发布"),
        )

    def save_model(self, request: HttpRequest, obj: AnnualReport, form, change) -> None:
        report_narrative_update(
            actor=request.user,
            report_id=obj.pk,
            **{key: form.cleaned_data[key] for key in NARRATIVE_KEYS},
        )

    @admin.action(description=_("发布所选年度报告"), permissions=["change"])
    def publish_selected(
        self, request: HttpRequest, queryset: QuerySet[AnnualReport]
    ) -> None:
        for report in queryset:
            try:
                report_publish(actor=request.user, report_id=report.pk)
            except ApplicationError as exc:
                self.message_user(request, f"{report}：{exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{report}：已发布。", messages.SUCCESS)
