"""The shared core: agencies and staff, the official calendar, proactive publications and
the annual statistics that the product cannot see itself."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from disclosure.exceptions import ApplicationError
from disclosure.uploads import upload_check_size, upload_content_type


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """A staff user of the office (clerks, supervisors, administrators)."""

    display_name = models.CharField(_("显示名称"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Channel(models.TextChoices):
    """申请方式 — how an application reached the office (contract §1.1)."""

    ONLINE = "online", _("网络申请")
    EMAIL = "email", _("电子邮件")
    LETTER = "letter", _("信函")
    IN_PERSON = "in_person", _("当面提交")
    FAX = "fax", _("传真")
    OTHER = "other", _("其他")


def default_channels() -> list[str]:
    return [Channel.ONLINE, Channel.LETTER, Channel.IN_PERSON]


class Agency(TimeStampedModel):
    """行政机关 — an agency with its own open-government office; agencies form a tree."""

    code = models.CharField(_("机关代码"), max_length=32, unique=True)
    name = models.CharField(_("机关名称"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path "/ROOT/CHILD/" so a subtree is one indexed prefix query.
    path = models.CharField(
        _("层级路径"), max_length=1000, editable=False, db_index=True, default=""
    )
    accepted_channels = models.JSONField(
        _("受理的申请方式"), default=default_channels, blank=True
    )
    supplement_period_days = models.PositiveSmallIntegerField(
        _("补正期限（工作日）"), default=15
    )
    letter_prefix = models.CharField(
        _("文书编号前缀"), max_length=50, blank=True, help_text=_("如：西城城指公开")
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    postcode = models.CharField(_("邮编"), max_length=10, blank=True)
    phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    website = models.URLField(_("网站"), blank=True)

    class Meta:
        verbose_name = _("机关")
        verbose_name_plural = _("机关")
        ordering = ["path"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class StaffRole(models.TextChoices):
    CLERK = "clerk", _("经办人")
    SUPERVISOR = "supervisor", _("负责人")
    ADMIN = "admin", _("系统管理员")


class StaffMembership(TimeStampedModel):
    """A staff user's role at an agency; a supervisor also sees the agency's subtree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(
        _("角色"), max_length=20, choices=StaffRole.choices, default=StaffRole.CLERK
    )

    class Meta:
        verbose_name = _("机关工作人员")
        verbose_name_plural = _("机关工作人员")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency"], name="unique_membership_per_agency"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=StaffRole.values),
                name="membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency.code} ({self.get_role_display()})"


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假（休息日）")
    WORKDAY = "workday", _("调休上班")


class CalendarYear(TimeStampedModel):
    """A year of the official calendar: official once its State Council notice is loaded."""

    year = models.PositiveSmallIntegerField(_("年份"), primary_key=True)
    official = models.BooleanField(_("已按国务院通知录入"), default=False)
    notice = models.CharField(_("通知"), max_length=300, blank=True)
    loaded_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("录入人"),
    )

    class Meta:
        verbose_name = _("日历年份")
        verbose_name_plural = _("日历年份")
        ordering = ["year"]

    def __str__(self) -> str:
        state = _("正式") if self.official else _("暂定")
        return f"{self.year}（{state}）"


class CalendarDay(models.Model):
    """One special date of the official calendar: a rest day or a 调休 make-up workday."""

    day = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("节日"), max_length=50, blank=True)
    notice = models.CharField(_("依据通知"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CalendarDayKind.values),
                name="calendar_day_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.get_kind_display()} {self.name}"


class PublicationCategory(models.TextChoices):
    """主动公开信息类别 (contract §1.5)."""

    REGULATION = "regulation", _("规章")
    NORMATIVE_DOCUMENT = "normative_document", _("行政规范性文件")
    ORGANISATION = "organisation", _("机构职能")
    PLAN = "plan", _("规划计划")
    FISCAL = "fiscal", _("财政预决算、“三公”经费和行政经费")
    GOVERNMENT_DECISION = "government_decision", _("本级政府决定主动公开的其他信息")
    LICENSING = "licensing", _("行政许可")
    PENALTY = "penalty", _("行政处罚")
    COERCION = "coercion", _("行政强制")
    FEES = "fees", _("行政事业性收费")
    PROCUREMENT = "procurement", _("政府采购")
    STATISTICS = "statistics", _("统计信息")
    PERSONNEL = "personnel", _("人事信息")
    OTHER = "other", _("其他")


class PublicationChannel(models.TextChoices):
    WEBSITE = "website", _("政府网站")
    WEIBO = "weibo", _("政务微博")
    WECHAT = "wechat", _("政务微信")
    NEWSPAPER = "newspaper", _("报刊")
    BULLETIN = "bulletin", _("政府公报")
    OTHER = "other", _("其他")


class Publication(TimeStampedModel):
    """主动公开的政府信息 — an item of the agency's disclosure catalogue."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="publications"
    )
    reference = models.CharField(_("索引号"), max_length=100)
    title = models.CharField(_("标题"), max_length=500)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    category = models.CharField(
        _("类别"), max_length=30, choices=PublicationCategory.choices
    )
    key_area = models.BooleanField(_("重点领域"), default=False)
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    published_on = models.DateField(_("发布日期"))
    repealed_on = models.DateField(_("废止日期"), null=True, blank=True)
    summary = models.TextField(_("内容概述"), blank=True)

    class Meta:
        verbose_name = _("主动公开信息")
        verbose_name_plural = _("主动公开信息")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "reference"], name="unique_publication_reference"
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=PublicationCategory.values),
                name="publication_category_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(repealed_on__isnull=True)
                | models.Q(issued_on__isnull=True)
                | models.Q(repealed_on__gte=models.F("issued_on")),
                name="publication_repeal_after_issue",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "published_on"]),
            models.Index(fields=["category", "published_on"]),
        ]

    def __str__(self) -> str:
        return self.title


class PublicationPosting(models.Model):
    """One (publication, channel) posting: the unit the legacy report counts."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="postings"
    )
    channel = models.CharField(
        _("渠道"), max_length=20, choices=PublicationChannel.choices
    )
    posted_on = models.DateField(_("发布日期"))
    url = models.URLField(_("链接"), blank=True, max_length=500)

    class Meta:
        verbose_name = _("发布渠道")
        verbose_name_plural = _("发布渠道")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "channel"], name="unique_posting_per_channel"
            )
        ]
        indexes = [models.Index(fields=["posted_on", "channel"])]

    def __str__(self) -> str:
        return f"{self.publication_id}:{self.channel}"


class PublicationAttachment(TimeStampedModel):
    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("附件"), upload_to="publications/%Y/")
    title = models.CharField(_("名称"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.title or self.file.name

    def clean(self) -> None:
        """A newly uploaded file must be an allowed type by its content (not its name)
        and within ``GONGKAI_MAX_ATTACHMENT_BYTES``: the catalogue serves it to anyone.
        A file already stored was checked when it was uploaded."""
        super().clean()
        upload = self.file
        if not upload or getattr(upload, "_committed", True):
            return
        limit = settings.GONGKAI_MAX_ATTACHMENT_BYTES
        try:
            upload_check_size(size=upload.size, limit=limit)
            upload.file.seek(0)
            data = upload.file.read()
            upload.file.seek(0)
            upload_content_type(data=data, limit=limit)
        except ApplicationError as exc:
            name = upload.name.replace("\\", "/").rsplit("/", 1)[-1]
            message = f"文件“{name}”未保存：{exc.message}"
            raise ValidationError(
                {"file": ValidationError(message, code=exc.extra.get("reason"))}
            ) from None


class AnnualStatistics(TimeStampedModel):
    """年度统计 — the figures of an agency-year that come from outside the product
    (contract §5.5). Empty means not entered (reported as 0)."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="annual_statistics"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    licensing_decisions = models.PositiveIntegerField(
        _("行政许可处理决定数"),
        null=True,
        blank=True,
        help_text=_("表二 第二十条第（五）项 行政许可 本年处理决定数量"),
    )
    penalty_decisions = models.PositiveIntegerField(
        _("行政处罚处理决定数"),
        null=True,
        blank=True,
        help_text=_("表二 第二十条第（六）项 行政处罚 本年处理决定数量"),
    )
    coercion_decisions = models.PositiveIntegerField(
        _("行政强制处理决定数"),
        null=True,
        blank=True,
        help_text=_("表二 第二十条第（六）项 行政强制 本年处理决定数量"),
    )
    admin_fees_wan_yuan = models.DecimalField(
        _("行政事业性收费金额（万元）"),
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("表二 第二十条第（八）项 本年收费金额（单位：万元）"),
    )
    responses_total = models.PositiveIntegerField(
        _("回应解读次数"),
        null=True,
        blank=True,
        help_text=_("旧版年报（二）回应解读情况：通过不同渠道和方式回应解读的情况数"),
    )
    responses_leader_online_interviews = models.PositiveIntegerField(
        _("主要负责同志参加在线访谈次数"),
        null=True,
        blank=True,
        help_text=_("旧版年报（二）回应解读情况"),
    )
    staff_full_time = models.PositiveIntegerField(
        _("专职人员数"),
        null=True,
        blank=True,
        help_text=_("旧版年报（五）人员和收支情况"),
    )
    staff_part_time = models.PositiveIntegerField(
        _("兼职人员数"),
        null=True,
        blank=True,
        help_text=_("旧版年报（五）人员和收支情况"),
    )
    fees_collected_yuan = models.DecimalField(
        _("依申请公开收费（元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("旧版年报（五）：依申请公开政府信息收取的费用"),
    )
    litigation_costs_yuan = models.DecimalField(
        _("诉讼费用（元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("旧版年报（五）：因政府信息公开诉讼支出的费用"),
    )
    meetings = models.PositiveIntegerField(
        _("工作会议或专题会议数"), null=True, blank=True, help_text=_("旧版年报（五）")
    )
    trainees = models.PositiveIntegerField(
        _("接受培训人员数"), null=True, blank=True, help_text=_("旧版年报（五）")
    )
    postings_website = models.PositiveIntegerField(
        _("政府网站公开条数"),
        null=True,
        blank=True,
        help_text=_("旧版年报（一）：填写后代替系统按发布记录统计的政府网站条数"),
    )
    postings_weibo = models.PositiveIntegerField(
        _("政务微博公开条数"),
        null=True,
        blank=True,
        help_text=_("旧版年报（一）：填写后代替系统统计数"),
    )
    postings_wechat = models.PositiveIntegerField(
        _("政务微信公开条数"),
        null=True,
        blank=True,
        help_text=_("旧版年报（一）：填写后代替系统统计数"),
    )
    postings_newspaper = models.PositiveIntegerField(
        _("报刊公开条数"),
        null=True,
        blank=True,
        help_text=_("旧版年报（一）：填写后代替系统统计数"),
    )
    postings_bulletin = models.PositiveIntegerField(
        _("政府公报公开条数"),
        null=True,
        blank=True,
        help_text=_("旧版年报（一）：填写后代替系统统计数"),
    )
    postings_other = models.PositiveIntegerField(
        _("其他渠道公开条数"),
        null=True,
        blank=True,
        help_text=_("旧版年报（一）：填写后代替系统统计数"),
    )

    class Meta:
        verbose_name = _("年度统计数据")
        verbose_name_plural = _("年度统计数据")
        ordering = ["-year", "agency__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year"], name="unique_statistics_per_agency_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.year}"


STATISTIC_KEYS: tuple[str, ...] = (
    "licensing_decisions",
    "penalty_decisions",
    "coercion_decisions",
    "admin_fees_wan_yuan",
    "responses_total",
    "responses_leader_online_interviews",
    "staff_full_time",
    "staff_part_time",
    "fees_collected_yuan",
    "litigation_costs_yuan",
    "meetings",
    "trainees",
    *(f"postings_{channel}" for channel in PublicationChannel.values),
)
