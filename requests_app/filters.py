"""Filters of the staff case list (``GET /api/v1/requests/``).

They narrow a queryset that ``request_list_for_staff`` has already scoped to the user's
agencies; no filter can widen it.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disclosure.models import Channel
from requests_app.models import ApplicantType, DisclosureRequest
from requests_app.workflow import OPEN, Status


class RequestFilter(django_filters.FilterSet):
    """Filters of the staff case list. Date bounds are inclusive."""

    state = django_filters.ChoiceFilter(
        field_name="status", choices=Status.choices, label=_("状态")
    )
    agency = django_filters.CharFilter(
        field_name="agency__code", label=_("机关代码（仅本机关，不含下级机关）")
    )
    clerk = django_filters.CharFilter(
        method="filter_clerk", label=_("经办人（用户名或用户 id）")
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("申请方式"))
    applicant_type = django_filters.ChoiceFilter(
        choices=ApplicantType.choices, label=_("申请人类型")
    )
    due_after = django_filters.DateFilter(
        field_name="due_on", lookup_expr="gte", label=_("答复期限不早于（含）")
    )
    due_before = django_filters.DateFilter(
        field_name="due_on", lookup_expr="lte", label=_("答复期限不晚于（含）")
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("已超期（未办结且答复期限早于今天）")
    )
    received_from = django_filters.DateFilter(
        field_name="received_on", lookup_expr="gte", label=_("收到日期自（含）")
    )
    received_to = django_filters.DateFilter(
        field_name="received_on", lookup_expr="lte", label=_("收到日期至（含）")
    )
    q = django_filters.CharFilter(method="filter_text", label=_("编号或申请内容包含"))

    class Meta:
        model = DisclosureRequest
        fields: list[str] = []

    def filter_clerk(
        self, queryset: QuerySet[DisclosureRequest], name: str, value: str
    ) -> QuerySet[DisclosureRequest]:
        value = value.strip()
        condition = Q(assigned_to__username=value)
        if value.isdecimal():
            condition |= Q(assigned_to_id=int(value))
        return queryset.filter(condition)

    def filter_overdue(
        self, queryset: QuerySet[DisclosureRequest], name: str, value: bool | None
    ) -> QuerySet[DisclosureRequest]:
        # Overdue is a fact about the deadline on the day of asking, never a stored
        # status; cases paused without a due date are not overdue.
        if value is None:
            return queryset
        overdue = Q(status__in=OPEN, due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_text(
        self, queryset: QuerySet[DisclosureRequest], name: str, value: str
    ) -> QuerySet[DisclosureRequest]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__icontains=value) | Q(description__icontains=value)
        )
