"""Annual reports (政府信息公开工作年度报告): drafts with editable narrative sections, and
immutable published versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from disclosure.models import Agency, TimeStampedModel


class ReportTemplate(models.TextChoices):
    T2021 = "2021", _("2021年格式（国办公开办函〔2021〕30号）")
    T2008 = "2008", _("2019年以前格式")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class AnnualReport(TimeStampedModel):
    """One version of an agency's annual report. Publishing freezes it; a correction is a
    new version, never an overwrite."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="annual_reports"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    template = models.CharField(
        _("格式"), max_length=4, choices=ReportTemplate.choices, default="2021"
    )
    rollup = models.BooleanField(_("汇总下级机关"), default=False)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ReportStatus.choices,
        default=ReportStatus.DRAFT,
        editable=False,
    )
    overview = models.TextField(_("一、总体情况"), blank=True)
    key_areas = models.TextField(
        _("二、重点领域信息公开情况（2019年以前格式）"), blank=True
    )
    problems = models.TextField(_("五、存在的主要问题及改进情况"), blank=True)
    other_matters = models.TextField(_("六、其他需要报告的事项"), blank=True)
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    correction_note = models.TextField(_("更正说明"), blank=True)

    class Meta:
        verbose_name = _("年度报告")
        verbose_name_plural = _("年度报告")
        ordering = ["-year", "agency__code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "template", "rollup", "version"],
                name="unique_report_version",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.agency.name}{self.year}年政府信息公开工作年度报告 v{self.version}"
        )


class ReportFile(models.Model):
    """A file of a published report, with its checksum."""

    report = models.ForeignKey(
        AnnualReport, on_delete=models.PROTECT, related_name="files"
    )
    format = models.CharField(max_length=10)
    file = models.FileField(upload_to="reports/%Y/")
    sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "format"], name="unique_report_file_format"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id}.{self.format}"
