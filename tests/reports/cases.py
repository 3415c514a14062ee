"""Helpers for the report tests: cases moved through the real services."""

from __future__ import annotations

import itertools
from datetime import date

from requests_app import services as request_services
from tests.factories import make_uscc, register

_orgs = itertools.count(100)

ORGANISATION_TYPES = (
    "enterprise",
    "research_institution",
    "public_interest_org",
    "legal_service_org",
    "other_org",
)


def apply(agency, received_on: date, applicant_type: str = "natural_person", **kwargs):
    """Register an application of ``applicant_type`` through the intake service."""
    if applicant_type in ORGANISATION_TYPES:
        kwargs.setdefault("id_type", "uscc")
        kwargs.setdefault("id_number", make_uscc(next(_orgs)))
        kwargs.setdefault("name", "某某有限公司")
    return register(agency, received_on, applicant_type=applicant_type, **kwargs)


def reply(actor, case, outcome: str, on: date):
    extra = {}
    if outcome.startswith("refused.") or outcome == "partial":
        extra["reasons"] = "涉及第三方合法权益"
    if outcome == "unavailable.other_agency":
        extra["competent_agency_name"] = "北京市西城区教育委员会"
    return request_services.request_reply(
        actor=actor, request_id=case.pk, outcome=outcome, replied_on=on, **extra
    )


def withdraw(actor, case, on: date):
    return request_services.request_withdraw(
        actor=actor, request_id=case.pk, withdrawn_on=on
    )


def lapse_supplement(actor, case, requested_on: date):
    """补正 requested and never answered: closed by the clock (C3)."""
    request_services.request_request_supplement(
        actor=actor, request_id=case.pk, requested_on=requested_on, items="请补充文号"
    )
    return request_services.request_close_lapsed(
        request_id=case.pk, as_of=date(2026, 11, 28)
    )


def fee_notice(actor, case, on: date, pages: int = 40):
    return request_services.request_issue_fee_notice(
        actor=actor, request_id=case.pk, notice_on=on, method="per_page", pages=pages
    )


def fee_paid(actor, case, on: date):
    return request_services.request_settle_fee(
        actor=actor, request_id=case.pk, paid_on=on
    )


_bulk_serials = itertools.count(1)


def bulk_cases(agency, specs, *, applicant=None):
    """Insert cases directly (fast; for property and query-count tests only). Each spec
    is (applicant_type, channel, received_on, closed_on or None, outcome, on_time).
    Every field is set as the services would leave it."""
    from requests_app.models import Applicant, DisclosureRequest

    applicant = applicant or Applicant.objects.create(
        applicant_type="natural_person", name="批量申请人"
    )
    rows = []
    for applicant_type, channel, received_on, closed_on, outcome, on_time in specs:
        serial = next(_bulk_serials)
        rows.append(
            DisclosureRequest(
                agency=agency,
                reference=f"{agency.code}-B{serial:07d}",
                year=received_on.year,
                serial=serial,
                query_code=f"bulk-{agency.code}-{serial}",
                applicant=applicant,
                applicant_type=applicant_type,
                channel=channel,
                received_on=received_on,
                description="批量测试申请",
                status="closed" if closed_on else "in_progress",
                outcome=outcome if closed_on else "",
                closed_on=closed_on,
                on_time=on_time if closed_on else None,
            )
        )
    return DisclosureRequest.objects.bulk_create(rows, batch_size=2000)


def multiply_cases(cases, times: int) -> None:
    """Copy ``cases`` ``times`` more times in the database (INSERT … SELECT), each copy
    with its own reference, query code and serial: ten thousand consistent cases in a
    fraction of a second, where building them one by one would take longer than the
    rest of the suite."""
    from django.db import connection

    from requests_app.models import DisclosureRequest

    quote = connection.ops.quote_name
    table = quote(DisclosureRequest._meta.db_table)
    columns = [
        field.column
        for field in DisclosureRequest._meta.concrete_fields
        if not field.primary_key
    ]
    ids = [case.pk for case in cases]
    with connection.cursor() as cursor:
        for copy in range(1, times + 1):
            expressions = []
            params: list[object] = []
            for column in columns:
                if column in ("reference", "query_code"):
                    expressions.append(f"{quote(column)} || %s")
                    params.append(f"-c{copy}")
                elif column == "serial":
                    expressions.append(f"{quote(column)} + %s")
                    params.append(copy * 1_000_000)
                else:
                    expressions.append(quote(column))
            placeholders = ", ".join(["%s"] * len(ids))
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
                f"SELECT {', '.join(expressions)} FROM {table} WHERE id IN ({placeholders})",
                [*params, *ids],
            )


def finish_narrative(actor, report, text: str = "已按要求填写。"):
    """Write every ``（请填写）`` of a draft, as staff do before publishing."""
    from reports.builder import PLACEHOLDER
    from reports.labels import NARRATIVE_KEYS
    from reports.services import report_narrative_update

    return report_narrative_update(
        actor=actor,
        report_id=report.pk,
        **{
            key: getattr(report, key).replace(PLACEHOLDER, text)
            for key in NARRATIVE_KEYS
        },
    )
