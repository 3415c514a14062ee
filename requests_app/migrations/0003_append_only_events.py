"""The event log is append-only in the database itself on PostgreSQL: a trigger refuses
UPDATE and DELETE on requests_app_requestevent (the code refuses them everywhere)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION gongkai_refuse_event_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'requests_app_requestevent is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS requestevent_append_only ON requests_app_requestevent;
CREATE TRIGGER requestevent_append_only
    BEFORE UPDATE OR DELETE ON requests_app_requestevent
    FOR EACH ROW EXECUTE FUNCTION gongkai_refuse_event_change();
DROP TRIGGER IF EXISTS requestevent_no_truncate ON requests_app_requestevent;
"""

DROP = """
DROP TRIGGER IF EXISTS requestevent_append_only ON requests_app_requestevent;
DROP FUNCTION IF EXISTS gongkai_refuse_event_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0002_letter_templates")]

    operations = [migrations.RunPython(forwards, backwards)]
