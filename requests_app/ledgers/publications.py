"""The publications ledger (主动公开台账), contract §5.4.

Keyed by agency + ``reference`` (索引号). ``channels`` lists channel codes separated by
``;``; each becomes a posting dated on the publication date. The rules are those of
``disclosure.publications.publication_validate``, the same the staff API applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from disclosure.models import Agency, Publication, PublicationPosting
from disclosure.publications import channels_normalise, publication_validate
from disclosure.selectors import agencies_by_code
from requests_app.ledgers.history import facts_fields, field_changes, ledger_change
from requests_app.ledgers.parsing import (
    Column,
    ImportSummary,
    LedgerRefused,
    Progress,
    RowProblem,
    RowReader,
    Sheet,
    duplicate_keys,
    sheet_rows_read,
)
from requests_app.models import LedgerChange, LedgerRecordKind

BATCH_SIZE = 2000
CHANNEL_SEPARATOR = ";"
# Clerks type the list by hand: full-width and enumeration commas are read as ";" too.
_CHANNEL_SPLIT = re.compile(r"[;；,，、\s]+")

COLUMNS: tuple[Column, ...] = (
    Column("agency", "机关代码", required=True),
    Column("reference", "索引号", required=True),
    Column("title", "标题", required=True),
    Column("category", "类别", required=True),
    Column("key_area", "重点领域"),
    Column("published_on", "发布日期", required=True),
    Column("issued_on", "成文日期"),
    Column("repealed_on", "废止日期"),
    Column("channels", "发布渠道"),
)
DERIVED: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PublicationFacts:
    title: str
    category: str
    key_area: bool
    published_on: date
    issued_on: date | None
    repealed_on: date | None
    channels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PublicationRow:
    number: int
    agency: Agency
    reference: str
    facts: PublicationFacts


def channels_parse(text: str) -> list[str]:
    return [code for code in _CHANNEL_SPLIT.split(text) if code]


def _row_read(reader: RowReader, agencies: dict[str, Agency]) -> PublicationRow | None:
    before = len(reader.problems)
    code = reader.text("agency", required=True)
    agency = agencies.get(code)
    if code and agency is None:
        reader.error("agency", f"未知的机关代码“{code}”。")
    reference = reader.text("reference", required=True)
    title = reader.text("title", required=True)
    category = reader.text("category", required=True)
    key_area = reader.flag("key_area")
    published_on = reader.date("published_on", required=True)
    issued_on = reader.date("issued_on")
    repealed_on = reader.date("repealed_on")
    channels = channels_parse(reader.row.get("channels"))
    bad_cells = {problem.column for problem in reader.problems[before:]}
    errors = publication_validate(
        reference=reference,
        title=title,
        category=category,
        published_on=published_on,
        issued_on=issued_on,
        repealed_on=repealed_on,
        channels=channels,
    )
    for column, message in errors.items():
        if column not in bad_cells:
            reader.error(column, message)
    if len(reader.problems) > before or agency is None or published_on is None:
        return None
    return PublicationRow(
        number=reader.number,
        agency=agency,
        reference=reference,
        facts=PublicationFacts(
            title=title,
            category=category,
            key_area=key_area,
            published_on=published_on,
            issued_on=issued_on,
            repealed_on=repealed_on,
            channels=channels_normalise(channels),
        ),
    )


def _facts_of(publication: Publication, channels: tuple[str, ...]) -> PublicationFacts:
    return PublicationFacts(
        title=publication.title,
        category=publication.category,
        key_area=publication.key_area,
        published_on=publication.published_on,
        issued_on=publication.issued_on,
        repealed_on=publication.repealed_on,
        channels=channels,
    )


def ledger_import_sheet(
    *,
    sheet: Sheet,
    dry_run: bool = False,
    progress: Progress | None = None,
    source: str = "",
) -> ImportSummary:
    """Import the publications ledger with its postings: all rows checked, then written
    in bulk; each changed row is recorded on its publication (a ``LedgerChange``)."""
    problems: list[RowProblem] = []
    agencies = agencies_by_code({row.get("agency") for row in sheet.rows})
    rows: list[PublicationRow] = sheet_rows_read(
        sheet,
        lambda reader: _row_read(reader, agencies),
        problems=problems,
        progress=progress,
    )
    for number, first in duplicate_keys(
        [(row.number, (row.get("agency"), row.get("reference"))) for row in sheet.rows]
    ).items():
        problems.append(
            RowProblem(number, "reference", f"机关和索引号与第{first}行重复。")
        )
    if problems:
        raise LedgerRefused(problems)

    stored = {
        (publication.agency_id, publication.reference): publication
        for publication in Publication.objects.filter(
            agency_id__in={row.agency.pk for row in rows},
            reference__in={row.reference for row in rows},
        )
    }
    postings: dict[int, dict[str, PublicationPosting]] = {}
    for posting in PublicationPosting.objects.filter(
        publication_id__in=[publication.pk for publication in stored.values()]
    ):
        postings.setdefault(posting.publication_id, {})[posting.channel] = posting

    new: list[tuple[Publication, tuple[str, ...]]] = []
    changed: list[tuple[Publication, date, PublicationFacts]] = []
    history: list[LedgerChange] = []
    unchanged = 0
    now = timezone.now()
    for row in rows:
        facts = row.facts
        publication = stored.get((row.agency.pk, row.reference))
        if publication is None:
            new.append(
                (
                    Publication(
                        agency=row.agency,
                        reference=row.reference,
                        title=facts.title,
                        category=facts.category,
                        key_area=facts.key_area,
                        published_on=facts.published_on,
                        issued_on=facts.issued_on,
                        repealed_on=facts.repealed_on,
                    ),
                    facts.channels,
                )
            )
            continue
        current = _facts_of(
            publication, channels_normalise(postings.get(publication.pk, {}))
        )
        if current == facts:
            unchanged += 1
            continue
        history.append(
            ledger_change(
                kind=LedgerRecordKind.PUBLICATION,
                agency=row.agency,
                record_id=publication.pk,
                reference=row.reference,
                row=row.number,
                changes=field_changes(facts_fields(current), facts_fields(facts)),
                source=source,
                now=now,
            )
        )
        old_published_on = publication.published_on
        publication.title = facts.title
        publication.category = facts.category
        publication.key_area = facts.key_area
        publication.published_on = facts.published_on
        publication.issued_on = facts.issued_on
        publication.repealed_on = facts.repealed_on
        publication.updated_at = now
        changed.append((publication, old_published_on, facts))
    summary = ImportSummary(
        kind="publications",
        created=len(new),
        updated=len(changed),
        unchanged=unchanged,
        dry_run=dry_run,
    )
    if dry_run or not (new or changed):
        return summary

    with transaction.atomic():
        Publication.objects.bulk_create(
            [publication for publication, _ in new], batch_size=BATCH_SIZE
        )
        to_create = [
            PublicationPosting(
                publication=publication,
                channel=channel,
                posted_on=publication.published_on,
            )
            for publication, channels in new
            for channel in channels
        ]
        Publication.objects.bulk_update(
            [publication for publication, _, _ in changed],
            [
                "title",
                "category",
                "key_area",
                "published_on",
                "issued_on",
                "repealed_on",
                "updated_at",
            ],
            batch_size=BATCH_SIZE,
        )
        drop = Q(pk__in=[])
        moved: list[PublicationPosting] = []
        for publication, old_published_on, facts in changed:
            kept = postings.get(publication.pk, {})
            gone = [channel for channel in kept if channel not in facts.channels]
            if gone:
                drop |= Q(publication_id=publication.pk, channel__in=gone)
            for channel in facts.channels:
                posting = kept.get(channel)
                if posting is None:
                    to_create.append(
                        PublicationPosting(
                            publication=publication,
                            channel=channel,
                            posted_on=publication.published_on,
                        )
                    )
                elif (
                    posting.posted_on == old_published_on
                    and old_published_on != publication.published_on
                ):
                    # An imported posting is dated on the publication date: it moves
                    # with it. A posting dated otherwise was entered on purpose.
                    posting.posted_on = publication.published_on
                    moved.append(posting)
        PublicationPosting.objects.filter(drop).delete()
        PublicationPosting.objects.bulk_update(
            moved, ["posted_on"], batch_size=BATCH_SIZE
        )
        PublicationPosting.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        LedgerChange.objects.bulk_create(history, batch_size=BATCH_SIZE)
    return summary
