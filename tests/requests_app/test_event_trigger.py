"""On PostgreSQL the database itself refuses UPDATE and DELETE of event rows, even from
raw SQL that bypasses the model's guards."""

from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction

from requests_app.models import RequestEvent
from tests.factories import register


@pytest.mark.postgres
@pytest.mark.django_db
def test_trigger_refuses_update_and_delete(agency):
    case = register(agency, date(2025, 9, 26))
    event = RequestEvent.objects.get(request=case)
    for sql in (
        "UPDATE requests_app_requestevent SET kind = 'replied' WHERE id = %s",
        "DELETE FROM requests_app_requestevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.kind == "registered"
