"""The applicant's identity number (个人信息, PIPL) is kept only as ciphertext: an
application submitted through the public API with a resident ID leaves the number in
no log record, no public or staff response (staff see it masked), no e-mail, no
generated letter, no ledger export and no database column in clear."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from rest_framework.authtoken.models import Token

from disclosure.identity import mask_id_number
from requests_app.crypto import decrypt, lookup_hash
from requests_app.models import Applicant, DisclosureRequest, Letter
from tests.factories import make_resident_id

PUBLIC_URL = "/api/v1/public/applications/"
ID_NUMBER = make_resident_id(2026, birth="19900307")
LEDGER_COLUMNS = [
    "agency",
    "reference",
    "received_on",
    "channel",
    "applicant_type",
    "applicant_name",
    "description",
    "supplement_requested_on",
    "supplement_received_on",
    "consultation_started_on",
    "consultation_ended_on",
    "extended",
    "fee_notice_on",
    "fee_amount_yuan",
    "fee_paid_on",
    "outcome",
    "closed_on",
    "due_on",
    "provisional",
    "on_time",
    "state",
]

pytestmark = pytest.mark.django_db


def application() -> dict[str, object]:
    return {
        "agency": "XCCG",
        "applicant_type": "natural_person",
        "name": "赵六",
        "id_type": "resident_id",
        # Lower-case check character: the stored forms must not leak either spelling.
        "id_number": ID_NUMBER.lower(),
        "phone": "13911112222",
        "email": "zhaoliu@example.com",
        "address": "北京市西城区德胜门外大街1号",
        "description": "请公开2026年西城区共享单车停放区设置清单",
        "formats": ["electronic"],
        "delivery": ["email"],
    }


def contains_id(text: str) -> bool:
    return ID_NUMBER in text.upper()


def database_cells_with_id() -> list[str]:
    """Every (table, column) of the whole database whose value holds the number."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 -- introspected
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "replace")
                    if value is not None and contains_id(str(value)):
                        found.append(f"{table}.{column}")
    return sorted(set(found))


def file_text(path: Path) -> str:
    """The text of a generated letter file (DOCX: its XML; PDF: pdftotext)."""
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as archive:
            return "".join(
                archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()
                if name.endswith(".xml")
            )
    if path.suffix == ".pdf" and shutil.which("pdftotext"):
        return subprocess.run(  # noqa: S603 -- fixed arguments
            ["pdftotext", str(path), "-"],  # noqa: S607 -- poppler-utils on PATH
            capture_output=True,
            check=True,
            encoding="utf-8",
        ).stdout
    return path.read_bytes().decode("utf-8", "replace")


def test_identity_number_is_never_in_clear(
    api_client,
    agency,
    clerk,
    caplog,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    caplog.set_level(logging.DEBUG)

    # when: a citizen applies online (and the acknowledgement task runs, eagerly)
    with django_capture_on_commit_callbacks(execute=True):
        created = api_client.post(PUBLIC_URL, application(), format="json")
    assert created.status_code == 201
    receipt = created.json()
    case = DisclosureRequest.objects.get(reference=receipt["reference"])

    # and: the applicant tracks it, staff list and open it, the ledger is exported
    tracking = api_client.get(f"{PUBLIC_URL}{receipt['query_code']}/")
    tracking_page = api_client.get(f"/track/{receipt['query_code']}/")
    staff = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=clerk).key}"}
    staff_list = api_client.get("/api/v1/requests/", **staff)
    staff_detail = api_client.get(f"/api/v1/requests/{case.pk}/", **staff)
    ledger = io.StringIO()
    call_command("export_ledger", "requests", stdout=ledger)

    # then: logs
    assert caplog.records, "nothing was logged at all: the capture is not working"
    assert [r.getMessage() for r in caplog.records if contains_id(r.getMessage())] == []
    assert not contains_id(caplog.text)

    # public views: not even the masked number, nor anything else of the applicant
    assert tracking.status_code == 200
    assert tracking_page.status_code == 200
    masked = mask_id_number(ID_NUMBER)
    for public in (tracking.content.decode(), tracking_page.content.decode()):
        assert not contains_id(public)
        assert masked not in public
        assert "赵六" not in public
        assert "13911112222" not in public

    # staff views: masked only
    assert masked == ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:]
    assert staff_list.json()["results"][0]["id_number_masked"] == masked
    assert staff_detail.json()["applicant"]["id_number_masked"] == masked
    assert not contains_id(staff_list.content.decode())
    assert not contains_id(staff_detail.content.decode())

    # the ledger has no identity column at all
    header, *rows = ledger.getvalue().lstrip("\ufeff").splitlines()
    assert header.split(",") == LEDGER_COLUMNS
    assert len(rows) == 1
    assert not contains_id(ledger.getvalue())

    # e-mail to the applicant and the acknowledgement letter
    assert [message.to for message in mail.outbox] == [["zhaoliu@example.com"]]
    assert not any(
        contains_id(message.subject + message.body) for message in mail.outbox
    )
    letter = Letter.objects.get(request=case, kind="acknowledgement")
    assert not contains_id(letter.body)
    letter_files = [
        Path(field.path) for field in (letter.docx, letter.pdf) if field.name
    ]
    assert [path.suffix for path in letter_files] == [".docx", ".pdf"]
    assert [path for path in letter_files if contains_id(file_text(path))] == []

    # the database: ciphertext, a keyed hash and the mask; the number nowhere in clear
    applicant = Applicant.objects.get()
    assert applicant.id_number_encrypted.startswith("gAAAAA")  # Fernet token
    assert decrypt(applicant.id_number_encrypted) == ID_NUMBER
    assert applicant.id_number_hash == lookup_hash("resident_id", ID_NUMBER)
    assert applicant.id_number_masked == masked
    assert database_cells_with_id() == []
