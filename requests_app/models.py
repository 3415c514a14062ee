"""Disclosure applications (政府信息公开申请), their append-only events, letters, consultations,
appeals, notifications and the outbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from disclosure.models import Agency, Channel, TimeStampedModel
from requests_app.outcomes import Outcome
from requests_app.workflow import Status


class ApplicantType(models.TextChoices):
    """申请人情况 — the six columns of report table 三 (contract §1.2)."""

    NATURAL_PERSON = "natural_person", _("自然人")
    ENTERPRISE = "enterprise", _("商业企业")
    RESEARCH_INSTITUTION = "research_institution", _("科研机构")
    PUBLIC_INTEREST_ORG = "public_interest_org", _("社会公益组织")
    LEGAL_SERVICE_ORG = "legal_service_org", _("法律服务机构")
    OTHER_ORG = "other_org", _("其他")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAO_PERMIT = "hk_macao_permit", _("港澳居民来往内地通行证")
    TAIWAN_PERMIT = "taiwan_permit", _("台湾居民来往大陆通行证")
    USCC = "uscc", _("统一社会信用代码")
    OTHER = "other", _("其他")


class InfoFormat(models.TextChoices):
    PAPER = "paper", _("纸质")
    ELECTRONIC = "electronic", _("电子文档")
    DISC = "disc", _("光盘")
    INSPECTION = "inspection", _("现场查阅")


class Delivery(models.TextChoices):
    POST = "post", _("邮寄")
    EMAIL = "email", _("电子邮件")
    COLLECT = "collect", _("自行领取")
    FAX = "fax", _("传真")
    ON_SITE = "on_site", _("当场阅读、抄录")


class Applicant(TimeStampedModel):
    """申请人 — a natural person or an organisation. The identity number is kept encrypted;
    a keyed hash recognises the same applicant applying again."""

    applicant_type = models.CharField(
        _("申请人类型"), max_length=30, choices=ApplicantType.choices
    )
    name = models.CharField(_("姓名或名称"), max_length=200)
    id_type = models.CharField(
        _("证件类型"), max_length=20, choices=IdType.choices, blank=True
    )
    id_number_encrypted = models.TextField(editable=False, blank=True)
    id_number_hash = models.CharField(
        max_length=64, editable=False, blank=True, db_index=True
    )
    id_number_masked = models.CharField(
        _("证件号码"), max_length=40, editable=False, blank=True
    )
    contact_person = models.CharField(_("联系人"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("通信地址"), max_length=300, blank=True)
    postcode = models.CharField(_("邮政编码"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("申请人")
        verbose_name_plural = _("申请人")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(applicant_type__in=ApplicantType.values),
                name="applicant_type_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name


class FeeMethodChoice(models.TextChoices):
    PER_ITEM = "per_item", _("按件计收")
    PER_PAGE = "per_page", _("按量计收")


class DisclosureRequest(TimeStampedModel):
    """政府信息公开申请 — one application, from receipt to its single outcome."""

    # Not indexed alone: every index below that filters by agency leads with it.
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("机关"),
        db_index=False,
    )
    reference = models.CharField(_("编号"), max_length=64)
    year = models.PositiveSmallIntegerField(_("年度"), editable=False)
    serial = models.PositiveIntegerField(_("序号"), editable=False)
    query_code = models.CharField(
        _("查询码"), max_length=64, unique=True, editable=False
    )
    applicant = models.ForeignKey(
        Applicant, on_delete=models.PROTECT, related_name="requests"
    )
    # Denormalised from the applicant for report grouping; staff may correct it.
    applicant_type = models.CharField(
        _("申请人类型"), max_length=30, choices=ApplicantType.choices
    )
    channel = models.CharField(_("申请方式"), max_length=20, choices=Channel.choices)
    received_on = models.DateField(_("收到申请日期"), db_index=True)
    receipt_note = models.CharField(
        _("收到日期依据"),
        max_length=200,
        blank=True,
        help_text=_("第三十一条：签收、确认或提交之日的依据"),
    )
    # Blank only for old ledger rows that recorded none; the forms require it.
    description = models.TextField(_("申请内容"), blank=True)
    formats = models.JSONField(_("信息提供形式"), default=list, blank=True)
    delivery = models.JSONField(_("获取信息方式"), default=list, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_requests",
        db_index=False,  # the (assigned_to, status) index serves it
    )
    status = models.CharField(
        _("状态"),
        max_length=30,
        choices=Status.choices,
        default=Status.IN_PROGRESS,
        editable=False,
    )

    # The clock, recomputed by the pure engine at every event that can move it.
    due_on = models.DateField(_("答复期限"), null=True, blank=True, editable=False)
    provisional = models.BooleanField(_("暂定日历"), default=False, editable=False)
    remaining_workdays = models.IntegerField(null=True, blank=True, editable=False)
    clock_explanation = models.TextField(_("期限说明"), blank=True, editable=False)
    clock_steps = models.JSONField(default=list, blank=True, editable=False)

    supplement_notice_due_on = models.DateField(
        _("补正告知期限"), null=True, blank=True, editable=False
    )
    supplement_requested_on = models.DateField(
        _("补正告知日期"), null=True, blank=True, editable=False
    )
    supplement_received_on = models.DateField(
        _("补正收到日期"), null=True, blank=True, editable=False
    )
    supplement_period_days = models.PositiveSmallIntegerField(
        _("补正期限（工作日）"), null=True, blank=True, editable=False
    )
    supplement_notice_late = models.BooleanField(
        _("补正告知逾期"), default=False, editable=False
    )
    supplement_items = models.TextField(_("补正事项"), blank=True, editable=False)

    extended = models.BooleanField(_("已延期"), default=False, editable=False)
    extended_on = models.DateField(_("延期日期"), null=True, blank=True, editable=False)
    delayed_due_on = models.DateField(
        _("第三十五条延迟答复期限"), null=True, blank=True, editable=False
    )

    fee_method = models.CharField(
        _("收费方式"),
        max_length=20,
        choices=FeeMethodChoice.choices,
        blank=True,
        editable=False,
    )
    fee_amount_yuan = models.DecimalField(
        _("收费金额（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    fee_notice_on = models.DateField(
        _("收费通知日期"), null=True, blank=True, editable=False
    )
    fee_paid_on = models.DateField(_("缴费日期"), null=True, blank=True, editable=False)

    outcome = models.CharField(
        _("办理结果"),
        max_length=40,
        choices=Outcome.choices,
        blank=True,
        editable=False,
    )
    outcome_basis = models.CharField(
        _("法律依据"), max_length=200, blank=True, editable=False
    )
    reasons = models.TextField(_("理由"), blank=True, editable=False)
    competent_agency_name = models.CharField(
        _("有权机关"), max_length=200, blank=True, editable=False
    )
    closed_on = models.DateField(
        _("办结日期"), null=True, blank=True, editable=False, db_index=True
    )
    on_time = models.BooleanField(_("按时办结"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("公开申请")
        verbose_name_plural = _("公开申请")
        ordering = ["-received_on", "-id"]
        constraints = [
            # Ledgers key cases by agency + reference (contract §5).
            models.UniqueConstraint(
                fields=["agency", "reference"], name="unique_request_reference"
            ),
            models.UniqueConstraint(
                fields=["agency", "year", "serial"], name="unique_request_serial"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values),
                name="request_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(closed_on__gte=models.F("received_on")),
                name="request_closed_after_received",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status=Status.CLOSED)
                    & models.Q(closed_on__isnull=False)
                    & ~models.Q(outcome="")
                )
                | (~models.Q(status=Status.CLOSED) & models.Q(outcome="")),
                name="request_closed_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "status", "due_on"]),
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["agency", "received_on"]),
            models.Index(fields=["agency", "closed_on"]),
            models.Index(fields=["assigned_to", "status"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED


class Consultation(TimeStampedModel):
    """征求意见 — a written consultation of a third party or another agency (Art. 32, 34);
    its days do not count toward the reply period (Art. 33(3))."""

    request = models.ForeignKey(
        DisclosureRequest, on_delete=models.CASCADE, related_name="consultations"
    )
    party = models.CharField(_("征求意见对象"), max_length=200)
    started_on = models.DateField(_("征求意见日期"))
    reply_due_on = models.DateField(_("第三方答复期限"), null=True, blank=True)
    ended_on = models.DateField(_("征求意见回复日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("征求意见")
        verbose_name_plural = _("征求意见")
        ordering = ["started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="consultation_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.party} {self.started_on}"


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("登记受理")
    IMPORTED = "imported", _("台账导入")
    UPDATED_BY_IMPORT = "updated_by_import", _("台账导入更新")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("告知补正")
    SUPPLEMENT_RECEIVED = "supplement_received", _("收到补正")
    CONSULTATION_STARTED = "consultation_started", _("开始征求意见")
    CONSULTATION_ENDED = "consultation_ended", _("征求意见结束")
    FEE_NOTICE_ISSUED = "fee_notice_issued", _("发出收费通知")
    FEE_SETTLED = "fee_settled", _("已缴费")
    EXTENDED = "extended", _("延期答复")
    DELAY_SET = "delay_set", _("确定延迟答复期限")
    REPLIED = "replied", _("作出答复")
    WITHDRAWN = "withdrawn", _("申请人撤回")
    CLOSED_LAPSED = "closed_lapsed", _("逾期终止")
    ASSIGNED = "assigned", _("分配经办人")
    APPLICANT_TYPE_CORRECTED = "applicant_type_corrected", _("更正申请人类型")
    DUE_DATE_RECOMPUTED = "due_date_recomputed", _("日历更新，重新计算期限")
    LETTER_ISSUED = "letter_issued", _("生成文书")
    ACKNOWLEDGEMENT_SENT = "acknowledgement_sent", _("发送受理回执")
    REMINDER_SENT = "reminder_sent", _("到期提醒")
    OVERDUE_NOTICE_SENT = "overdue_notice_sent", _("逾期提醒")
    CONSULTATION_REMINDER_SENT = "consultation_reminder_sent", _("征求意见到期提醒")
    APPLICANT_NOTIFIED = "applicant_notified", _("已通知申请人")


PUBLIC_EVENT_KINDS = frozenset(
    {
        EventKind.REGISTERED,
        EventKind.SUPPLEMENT_REQUESTED,
        EventKind.SUPPLEMENT_RECEIVED,
        EventKind.CONSULTATION_STARTED,
        EventKind.CONSULTATION_ENDED,
        EventKind.FEE_NOTICE_ISSUED,
        EventKind.FEE_SETTLED,
        EventKind.EXTENDED,
        EventKind.DELAY_SET,
        EventKind.REPLIED,
        EventKind.WITHDRAWN,
        EventKind.CLOSED_LAPSED,
    }
)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("事件记录只能追加，不能修改。")

    def delete(self):
        raise PermissionError("事件记录只能追加，不能删除。")


class RequestEvent(models.Model):
    """An append-only fact on a case: who did what, when, and how the due date moved."""

    request = models.ForeignKey(
        DisclosureRequest,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("申请"),
    )
    kind = models.CharField(_("事项"), max_length=40, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    occurred_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    effective_on = models.DateField(_("发生日期"), null=True, blank=True)
    due_before = models.DateField(_("原答复期限"), null=True, blank=True)
    due_after = models.DateField(_("新答复期限"), null=True, blank=True)
    status_before = models.CharField(max_length=30, blank=True)
    status_after = models.CharField(max_length=30, blank=True)
    # Idempotency key for clock notices: a notice for a given (case, key) exists once.
    dedupe_key = models.CharField(max_length=100, blank=True, null=True)
    payload = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "dedupe_key"], name="unique_event_dedupe_key"
            )
        ]
        indexes = [models.Index(fields=["request", "kind"])]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("事件记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("事件记录只能追加，不能删除。")


class LetterKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("政府信息公开申请接收回执")
    SUPPLEMENT = "supplement", _("政府信息公开申请补正告知书")
    EXTENSION = "extension", _("政府信息公开申请延期答复告知书")
    CONSULTATION = "consultation", _("政府信息公开申请征求意见书")
    FEE = "fee", _("政府信息公开申请收费通知书")
    REPLY = "reply", _("政府信息公开申请答复书")


class LetterTemplate(TimeStampedModel):
    """An editable letter text; ``outcome`` empty = the kind's default."""

    kind = models.CharField(_("文书类型"), max_length=20, choices=LetterKind.choices)
    outcome = models.CharField(
        _("办理结果"), max_length=40, choices=Outcome.choices, blank=True
    )
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(
        _("正文"),
        help_text=_(
            "可用占位符：{applicant} {received_on} {description} {decision} 等"
        ),
    )

    class Meta:
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "outcome"], name="unique_letter_template"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Letter(TimeStampedModel):
    """A generated letter (告知书), numbered {prefix}〔YYYY〕{n}号, stored on the case."""

    request = models.ForeignKey(
        DisclosureRequest, on_delete=models.PROTECT, related_name="letters"
    )
    kind = models.CharField(_("文书类型"), max_length=20, choices=LetterKind.choices)
    title = models.CharField(_("标题"), max_length=100)
    number = models.CharField(_("文号"), max_length=100)
    year = models.PositiveSmallIntegerField()
    serial = models.PositiveIntegerField()
    issued_on = models.DateField(_("日期"))
    body = models.TextField(_("正文"))
    docx = models.FileField(upload_to="letters/%Y/", blank=True)
    pdf = models.FileField(upload_to="letters/%Y/", blank=True)

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["issued_on", "id"]

    def __str__(self) -> str:
        return f"{self.title} {self.number}"


class Attachment(TimeStampedModel):
    request = models.ForeignKey(
        DisclosureRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name


class Counter(models.Model):
    """Serial numbers that are never reused: one row per (agency, year, kind), locked."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "kind"], name="unique_counter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}/{self.kind}={self.last}"


class AppealKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", _("行政复议")
    LITIGATION_DIRECT = "litigation_direct", _("未经复议直接起诉")
    LITIGATION_AFTER_RECONSIDERATION = (
        "litigation_after_reconsideration",
        _("复议后起诉"),
    )
    COMPLAINT = "complaint", _("投诉、举报、申诉")


class AppealResult(models.TextChoices):
    UPHELD = "upheld", _("结果维持")
    CORRECTED = "corrected", _("结果纠正")
    OTHER = "other", _("其他结果")


class Appeal(TimeStampedModel):
    """行政复议、行政诉讼、投诉举报 about the agency's disclosure work."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("机关")
    )
    reference = models.CharField(_("编号"), max_length=100)
    kind = models.CharField(_("类型"), max_length=40, choices=AppealKind.choices)
    filed_on = models.DateField(_("申请/起诉日期"))
    body = models.CharField(_("复议机关/法院"), max_length=200, blank=True)
    request = models.ForeignKey(
        DisclosureRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("关联申请"),
    )
    result = models.CharField(
        _("结果"), max_length=20, choices=AppealResult.choices, blank=True
    )
    decided_on = models.DateField(_("决定/判决日期"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    document = models.FileField(_("文书"), upload_to="appeals/%Y/", blank=True)

    class Meta:
        verbose_name = _("复议诉讼投诉")
        verbose_name_plural = _("复议诉讼投诉")
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "reference"], name="unique_appeal_reference"
            ),
            models.CheckConstraint(
                condition=models.Q(decided_on__isnull=True)
                | models.Q(decided_on__gte=models.F("filed_on")),
                name="appeal_decided_after_filed",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=AppealKind.values),
                name="appeal_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["agency", "filed_on"])]

    def __str__(self) -> str:
        return self.reference


class Notification(models.Model):
    """An in-app notice to a staff user; e-mailed too. One per (user, key)."""

    # The (user, key) and (user, read_at) indexes serve lookups by user.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    request = models.ForeignKey(
        DisclosureRequest,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    key = models.CharField(max_length=150)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="unique_notification")
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class OutboxMessage(models.Model):
    """Work for the broker, written in the same transaction as the change that caused it,
    so nothing is lost when Redis is down; drained once the broker is back."""

    task_name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.task_name} {self.kwargs}"


class LedgerRecordKind(models.TextChoices):
    APPEAL = "appeal", _("复议诉讼投诉")
    PUBLICATION = "publication", _("主动公开信息")
    STATISTICS = "statistics", _("年度统计")


class LedgerChange(models.Model):
    """A stored record that a ledger import changed (contract §5: "a changed row updates
    its record and the change is recorded on it"): which record, which fields from what
    to what, from which file and row, when. Append-only, like ``RequestEvent``, which
    records the same for an application (``UPDATED_BY_IMPORT``).

    ``record_id`` is the key of the ``Appeal``, ``Publication`` or ``AnnualStatistics``
    named by ``kind``; a plain number, so the history outlives the record."""

    kind = models.CharField(
        _("记录类型"), max_length=20, choices=LedgerRecordKind.choices
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("机关")
    )
    record_id = models.PositiveBigIntegerField(_("记录"))
    # The record's key in its ledger: the reference, or the year of the statistics.
    reference = models.CharField(_("编号"), max_length=100)
    source = models.CharField(_("台账文件"), max_length=255, blank=True)
    row = models.PositiveIntegerField(_("行号"))
    # {field: {"before": …, "after": …}}, JSON values (dates as YYYY-MM-DD).
    changes = models.JSONField(_("变更内容"), default=dict)
    # One import writes every change with the same time.
    occurred_at = models.DateTimeField(_("导入时间"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("台账导入变更")
        verbose_name_plural = _("台账导入变更")
        ordering = ["occurred_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=LedgerRecordKind.values),
                name="ledger_change_kind_valid",
            )
        ]
        indexes = [models.Index(fields=["kind", "record_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference} {self.occurred_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("变更记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("变更记录只能追加，不能删除。")
