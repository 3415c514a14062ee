"""Write functions of the annual report: generating it from live data, the drafts with
their narrative sections, publishing (freezing) a version, corrections, and generating
the reports of a whole subtree in the background.

Only supervisors of the agency (or of an agency above it) and administrators act on an
agency's reports (disclosure.access); anyone else is answered as if it did not exist.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from disclosure.access import staff_scope
from disclosure.exceptions import ApplicationError, NotFound
from disclosure.models import Agency, User
from disclosure.selectors import agency_subtree
from disclosure.text import text_clean
from reports import exporters
from reports.builder import (
    PLACEHOLDER,
    build_report_2008,
    build_report_2021,
    draft_narrative,
    strip_figure_sentences,
)
from reports.checks import failing_errors
from reports.labels import (
    NARRATIVE_KEYS,
    NARRATIVE_KEYS_BY_TEMPLATE,
    REQUIRED_NARRATIVE,
    narrative_title,
)
from reports.models import AnnualReport, ReportFile, ReportStatus, ReportTemplate
from reports.selectors import (
    progress_key,
    report_aggregates,
    report_latest_version,
    report_list_for_staff,
    report_previous_published,
    report_progress_get,
)
from requests_app.outbox import outbox_enqueue

FIRST_REPORT_YEAR = 2008
"""The first year with an annual report (the 2008 Regulation took effect 2008-05-01)."""
TREE_TASK = "reports.tasks.reports_generate_tree_task"
PROGRESS_TIMEOUT = 24 * 3600


# --- Generating ---------------------------------------------------------------------------


def _check_parameters(*, year: int, template: str, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if template not in ReportTemplate.values:
        raise ApplicationError(
            _("未知的年报格式：%(template)s（可选：2021、2008）。")
            % {"template": template},
            field="template",
        )
    if not FIRST_REPORT_YEAR <= year <= today.year:
        raise ApplicationError(
            _("年度应在%(first)s年至%(last)s年之间。")
            % {"first": FIRST_REPORT_YEAR, "last": today.year},
            field="year",
        )


def report_generate(
    *,
    agency: Agency,
    year: int,
    template: str,
    rollup: bool,
    as_of: date | None = None,
) -> dict:
    """The report of ``agency`` (with ``rollup``, of its whole subtree) for ``year`` from
    live data, as the JSON of contract §7. ``as_of`` cuts the year short at that date
    (a provisional report of the year so far)."""
    _check_parameters(year=year, template=template)
    aggregates = report_aggregates(
        agency=agency,
        year=year,
        rollup=rollup,
        as_of=as_of,
        legacy=template == ReportTemplate.T2008,
    )
    if template == ReportTemplate.T2008:
        return build_report_2008(agency, year, rollup, aggregates)
    previous = report_previous_published(
        agency=agency, year=year, template=template, rollup=rollup
    )
    return build_report_2021(agency, year, rollup, aggregates, previous=previous)


def report_narrative(report: AnnualReport) -> dict[str, str]:
    """The narrative sections a report record stores: what staff wrote (the figure
    sentences are added from the report's figures when it is shown or exported)."""
    return {key: getattr(report, key) for key in NARRATIVE_KEYS}


def narrative_problems(*, template: str, narrative: Mapping[str, str]) -> list[str]:
    """Why the narrative cannot be published yet, one message per section: a section
    still holding the ``（请填写）`` marker, or a required section left empty."""
    problems = []
    for key in NARRATIVE_KEYS_BY_TEMPLATE.get(template, ()):
        text = narrative.get(key) or ""
        title = narrative_title(template, key)
        if PLACEHOLDER in text:
            problems.append(
                _("“%(section)s”中仍有“%(marker)s”，请填写后再发布。")
                % {"section": title, "marker": PLACEHOLDER}
            )
        elif key in REQUIRED_NARRATIVE.get(template, ()) and not (
            strip_figure_sentences(text).strip()
        ):
            problems.append(
                _("“%(section)s”是必须报告的内容，不能为空。") % {"section": title}
            )
    return problems


def _year_not_ended(year: int, today: date) -> str | None:
    """A report is published once its year is over (the figures are the whole year's)."""
    if today <= date(year, 12, 31):
        return _("%(year)s年度尚未结束，%(next)s年1月1日起才能发布该年度报告。") % {
            "year": year,
            "next": year + 1,
        }
    return None


def report_publish_problems(
    *, report: AnnualReport, today: date | None = None
) -> list[str]:
    """What stops a draft from being published apart from the checks: the year has not
    ended yet, or the narrative is not finished (``narrative_problems``)."""
    year_open = _year_not_ended(report.year, today or timezone.localdate())
    return ([year_open] if year_open else []) + narrative_problems(
        template=report.template, narrative=report_narrative(report)
    )


def report_narrative_for(
    *, agency: Agency, year: int, template: str, rollup: bool
) -> dict[str, str]:
    """The narrative of the latest version on record, else a first draft's outline."""
    latest = report_latest_version(
        agency=agency, year=year, template=template, rollup=rollup
    )
    return report_narrative(latest) if latest else draft_narrative(template)


def report_export(
    *,
    agency: Agency,
    year: int,
    template: str,
    rollup: bool,
    fmt: str,
    as_of: date | None = None,
) -> bytes:
    """The live report as a file of format ``fmt`` (the ``annual_report`` command)."""
    report = report_generate(
        agency=agency, year=year, template=template, rollup=rollup, as_of=as_of
    )
    return report_render(agency=agency, report=report, fmt=fmt)


def report_render(*, agency: Agency, report: Mapping[str, Any], fmt: str) -> bytes:
    """A generated report as a file of format ``fmt``, with the narrative on record."""
    narrative = report_narrative_for(
        agency=agency,
        year=report["year"],
        template=report["template"],
        rollup=report["rollup"],
    )
    return _render(fmt, report, narrative)


def _render(fmt: str, report: Mapping[str, Any], narrative: Mapping[str, str]) -> bytes:
    try:
        return exporters.render(fmt, report, narrative)
    except exporters.ExporterError as exc:
        raise ApplicationError(str(exc), field="format") from exc


def snapshot_sha256(snapshot: Mapping[str, Any]) -> str:
    """SHA-256 of the snapshot's canonical JSON (UTF-8, sorted keys, no spaces), so the
    same figures always give the same digest."""
    canonical = json.dumps(
        snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- Records: drafts, publishing, corrections ----------------------------------------------


def _require_supervisor(actor: User | None, agency: Agency) -> None:
    if not staff_scope(actor).can_supervise(agency):
        raise NotFound("未找到该机关。")


def _report_for_update(*, actor: User | None, report_id: int) -> AnnualReport:
    try:
        return (
            report_list_for_staff(actor=actor)
            .select_for_update(of=("self",))
            .get(pk=report_id)
        )
    except (AnnualReport.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该年度报告。") from None


def _refuse_if_published(report: AnnualReport) -> None:
    if report.status == ReportStatus.PUBLISHED:
        raise ApplicationError(
            _("已发布的年度报告不能修改；如需更正，请创建更正版本。"), field="status"
        )


@transaction.atomic
def report_draft_get_or_create(
    *, actor: User | None, agency: Agency, year: int, template: str, rollup: bool
) -> AnnualReport:
    """The latest version of the agency's report for the year (draft or published), or a
    new version-1 draft whose narrative is the outline staff fill in (the figures are
    not stored: they are printed from the report each time)."""
    _require_supervisor(actor, agency)
    _check_parameters(year=year, template=template)
    latest = report_latest_version(
        agency=agency, year=year, template=template, rollup=rollup
    )
    if latest is not None:
        return latest
    narrative = draft_narrative(template)
    report = AnnualReport(
        agency=agency,
        year=year,
        template=template,
        rollup=rollup,
        version=1,
        **narrative,
    )
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def report_narrative_update(
    *,
    actor: User | None,
    report_id: int,
    overview: str | None = None,
    key_areas: str | None = None,
    problems: str | None = None,
    other_matters: str | None = None,
) -> AnnualReport:
    """Edit the narrative sections of a draft (None leaves a section as it is):
    一, 五, 六, and 二 (``key_areas``) of the pre-2019 report."""
    report = _report_for_update(actor=actor, report_id=report_id)
    _refuse_if_published(report)
    changes = {
        "overview": overview,
        "key_areas": key_areas,
        "problems": problems,
        "other_matters": other_matters,
    }
    changed = [name for name, value in changes.items() if value is not None]
    for name in changed:
        text = text_clean(changes[name].replace("\r\n", "\n"))
        setattr(report, name, text.strip())
    report.full_clean()
    report.save(update_fields=[*changed, "updated_at"])
    return report


@transaction.atomic
def report_publish(
    *,
    actor: User | None,
    report_id: int,
    formats: Iterable[str] = exporters.FORMATS,
    as_of: date | None = None,
) -> AnnualReport:
    """发布: freeze a draft. Refused (nothing saved) before the year has ended, while
    the narrative is unfinished (``report_publish_problems``) or when an error-level
    check fails on the report generated once more from live data. Otherwise the JSON
    snapshot (with its SHA-256) and every format's file (each with its SHA-256) are
    stored, and the version can no longer change."""
    report = _report_for_update(actor=actor, report_id=report_id)
    _refuse_if_published(report)
    formats = tuple(formats)
    unknown = [fmt for fmt in formats if fmt not in exporters.FORMATS]
    if unknown or not formats:
        raise ApplicationError(
            _("不支持的格式：%(formats)s。")
            % {"formats": "、".join(unknown) or _("（未选择）")},
            field="formats",
        )
    year_open = _year_not_ended(report.year, timezone.localdate())
    if year_open:
        raise ApplicationError(year_open, field="year")
    unfinished = narrative_problems(
        template=report.template, narrative=report_narrative(report)
    )
    if unfinished:
        raise ApplicationError(
            _("文字部分尚未完成，不能发布。") + "".join(unfinished), field="narrative"
        )
    snapshot = report_generate(
        agency=report.agency,
        year=report.year,
        template=report.template,
        rollup=report.rollup,
        as_of=as_of,
    )
    failing = failing_errors(snapshot.get("checks", []))
    if failing:
        reasons = "；".join(f"{check['rule']}：{check['message']}" for check in failing)
        raise ApplicationError(_("校验未通过，不能发布。") + reasons, field="checks")
    narrative = report_narrative(report)
    # Every format is rendered before anything is written: one failure publishes nothing.
    contents = {fmt: _render(fmt, snapshot, narrative) for fmt in formats}

    report.status = ReportStatus.PUBLISHED
    report.snapshot = snapshot
    report.sha256 = snapshot_sha256(snapshot)
    report.published_at = timezone.now()
    report.published_by = actor
    report.save(
        update_fields=[
            "status",
            "snapshot",
            "sha256",
            "published_at",
            "published_by",
            "updated_at",
        ]
    )
    base_name = f"{report.agency.code}-{report.year}-{report.template}"
    if report.rollup:
        base_name += "-rollup"
    for fmt, content in contents.items():
        ReportFile.objects.create(
            report=report,
            format=fmt,
            file=ContentFile(content, name=f"{base_name}-v{report.version}.{fmt}"),
            sha256=hashlib.sha256(content).hexdigest(),
        )
    return report


@transaction.atomic
def report_correct(*, actor: User | None, report_id: int, note: str) -> AnnualReport:
    """更正: a published report stays as it is; a new draft version (version + 1) is made
    with its narrative and the reason for the correction."""
    report = _report_for_update(actor=actor, report_id=report_id)
    if report.status != ReportStatus.PUBLISHED:
        raise ApplicationError(
            _("草稿可以直接修改，无需创建更正版本。"), field="status"
        )
    if not note.strip():
        raise ApplicationError(_("请写明更正原因。"), field="note")
    latest = report_latest_version(
        agency=report.agency,
        year=report.year,
        template=report.template,
        rollup=report.rollup,
    )
    if latest is not None and latest.pk != report.pk:
        raise ApplicationError(
            _("已有更新的版本（第%(version)s版），请在该版本上继续。")
            % {"version": latest.version},
            field="version",
        )
    correction = AnnualReport(
        agency=report.agency,
        year=report.year,
        template=report.template,
        rollup=report.rollup,
        version=report.version + 1,
        correction_note=note.strip(),
        **report_narrative(report),
    )
    correction.full_clean()
    correction.save()
    return correction


# --- A whole subtree in the background ------------------------------------------------------


def report_progress_record(*, job_id: str, state: Mapping[str, Any]) -> None:
    """Keep a background job's progress where the staff page polls it."""
    cache.set(progress_key(job_id), dict(state), PROGRESS_TIMEOUT)


def _summary(
    agency: Agency, report: Mapping[str, Any], record: AnnualReport | None = None
) -> dict[str, Any]:
    """A line of the progress page; ``report_id`` is the agency's draft (or its latest
    version) when the job saved one."""
    ids = {
        "report_id": record.pk if record else None,
        "report_status": record.status if record else "",
    }
    if report["template"] == ReportTemplate.T2008:
        applications = report["applications"]
        return {
            "code": agency.code,
            "name": agency.name,
            "received": applications["received"],
            "completed": applications["completed"],
            "carried_forward": None,
            "errors": 0,
            **ids,
        }
    rows = report["table3"]["rows"]
    return {
        "code": agency.code,
        "name": agency.name,
        "received": rows["R1"]["total"],
        "completed": rows["R3.7"]["total"],
        "carried_forward": rows["R4"]["total"],
        "errors": len(failing_errors(report["checks"])),
        **ids,
    }


def reports_generate_tree(
    *,
    agency: Agency,
    year: int,
    template: str,
    as_of: date | None = None,
    on_progress: Callable[[int, int, Agency, dict], object] | None = None,
) -> list[dict]:
    """The report of every agency of ``agency``'s subtree (each on its own), parents
    before children. ``on_progress(done, total, agency, report)`` after each one."""
    _check_parameters(year=year, template=template)
    agencies = agency_subtree(agency)
    reports = []
    for done, each in enumerate(agencies, start=1):
        report = report_generate(
            agency=each, year=year, template=template, rollup=False, as_of=as_of
        )
        reports.append(report)
        if on_progress is not None:
            on_progress(done, len(agencies), each, report)
    return reports


def report_tree_run(
    *,
    agency_id: int,
    year: int,
    template: str,
    job_id: str,
    actor_id: int | None = None,
) -> None:
    """The background job: generate the subtree's reports and, on behalf of the user
    ``actor_id`` who started it, open each agency's draft (``report_draft_get_or_create``:
    an existing version is reused, never overwritten), recording progress and a
    one-line summary per agency, with its report's id, under
    ``report-progress:<job_id>``. A job queued without ``actor_id`` only summarises."""
    state: dict[str, Any] = {
        **(report_progress_get(job_id=job_id) or {}),
        "state": "running",
        "done": 0,
        "total": 0,
        "current": "",
        "results": [],
        "error": "",
    }
    try:
        agency = Agency.objects.get(pk=agency_id)
        actor = User.objects.filter(pk=actor_id).first() if actor_id else None

        def progress(done: int, total: int, each: Agency, report: dict) -> None:
            record = None
            if actor is not None:
                record = report_draft_get_or_create(
                    actor=actor, agency=each, year=year, template=template, rollup=False
                )
            state.update(done=done, total=total, current=each.name)
            state["results"].append(_summary(each, report, record))
            report_progress_record(job_id=job_id, state=state)

        reports_generate_tree(
            agency=agency, year=year, template=template, on_progress=progress
        )
    except (Agency.DoesNotExist, ApplicationError) as exc:
        state.update(state="failed", error=str(exc))
        report_progress_record(job_id=job_id, state=state)
        return
    state.update(state="done", current="")
    report_progress_record(job_id=job_id, state=state)


def report_tree_start(
    *, actor: User | None, agency: Agency, year: int, template: str
) -> str:
    """Start generating the reports of ``agency``'s subtree in the background, a draft
    per agency opened on behalf of ``actor``; returns the job id whose progress
    ``report_progress_get`` reads."""
    _require_supervisor(actor, agency)
    _check_parameters(year=year, template=template)
    job_id = uuid.uuid4().hex
    report_progress_record(
        job_id=job_id,
        state={
            "state": "queued",
            "done": 0,
            "total": 0,
            "current": "",
            "results": [],
            "error": "",
            "agency": agency.code,
            "year": year,
            "template": template,
        },
    )
    outbox_enqueue(
        TREE_TASK,
        agency_id=agency.pk,
        year=year,
        template=template,
        job_id=job_id,
        actor_id=actor.pk if actor else None,
    )
    return job_id
