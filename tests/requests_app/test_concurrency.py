"""Transitions lock the row: of 20 concurrent replies to one case exactly one wins and the
others are refused as conflicts (PostgreSQL; SQLite has no row locks)."""

import threading
from datetime import date

import pytest
from django.db import close_old_connections, connection

from disclosure.exceptions import Conflict
from requests_app.models import EventKind, RequestEvent
from requests_app.services import request_reply
from tests.factories import register

TODAY = date(2026, 11, 29)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_replies_exactly_one_wins(agency, clerk):
    case = register(agency, date(2025, 9, 26))
    barrier = threading.Barrier(20)
    results: list[str] = []
    lock = threading.Lock()

    def reply(outcome: str) -> None:
        close_old_connections()
        try:
            barrier.wait(timeout=10)
            request_reply(
                actor=clerk,
                request_id=case.pk,
                outcome=outcome,
                replied_on=date(2025, 10, 20),
                today=TODAY,
            )
            result = "won"
        except Conflict:
            result = "conflict"
        finally:
            connection.close()
        with lock:
            results.append(result)

    outcomes = ["disclosed", "unavailable.not_held"] * 10
    threads = [threading.Thread(target=reply, args=(o,)) for o in outcomes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == ["conflict"] * 19 + ["won"]
    assert (
        RequestEvent.objects.filter(request=case, kind=EventKind.REPLIED).count() == 1
    )
    case.refresh_from_db()
    assert case.closed_on == date(2025, 10, 20)
