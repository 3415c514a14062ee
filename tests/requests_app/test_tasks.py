"""The Celery tasks: configuration (JSON, acks_late, retries, time limits), the
acknowledgement and the applicant's e-mails (once each), the staff e-mail batch, the
sweep and outbox tasks, and dispatch through the outbox after commit (eager here)."""

from __future__ import annotations

import smtplib
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.core.files.base import ContentFile
from django.core.mail.backends.locmem import EmailBackend
from django.db import OperationalError
from django.utils import timezone, translation

from config.celery import app as celery_app
from disclosure.exceptions import ApplicationError
from requests_app import tasks
from requests_app.models import (
    EventKind,
    Letter,
    LetterKind,
    LetterTemplate,
    Notification,
    OutboxMessage,
    RequestEvent,
)
from requests_app.notifications import staff_notify
from requests_app.services import (
    request_assign,
    request_close_lapsed,
    request_extend,
    request_issue_fee_notice,
    request_reply,
    request_request_supplement,
)
from requests_app.workflow import Status
from tests.factories import make_staff, register

TODAY = date(2026, 11, 29)
TASK_NAMES = [
    "requests_app.tasks.acknowledgement_send_task",
    "requests_app.tasks.letter_issue_task",
    "requests_app.tasks.applicant_notify_task",
    "requests_app.tasks.staff_email_batch_task",
    "requests_app.tasks.deadlines_sweep_task",
    "requests_app.tasks.outbox_drain_task",
]


@pytest.fixture(autouse=True)
def _eager_and_private_files(settings, tmp_path):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = tmp_path


def letter_already_issued(case, kind: str, *, pdf: bytes = b"") -> Letter:
    """The letter of ``kind`` as ``letters.letter_issue`` leaves it (rendering a real
    PDF takes seconds, which these tests do not need)."""
    letter = Letter(
        request=case,
        kind=kind,
        title=LetterKind(kind).label,
        number=f"西城城指公开〔2025〕{Letter.objects.count() + 1}号",
        year=2025,
        serial=Letter.objects.count() + 1,
        issued_on=case.received_on,
        body="……",
    )
    if pdf:
        letter.pdf = ContentFile(pdf, name=f"{case.reference}-{kind}.pdf")
    letter.save()
    return letter


# --- configuration -----------------------------------------------------------------------


def test_tasks_are_registered_under_the_names_the_services_use():
    for name in TASK_NAMES:
        assert celery_app.tasks[name].name == name
    for entry in celery_app.conf.beat_schedule.values():
        assert entry["task"] in celery_app.tasks


def test_json_only_and_time_limits():
    assert celery_app.conf.task_serializer == "json"
    assert celery_app.conf.accept_content == ["json"]
    assert celery_app.conf.result_serializer == "json"
    for name in TASK_NAMES:
        task = celery_app.tasks[name]
        assert 0 < task.soft_time_limit < task.time_limit, name


@pytest.mark.parametrize(
    ("name", "acks_late"),
    [
        ("requests_app.tasks.acknowledgement_send_task", True),
        ("requests_app.tasks.letter_issue_task", True),
        ("requests_app.tasks.applicant_notify_task", True),
        ("requests_app.tasks.staff_email_batch_task", False),
        ("requests_app.tasks.deadlines_sweep_task", True),
        ("requests_app.tasks.outbox_drain_task", True),
    ],
)
def test_only_idempotent_tasks_ack_late(name, acks_late):
    assert celery_app.tasks[name].acks_late is acks_late


@pytest.mark.parametrize(
    "name", [name for name in TASK_NAMES if not name.endswith("outbox_drain_task")]
)
def test_transient_errors_retry_with_exponential_backoff(name):
    task = celery_app.tasks[name]
    assert OperationalError in task.autoretry_for
    assert smtplib.SMTPException in task.autoretry_for
    assert ApplicationError not in task.autoretry_for
    assert (task.retry_backoff, task.retry_backoff_max, task.max_retries) == (
        True,
        600,
        8,
    )


@pytest.mark.django_db
def test_a_failing_mail_server_is_retried_then_the_task_fails(clerk, monkeypatch):
    clerk.email = "clerk@xicheng.gov.cn"
    clerk.save()
    ids = staff_notify(user_ids=[clerk.pk], key="test:1", title="测试提醒")
    attempts = []

    def refuse(self, messages):
        attempts.append(len(messages))
        raise smtplib.SMTPServerDisconnected("连接被关闭")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    # Celery re-applies eager retries with the app's propagation setting.
    monkeypatch.setitem(celery_app.conf, "CELERY_TASK_EAGER_PROPAGATES", False)

    result = tasks.staff_email_batch_task.apply(
        kwargs={"notification_ids": ids}, throw=False
    )

    assert result.failed()
    assert isinstance(result.result, smtplib.SMTPServerDisconnected)
    assert attempts == [1] * 9  # the first try and 8 retries


# --- the acknowledgement ------------------------------------------------------------------


@pytest.mark.django_db
def test_acknowledgement_is_recorded_issued_and_emailed_once(agency):
    case = register(agency, date(2025, 9, 26))
    letter = letter_already_issued(case, "acknowledgement", pdf=b"%PDF-1.4 receipt")

    assert tasks.acknowledgement_send_task(case.pk) is True
    assert tasks.acknowledgement_send_task(case.pk) is False

    event = RequestEvent.objects.get(request=case, kind=EventKind.ACKNOWLEDGEMENT_SENT)
    assert (event.dedupe_key, event.payload, event.actor) == (
        "acknowledgement",
        {"email": True},
        None,
    )
    assert case.letters.count() == 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["zhangsan@example.com"]
    assert email.subject == "您的政府信息公开申请已收到（编号：XCCG-2025-00001）"
    assert (
        "北京市西城区城市管理监督指挥中心已于2025年9月26日收到您的政府信息公开申请"
        in (email.body)
    )
    assert "即2025年10月30日前予以答复" in email.body
    assert (
        f"查询办理进度：http://127.0.0.1:8000/track/{case.query_code}/"
        f"（查询码：{case.query_code}，请妥善保管）"
    ) in email.body
    assert email.attachments == [
        (f"{letter.title}.pdf", b"%PDF-1.4 receipt", "application/pdf")
    ]


@pytest.mark.django_db
def test_acknowledgement_without_an_address_is_recorded_not_emailed(agency):
    case = register(agency, date(2025, 9, 26), email="")
    letter_already_issued(case, "acknowledgement")

    assert tasks.acknowledgement_send_task(case.pk) is True

    event = RequestEvent.objects.get(request=case, kind=EventKind.ACKNOWLEDGEMENT_SENT)
    assert event.payload == {"email": False}
    assert mail.outbox == []


@pytest.mark.django_db
def test_registration_dispatches_the_acknowledgement_after_commit(agency):
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks() as callbacks:
        case = register(agency, date(2025, 9, 26))
    message = OutboxMessage.objects.get()
    assert (message.task_name, message.kwargs, message.dispatched_at) == (
        "requests_app.tasks.acknowledgement_send_task",
        {"request_id": case.pk},
        None,
    )
    assert not RequestEvent.objects.filter(kind=EventKind.ACKNOWLEDGEMENT_SENT).exists()
    letter_already_issued(case, "acknowledgement")

    for callback in callbacks:
        callback()

    message.refresh_from_db()
    assert message.dispatched_at is not None
    assert message.last_error == ""
    assert (
        RequestEvent.objects.filter(
            request=case, kind=EventKind.ACKNOWLEDGEMENT_SENT
        ).count()
        == 1
    )
    assert len(mail.outbox) == 1


# --- letters and the applicant's e-mails ------------------------------------------------------


def awaiting_supplement(agency, clerk):
    """A case received 2025-09-22 and sent back for supplementation on 2025-09-29."""
    case = register(agency, date(2025, 9, 22))
    return request_request_supplement(
        actor=clerk,
        request_id=case.pk,
        requested_on=date(2025, 9, 29),
        items="请写明所需信息的文号或名称",
        today=TODAY,
    )


def awaiting_fee(agency, clerk):
    """A case received 2025-11-24 with a fee notice for 31 pages on 2025-12-01."""
    case = register(agency, date(2025, 11, 24))
    return request_issue_fee_notice(
        actor=clerk,
        request_id=case.pk,
        notice_on=date(2025, 12, 1),
        method="per_page",
        pages=31,
        today=TODAY,
    )


@pytest.mark.django_db
def test_supplement_notice_is_emailed_once_through_the_outbox(
    agency, clerk, django_capture_on_commit_callbacks
):
    case = awaiting_supplement(agency, clerk)
    letter_already_issued(case, "supplement")

    with django_capture_on_commit_callbacks(execute=True):
        tasks.letter_issue_task(case.pk, "supplement")
    with django_capture_on_commit_callbacks(execute=True):
        tasks.letter_issue_task(case.pk, "supplement")

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.subject == "请补正您的政府信息公开申请（编号：XCCG-2025-00001）"
    assert "请写明所需信息的文号或名称" in email.body
    assert "请于2025年10月27日前（15个工作日内）提交补正。" in email.body
    event = RequestEvent.objects.get(request=case, kind=EventKind.APPLICANT_NOTIFIED)
    assert (event.dedupe_key, event.payload) == (
        "applicant:supplement",
        {"kind": "supplement", "email": True},
    )
    assert (
        list(
            OutboxMessage.objects.filter(task_name__endswith="applicant_notify_task")
            .order_by("id")
            .values_list("kwargs", "last_error")
        )
        == [({"request_id": case.pk, "kind": "supplement"}, "")] * 2
    )


@pytest.mark.django_db
def test_a_supplementation_lapse_tells_the_applicant_once(
    agency, clerk, django_capture_on_commit_callbacks
):
    # C3's example: supplement asked 2025-09-29, 15 working days → closed 2025-10-28.
    case = awaiting_supplement(agency, clerk)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        closed = request_close_lapsed(request_id=case.pk, as_of=date(2025, 10, 28))

    assert closed.closed_on == date(2025, 10, 28)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.subject == (
        "您的政府信息公开申请视为放弃，不再处理（编号：XCCG-2025-00001）"
    )
    assert "在补正期限内未作补正" in email.body
    assert "第三十条" in email.body
    assert "我机关自2025年10月28日起不再处理该申请。" in email.body
    assert email.attachments == []
    # Once only, whoever asks again.
    assert tasks.applicant_notify_task(case.pk, "lapsed") is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_fee_lapse_tells_the_applicant_why(
    agency, clerk, django_capture_on_commit_callbacks
):
    # C5's example: fee notice 2025-12-01 → closed 2025-12-30 when nothing was paid.
    case = awaiting_fee(agency, clerk)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert (
            request_close_lapsed(request_id=case.pk, as_of=date(2025, 12, 29)) is None
        )
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        request_close_lapsed(request_id=case.pk, as_of=date(2025, 12, 30))

    (email,) = mail.outbox
    assert "未缴纳信息处理费" in email.body
    assert "国办函〔2020〕109号" in email.body
    assert "我机关自2025年12月30日起不再处理该申请。" in email.body


@pytest.mark.django_db
def test_the_lapse_email_in_english(agency, clerk, django_capture_on_commit_callbacks):
    case = awaiting_supplement(agency, clerk)
    mail.outbox.clear()

    with (
        translation.override("en"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        request_close_lapsed(request_id=case.pk, as_of=date(2025, 10, 28))

    (email,) = mail.outbox
    assert email.subject == (
        "Your application for government information is deemed withdrawn and will "
        "not be processed further (ref. XCCG-2025-00001)"
    )
    assert "Art. 30" in email.body
    assert "If you still need this information, you may apply again." in email.body


@pytest.mark.django_db
def test_fee_notice_email_gives_amount_and_last_day(agency, clerk):
    case = awaiting_fee(agency, clerk)

    assert tasks.applicant_notify_task(case.pk, "fee") is True

    email = mail.outbox[0]
    assert (
        email.subject == "您的政府信息公开申请需缴纳信息处理费（编号：XCCG-2025-00001）"
    )
    assert "需要缴纳信息处理费10.00元" in email.body
    assert "请于2025年12月29日前缴纳。" in email.body


@pytest.mark.django_db
def test_extension_email_gives_the_new_due_date(agency, clerk):
    # Received 2025-09-26, due 2025-10-30; extended by 20: WD(09-26, 40) = 2025-11-27.
    case = register(agency, date(2025, 9, 26))
    request_extend(
        actor=clerk,
        request_id=case.pk,
        approved_on=date(2025, 10, 20),
        reason="需要调取档案",
        today=TODAY,
    )

    assert tasks.applicant_notify_task(case.pk, "extension") is True

    assert "我机关将于2025年11月27日前予以答复。" in mail.outbox[0].body


@pytest.mark.django_db
def test_reply_email_names_the_outcome(agency, clerk):
    case = register(agency, date(2025, 9, 26))
    request_reply(
        actor=clerk,
        request_id=case.pk,
        outcome="disclosed",
        replied_on=date(2025, 10, 20),
        today=TODAY,
    )

    assert tasks.applicant_notify_task(case.pk, "reply") is True
    assert tasks.applicant_notify_task(case.pk, "reply") is False

    assert len(mail.outbox) == 1
    assert (
        mail.outbox[0].subject == "您的政府信息公开申请已答复（编号：XCCG-2025-00001）"
    )
    assert (
        "我机关已于2025年10月20日作出答复，办理结果：予以公开。" in mail.outbox[0].body
    )
    assert mail.outbox[0].attachments == []


@pytest.mark.django_db
def test_no_address_no_email_and_no_record(agency):
    case = register(agency, date(2025, 9, 26), email="")

    assert tasks.applicant_notify_task(case.pk, "extension") is False

    assert mail.outbox == []
    assert not RequestEvent.objects.filter(kind=EventKind.APPLICANT_NOTIFIED).exists()


@pytest.mark.django_db
def test_consultation_letters_are_not_emailed_to_the_applicant(agency):
    case = register(agency, date(2025, 9, 26))

    with pytest.raises(ApplicationError, match="不向申请人发送此类通知：consultation"):
        tasks.applicant_notify_task(case.pk, "consultation")


# --- staff e-mail, the sweep and the outbox drain ---------------------------------------------


@pytest.mark.django_db
def test_staff_batch_sends_one_digest_per_user_with_an_address(agency, clerk):
    clerk.email = "clerk@xicheng.gov.cn"
    clerk.save()
    no_address = make_staff(agency, "clerk", "no_address")
    first = staff_notify(user_ids=[clerk.pk, no_address.pk], key="k1", title="提醒一")
    second = staff_notify(user_ids=[clerk.pk], key="k2", title="提醒二", body="内容二")
    read = staff_notify(user_ids=[clerk.pk], key="k3", title="已读的提醒")
    Notification.objects.filter(pk__in=read).update(read_at=timezone.now())

    sent = tasks.staff_email_batch_task([*first, *second, *read])

    assert sent == 1
    email = mail.outbox[0]
    assert (email.to, email.subject) == (
        ["clerk@xicheng.gov.cn"],
        "【政府信息公开】您有2条新提醒",
    )
    assert "1. 提醒一" in email.body
    assert "2. 提醒二\n   内容二" in email.body
    assert "已读的提醒" not in email.body


@pytest.mark.django_db
def test_staff_notify_once_per_user_and_key(clerk):
    assert len(staff_notify(user_ids=[clerk.pk], key="same", title="一")) == 1
    assert staff_notify(user_ids=[clerk.pk], key="same", title="二") == []
    assert Notification.objects.get(user=clerk).title == "一"


@pytest.mark.django_db
def test_daily_sweep_task_uses_the_local_date(agency, clerk):
    case = awaiting_supplement(agency, clerk)
    # 2025-10-27 16:30 UTC is already 10-28 in Beijing, the C3 closing day.
    with time_machine.travel(datetime(2025, 10, 27, 16, 30, tzinfo=UTC), tick=False):
        result = tasks.deadlines_sweep_task()

    assert result["as_of"] == "2025-10-28"
    assert result["closed"] == [
        {
            "reference": "XCCG-2025-00001",
            "outcome": "other.no_supplement",
            "closed_on": "2025-10-28",
        }
    ]
    case.refresh_from_db()
    assert case.status == Status.CLOSED


@pytest.mark.django_db
def test_outbox_drain_task_runs_what_was_kept(agency):
    case = register(agency, date(2025, 9, 26))
    letter_already_issued(case, "acknowledgement")

    assert tasks.outbox_drain_task() == 1
    assert tasks.outbox_drain_task() == 0

    assert OutboxMessage.objects.get().dispatched_at is not None
    assert (
        RequestEvent.objects.filter(
            request=case, kind=EventKind.ACKNOWLEDGEMENT_SENT
        ).count()
        == 1
    )


@pytest.mark.django_db
def test_eager_task_failure_is_recorded_not_retried_forever(agency):
    case = register(agency, date(2025, 9, 26))
    OutboxMessage.objects.create(
        task_name="requests_app.tasks.applicant_notify_task",
        kwargs={"request_id": case.pk, "kind": "consultation"},
    )
    letter_already_issued(case, "acknowledgement")

    assert tasks.outbox_drain_task() == 1

    failed = OutboxMessage.objects.get(kwargs__kind="consultation")
    assert failed.dispatched_at is not None
    assert failed.last_error == "ApplicationError: 不向申请人发送此类通知：consultation"
    assert tasks.outbox_drain_task() == 0


@pytest.mark.django_db
def test_a_letter_that_cannot_be_made_is_told_to_the_clerk_and_supervisors(
    agency, clerk, supervisor
):
    case = register(agency, date(2025, 9, 22))
    request_assign(actor=clerk, request_id=case.pk, clerk=clerk)
    request_reply(
        actor=clerk,
        request_id=case.pk,
        outcome="disclosed",
        replied_on=date(2025, 10, 20),
        today=TODAY,
    )
    # A reply text saved before placeholders were checked: the letter stops.
    LetterTemplate.objects.filter(kind="reply").update(body="{decision}{x}")

    with pytest.raises(ApplicationError, match="无法识别"):
        tasks.letter_issue_task(case.pk, "reply")
    with pytest.raises(ApplicationError):
        tasks.letter_issue_task(case.pk, "reply")

    notices = Notification.objects.filter(request=case).order_by("user__username")
    assert [(n.user.username, n.title) for n in notices] == [
        ("clerk", "XCCG-2025-00001：《政府信息公开申请答复书》未能生成"),
        ("supervisor", "XCCG-2025-00001：《政府信息公开申请答复书》未能生成"),
    ]
    assert "文书模板中的占位符“{x}”无法识别。" in notices[0].body
    assert not Letter.objects.filter(request=case, kind="reply").exists()
