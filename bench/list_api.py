"""The staff list API page (50 rows, filters) on the generated city against a bare DRF
list of the same model, measured in one run: query counts, p95 latency and the ratio.

    DATABASE_URL=postgres://…/gongkai_bench .venv/bin/python bench/list_api.py
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run from the project root: bench/calendar.py must not shadow the standard library.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import time  # noqa: E402

from bench import _setup  # noqa: E402

_setup.django_setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework import generics, serializers  # noqa: E402
from rest_framework.pagination import PageNumberPagination  # noqa: E402
from rest_framework.permissions import IsAuthenticated  # noqa: E402
from rest_framework.test import APIRequestFactory, force_authenticate  # noqa: E402

from disclosure.models import Agency, StaffMembership, User  # noqa: E402
from requests_app.apis import RequestListCreateApi  # noqa: E402
from requests_app.models import DisclosureRequest  # noqa: E402

ROUNDS = 200
QUERY = {"state": "closed", "received_from": "2023-01-01", "page_size": 50}


class BarePagination(PageNumberPagination):
    page_size = 50


class BareSerializer(serializers.ModelSerializer):
    class Meta:
        model = DisclosureRequest
        fields = (
            "id", "reference", "agency", "applicant_type", "channel", "received_on",
            "status", "due_on", "provisional", "outcome", "closed_on", "on_time",
        )  # fmt: skip


class BareList(generics.ListAPIView):
    """What a minimal DRF list of the same rows costs: one agency, same filter."""

    permission_classes = (IsAuthenticated,)
    serializer_class = BareSerializer
    pagination_class = BarePagination

    def get_queryset(self):
        agency_id = StaffMembership.objects.get(user=self.request.user).agency_id
        return DisclosureRequest.objects.filter(
            agency_id=agency_id, status="closed", received_on__gte="2023-01-01"
        ).order_by("-received_on", "-id")


def clerk_of_busiest_agency() -> User:
    agency = Agency.objects.filter(children__isnull=True).order_by("id").first()
    user, _ = User.objects.get_or_create(
        username="bench-clerk", defaults={"is_staff": True}
    )
    StaffMembership.objects.get_or_create(
        user=user, agency=agency, defaults={"role": "clerk"}
    )
    return user


def latencies(view, user, params) -> list[float]:
    factory = APIRequestFactory(SERVER_NAME="localhost")
    times = []
    for _ in range(ROUNDS):
        request = factory.get("/api/v1/requests/", params)
        force_authenticate(request, user=user)
        started = time.perf_counter()
        response = view(request)
        response.render()
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return times


def query_count(view, user, params) -> int:
    factory = APIRequestFactory(SERVER_NAME="localhost")
    request = factory.get("/api/v1/requests/", params)
    force_authenticate(request, user=user)
    with CaptureQueriesContext(connection) as queries:
        view(request).render()
    return len(queries)


def main() -> None:
    user = clerk_of_busiest_agency()
    ours = RequestListCreateApi.as_view()
    bare = BareList.as_view()
    small = query_count(ours, user, {**QUERY, "page_size": 5})
    full = query_count(ours, user, QUERY)
    verdict = "ok" if small == full else "MISSED"
    print(
        f"staff list API: {full} queries for 50 rows, {small} for 5 rows (target: constant) {verdict}"
    )
    latencies(ours, user, QUERY)  # warm up
    latencies(bare, user, {})
    ours_times = latencies(ours, user, QUERY)
    bare_times = latencies(bare, user, {})
    p95 = _setup.percentile(ours_times, 95) * 1000
    ratio = _setup.median(ours_times) / _setup.median(bare_times)
    total = DisclosureRequest.objects.count()
    print(
        f"staff list API page over {total:,} cases: p95 {p95:.1f} ms (target ≤ 50 ms) "
        f"{'ok' if p95 <= 50 else 'MISSED'}"
    )
    print(
        f"staff list API vs bare DRF list: median {_setup.median(ours_times) * 1000:.1f} ms "
        f"vs {_setup.median(bare_times) * 1000:.1f} ms · ratio {ratio:.2f}× (target ≤ 1.5×) "
        f"{'ok' if ratio <= 1.5 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
