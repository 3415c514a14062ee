"""Fill the configured PostgreSQL database with a realistic city, fast (COPY, not the ORM):
agencies in a tree, applications over five years with every outcome, pauses and
extensions, publications and appeals. Due dates come from the real clock engine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench \
        .venv/bin/python bench/generate.py --requests 100000 --agencies 200
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

# bench/calendar.py would shadow the standard library module: run from the root.
sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from disclosure.selectors import calendar_get  # noqa: E402
from requests_app import deadlines  # noqa: E402
from requests_app.outcomes import OUTCOMES  # noqa: E402

FIRST_DAY = date(2021, 1, 1)
LAST_DAY = date(2025, 12, 31)
REPLY_OUTCOMES = [
    code
    for code in OUTCOMES
    if code not in {"other.no_supplement", "other.fee_unpaid", "other.withdrawn"}
]
APPLICANT_TYPES = [
    ("natural_person", 80),
    ("enterprise", 8),
    ("research_institution", 2),
    ("public_interest_org", 2),
    ("legal_service_org", 4),
    ("other_org", 4),
]
CHANNELS = [
    ("online", 70),
    ("letter", 15),
    ("in_person", 8),
    ("email", 4),
    ("fax", 2),
    ("other", 1),
]
CATEGORIES = [
    "regulation", "normative_document", "organisation", "plan", "fiscal",
    "government_decision", "licensing", "penalty", "coercion", "fees",
    "procurement", "statistics", "personnel", "other",
]  # fmt: skip
PUBLICATION_CHANNELS = ["website", "weibo", "wechat", "newspaper", "bulletin", "other"]
NOW = "2026-01-05 09:00:00+08"


def weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def cell(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def copy(table: str, columns: list[str], rows) -> int:
    buffer = io.StringIO()
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for row in rows:
            buffer.write("\t".join(cell(v) for v in row))
            buffer.write("\n")
            count += 1
            if count % 50000 == 0:
                buffer.seek(0)
                raw.copy_expert(
                    f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer
                )
                buffer = io.StringIO()
        buffer.seek(0)
        raw.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
    return count


def truncate() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE requests_app_appeal, requests_app_consultation, "
            "requests_app_requestevent, requests_app_letter, requests_app_notification, "
            "requests_app_disclosurerequest, requests_app_applicant, "
            "requests_app_counter, disclosure_publicationposting, "
            "disclosure_publicationattachment, disclosure_publication, "
            "disclosure_annualstatistics, disclosure_staffmembership, "
            "reports_reportfile, reports_annualreport, disclosure_agency CASCADE"
        )


def agencies(n: int) -> list[tuple[int, str, str]]:
    """A city government, districts under it, departments under the districts."""
    rows = [(1, "CITY", None, "/CITY/", "某市人民政府")]
    districts = max(1, round((n - 1) ** 0.5 / 1.2))
    for d in range(districts):
        rows.append(
            (
                len(rows) + 1,
                f"D{d:02d}",
                1,
                f"/CITY/D{d:02d}/",
                f"某市第{d + 1}区人民政府",
            )
        )
    district_rows = rows[1:]
    i = 0
    while len(rows) < n:
        parent = district_rows[i % len(district_rows)]
        code = f"{parent[1]}-{i:03d}"
        rows.append(
            (
                len(rows) + 1,
                code,
                parent[0],
                f"{parent[3]}{code}/",
                f"{parent[4]}部门{i}",
            )
        )
        i += 1
    copy(
        "disclosure_agency",
        ["id", "created_at", "updated_at", "code", "name", "parent_id", "path",
         "accepted_channels", "supplement_period_days", "letter_prefix", "address",
         "postcode", "phone", "email", "website"],
        (
            (id_, NOW, NOW, code, name, parent, path,
             '["online", "letter", "in_person", "email", "fax", "other"]', 15,
             f"{code}公开", "", "", "", "", "")
            for id_, code, parent, path, name in rows
        ),
    )  # fmt: skip
    return [(id_, code, path) for id_, code, _, path, _ in rows]


def random_weekday(rng: random.Random, start: date, end: date) -> date:
    span = (end - start).days
    while True:
        day = start + timedelta(days=rng.randint(0, span))
        if day.weekday() < 5:
            return day


def requests(n: int, agency_rows, rng: random.Random) -> tuple[int, list[int]]:
    calendar = calendar_get()
    leaf_ids = [a for a in agency_rows if a[2].count("/") > 2] or agency_rows
    applicants = max(1000, n // 20)
    copy(
        "requests_app_applicant",
        ["id", "created_at", "updated_at", "applicant_type", "name", "id_type",
         "id_number_encrypted", "id_number_hash", "id_number_masked", "contact_person",
         "phone", "email", "address", "postcode"],
        ((i, NOW, NOW, weighted(rng, APPLICANT_TYPES), f"申请人{i}", "", "", "", "",
          "", "", "", "", "") for i in range(1, applicants + 1)),
    )  # fmt: skip
    serials: dict[tuple[int, int], int] = {}
    consultations: list[tuple] = []
    closed_ids: list[int] = []
    columns = [
        "id", "created_at", "updated_at", "agency_id", "reference", "year", "serial",
        "query_code", "applicant_id", "applicant_type", "channel", "received_on",
        "receipt_note", "description", "formats", "delivery", "status", "due_on",
        "provisional", "remaining_workdays", "clock_explanation", "clock_steps",
        "supplement_notice_due_on", "supplement_requested_on", "supplement_received_on",
        "supplement_period_days", "supplement_notice_late", "supplement_items",
        "extended", "extended_on", "delayed_due_on", "fee_method", "fee_amount_yuan",
        "fee_notice_on", "fee_paid_on", "outcome", "outcome_basis", "reasons",
        "competent_agency_name", "closed_on", "on_time",
    ]  # fmt: skip

    def rows():
        for request_id in range(1, n + 1):
            agency_id, code, _ = leaf_ids[rng.randrange(len(leaf_ids))]
            received_on = random_weekday(rng, FIRST_DAY, LAST_DAY)
            year = received_on.year
            serial = serials[agency_id, year] = serials.get((agency_id, year), 0) + 1
            applicant_id = rng.randint(1, applicants)
            applicant_type = weighted(rng, APPLICANT_TYPES)
            roll = rng.random()
            sup_req = sup_rec = fee_notice = fee_paid = None
            extended = False
            pauses = []
            if roll < 0.10:
                sup_req = calendar.add_workdays(received_on, 3)
                if rng.random() < 0.8:
                    sup_rec = calendar.add_workdays(sup_req, rng.randint(1, 10))
            elif roll < 0.15:
                start = calendar.add_workdays(received_on, 5)
                end = calendar.add_workdays(start, rng.randint(3, 15))
                pauses.append(
                    deadlines.Pause(deadlines.PauseKind.CONSULTATION, start, end)
                )
                consultations.append((request_id, start, end))
            elif roll < 0.16:
                fee_notice = calendar.add_workdays(received_on, 4)
                if rng.random() < 0.7:
                    fee_paid = calendar.add_workdays(fee_notice, rng.randint(1, 15))
                pauses.append(
                    deadlines.Pause(deadlines.PauseKind.FEE, fee_notice, fee_paid)
                )
            if rng.random() < 0.03 and sup_req is None:
                extended = True
            clock = deadlines.compute_clock(
                deadlines.ClockInput(
                    received_on=received_on,
                    supplement_requested_on=sup_req,
                    supplement_received_on=sup_rec,
                    pauses=tuple(pauses),
                    extended=extended,
                ),
                calendar,
            )
            status, outcome, closed_on = "in_progress", "", None
            recent = received_on > LAST_DAY - timedelta(days=45)
            if sup_req and not sup_rec:
                _, lapse_on = deadlines.supplement_lapse(sup_req, 15, calendar)
                if lapse_on <= LAST_DAY:
                    status, outcome, closed_on = (
                        "closed",
                        "other.no_supplement",
                        lapse_on,
                    )
                else:
                    status = "awaiting_supplement"
            elif fee_notice and not fee_paid:
                _, lapse_on = deadlines.fee_lapse(fee_notice, calendar)
                if lapse_on <= LAST_DAY:
                    status, outcome, closed_on = "closed", "other.fee_unpaid", lapse_on
                else:
                    status = "awaiting_fee"
            elif not (recent and rng.random() < 0.6):
                start = sup_rec or received_on
                closed_on = calendar.add_workdays(
                    start,
                    max(1, min(rng.randint(3, 22), (clock.due_on - start).days + 2)),
                )
                if rng.random() < 0.02:
                    outcome = "other.withdrawn"
                else:
                    outcome = rng.choice(REPLY_OUTCOMES)
                status = "closed"
                if closed_on > LAST_DAY:
                    status, outcome, closed_on = "in_progress", "", None
            on_time = (
                deadlines.is_on_time(closed_on=closed_on, due_on=clock.due_on)
                if closed_on
                else None
            )
            if closed_on:
                closed_ids.append(request_id)
            yield (
                request_id, NOW, NOW, agency_id, f"{code}-{year}-{serial:05d}", year, serial,
                f"q{request_id:012d}{rng.getrandbits(64):016x}", applicant_id, applicant_type,
                weighted(rng, CHANNELS), received_on, "", "申请公开有关信息", '["electronic"]',
                '["email"]', status, clock.due_on, clock.provisional, clock.remaining_workdays,
                "", "[]", calendar.add_workdays(received_on, 7), sup_req, sup_rec,
                15 if sup_req else None, False, "", extended,
                received_on + timedelta(days=10) if extended else None, None,
                "per_item" if fee_notice else "", "200.00" if fee_notice else None,
                fee_notice, fee_paid, outcome, OUTCOMES[outcome].basis if outcome else "",
                "理由" if outcome.startswith(("refused", "partial")) else "",
                "某机关" if outcome == "unavailable.other_agency" else "", closed_on, on_time,
            )  # fmt: skip

    count = copy("requests_app_disclosurerequest", columns, rows())
    copy(
        "requests_app_consultation",
        ["created_at", "updated_at", "request_id", "party", "started_on", "reply_due_on", "ended_on"],
        ((NOW, NOW, rid, "第三方", s, calendar.add_workdays(s, 15), e) for rid, s, e in consultations),
    )  # fmt: skip
    counters = ((aid, year, "request", last) for (aid, year), last in serials.items())
    copy("requests_app_counter", ["agency_id", "year", "kind", "last"], counters)
    return count, closed_ids


def publications(n: int, agency_rows, rng: random.Random) -> int:
    postings = []

    def rows():
        for pid in range(1, n + 1):
            agency_id = agency_rows[rng.randrange(len(agency_rows))][0]
            published = random_weekday(rng, FIRST_DAY, LAST_DAY)
            issued = published - timedelta(days=rng.randint(0, 40))
            category = rng.choice(CATEGORIES)
            repealed = (
                published + timedelta(days=rng.randint(100, 900))
                if category in {"regulation", "normative_document"}
                and rng.random() < 0.2
                else None
            )
            for channel in rng.sample(PUBLICATION_CHANNELS, rng.randint(1, 2)):
                postings.append((pid, channel, published))
            yield (pid, NOW, NOW, agency_id, f"IDX-{pid:08d}", f"关于第{pid}号事项的公告",
                   f"某发〔{published.year}〕{pid % 97}号", category, rng.random() < 0.15,
                   issued, published, repealed, "")  # fmt: skip

    count = copy(
        "disclosure_publication",
        ["id", "created_at", "updated_at", "agency_id", "reference", "title",
         "document_number", "category", "key_area", "issued_on", "published_on",
         "repealed_on", "summary"],
        rows(),
    )  # fmt: skip
    copy(
        "disclosure_publicationposting",
        ["publication_id", "channel", "posted_on", "url"],
        ((pid, ch, day, "") for pid, ch, day in postings),
    )
    return count


def appeals(n: int, agency_rows, closed_ids: list[int], rng: random.Random) -> int:
    kinds = [
        "reconsideration",
        "litigation_direct",
        "litigation_after_reconsideration",
        "complaint",
    ]

    def rows():
        for aid in range(1, n + 1):
            agency_id = agency_rows[rng.randrange(len(agency_rows))][0]
            filed = random_weekday(rng, FIRST_DAY, LAST_DAY)
            decided = (
                filed + timedelta(days=rng.randint(20, 200))
                if rng.random() < 0.8
                else None
            )
            result = rng.choice(["upheld", "corrected", "other"]) if decided else ""
            yield (NOW, NOW, agency_id, f"AP-{aid:06d}", rng.choice(kinds), filed, "",
                   None, result, decided, "", "")  # fmt: skip

    return copy(
        "requests_app_appeal",
        ["created_at", "updated_at", "agency_id", "reference", "kind", "filed_on", "body",
         "request_id", "result", "decided_on", "notes", "document"],
        rows(),
    )  # fmt: skip


def reset_sequences() -> None:
    with connection.cursor() as cursor:
        for table in (
            "disclosure_agency", "requests_app_applicant", "requests_app_disclosurerequest",
            "disclosure_publication",
        ):  # fmt: skip
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        cursor.execute("ANALYZE")


def generate(*, requests_count: int, agencies_count: int, publications_count: int,
             appeals_count: int, seed: int = 42) -> dict[str, float]:  # fmt: skip
    if connection.vendor != "postgresql":
        raise SystemExit(
            "bench/generate.py needs PostgreSQL: set DATABASE_URL=postgres://…"
        )
    rng = random.Random(seed)
    started = time.perf_counter()
    truncate()
    agency_rows = agencies(agencies_count)
    count, closed_ids = requests(requests_count, agency_rows, rng)
    publications(publications_count, agency_rows, rng)
    appeals(appeals_count, agency_rows, closed_ids, rng)
    reset_sequences()
    return {"requests": count, "seconds": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--publications", type=int, default=50_000)
    parser.add_argument("--appeals", type=int, default=5_000)
    args = parser.parse_args()
    result = generate(
        requests_count=args.requests, agencies_count=args.agencies,
        publications_count=args.publications, appeals_count=args.appeals,
    )  # fmt: skip
    print(json.dumps(result))


if __name__ == "__main__":
    main()
