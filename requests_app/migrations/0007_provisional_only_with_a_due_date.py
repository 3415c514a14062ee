"""Contract §3 flags due dates that reach into a provisional year; a case without a due
date (waiting for a supplement, a running pause) is no longer flagged. Rows saved under
the earlier rule are corrected here rather than at their next transition."""

from django.db import migrations


def unflag_cases_without_a_due_date(apps, schema_editor):
    DisclosureRequest = apps.get_model("requests_app", "DisclosureRequest")
    DisclosureRequest.objects.filter(due_on__isnull=True, provisional=True).update(
        provisional=False
    )


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0006_ledger_change")]

    operations = [
        migrations.RunPython(unflag_cases_without_a_due_date, migrations.RunPython.noop)
    ]
