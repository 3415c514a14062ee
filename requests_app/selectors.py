"""Read functions for applications. Every staff read is scoped through disclosure.access."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from disclosure.access import staff_scope
from disclosure.exceptions import NotFound
from disclosure.models import User
from requests_app.models import (
    PUBLIC_EVENT_KINDS,
    Appeal,
    DisclosureRequest,
    RequestEvent,
)
from requests_app.workflow import OPEN


def request_list_for_staff(*, actor: User | None) -> QuerySet[DisclosureRequest]:
    """The cases the user may see, with what list pages show, without N+1 queries."""
    scope = staff_scope(actor)
    if not scope.is_staff_of_anything:
        return DisclosureRequest.objects.none()
    return (
        DisclosureRequest.objects.filter(scope.agency_q())
        .select_related("agency", "applicant", "assigned_to")
        .order_by("-received_on", "-id")
    )


def request_get_for_staff(*, actor: User | None, request_id: int) -> DisclosureRequest:
    try:
        return request_list_for_staff(actor=actor).get(pk=request_id)
    except (DisclosureRequest.DoesNotExist, ValueError, TypeError):
        raise NotFound(gettext("未找到该申请。")) from None


def request_get_for_update(
    *, actor: User | None, request_id: int, system: bool = False
) -> DisclosureRequest:
    """Lock the case row for a transition. Unknown ids and other agencies' ids both raise
    NotFound. ``system`` is the clock sweep acting for the office itself."""
    queryset = (
        DisclosureRequest.objects.all()
        if system
        else DisclosureRequest.objects.filter(staff_scope(actor).agency_q())
    )
    if not system and not staff_scope(actor).is_staff_of_anything:
        raise NotFound(gettext("未找到该申请。"))
    try:
        return (
            queryset.select_for_update(of=("self",))
            .select_related("agency", "applicant")
            .get(pk=request_id)
        )
    except (DisclosureRequest.DoesNotExist, ValueError, TypeError):
        raise NotFound(gettext("未找到该申请。")) from None


def request_get_public(*, query_code: str) -> DisclosureRequest:
    try:
        return DisclosureRequest.objects.select_related("agency").get(
            query_code=query_code
        )
    except DisclosureRequest.DoesNotExist:
        raise NotFound(gettext("未找到该申请，请核对查询码。")) from None


def request_public_events(
    *, disclosure_request: DisclosureRequest
) -> list[RequestEvent]:
    return list(
        RequestEvent.objects.filter(
            request=disclosure_request, kind__in=PUBLIC_EVENT_KINDS
        ).order_by("occurred_at", "id")
    )


def request_events(*, disclosure_request: DisclosureRequest) -> list[RequestEvent]:
    return list(
        disclosure_request.events.select_related("actor").order_by("occurred_at", "id")
    )


def applicant_count_in_month(*, disclosure_request: DisclosureRequest) -> int:
    """The application's rank among the same applicant's applications to this agency in
    its calendar month, itself included (per-item fee tiers, 109号 Art. 4). Same-day
    applications rank in registration order."""
    received_on = disclosure_request.received_on
    return (
        DisclosureRequest.objects.filter(
            applicant_id=disclosure_request.applicant_id,
            agency_id=disclosure_request.agency_id,
            received_on__gte=received_on.replace(day=1),
        )
        .filter(
            Q(received_on__lt=received_on)
            | Q(received_on=received_on, pk__lte=disclosure_request.pk)
        )
        .count()
    )


def requests_open() -> QuerySet[DisclosureRequest]:
    return DisclosureRequest.objects.filter(status__in=OPEN)


def appeals_for_request(*, disclosure_request: DisclosureRequest) -> list[Appeal]:
    return list(disclosure_request.appeals.order_by("filed_on"))
