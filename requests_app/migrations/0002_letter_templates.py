"""Seed the editable letter texts (LetterTemplate) from templates/letters/defaults.toml.

Rows that already exist are left as the office edited them; reversing removes the
seeded (kind, outcome) rows.
"""

import tomllib
from pathlib import Path

from django.db import migrations

DEFAULTS = (
    Path(__file__).resolve().parents[2] / "templates" / "letters" / "defaults.toml"
)


def _defaults():
    with DEFAULTS.open("rb") as handle:
        return tomllib.load(handle)["template"]


def seed(apps, schema_editor):
    LetterTemplate = apps.get_model("requests_app", "LetterTemplate")
    for row in _defaults():
        LetterTemplate.objects.get_or_create(
            kind=row["kind"],
            outcome=row["outcome"],
            defaults={"title": row["title"], "body": row["body"]},
        )


def unseed(apps, schema_editor):
    LetterTemplate = apps.get_model("requests_app", "LetterTemplate")
    for row in _defaults():
        LetterTemplate.objects.filter(kind=row["kind"], outcome=row["outcome"]).delete()


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
