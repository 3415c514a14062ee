"""The appeals ledger (行政复议、行政诉讼、投诉举报台账), contract §5.3.

Keyed by agency + ``reference``; ``request_reference`` names the agency's application
the appeal is about. An application the product does not hold (a paper case never
imported, say) leaves the appeal unlinked: the report (§4.3) does not need the link.
The rules are those of ``requests_app.appeals.appeal_validate``, the same the staff
API applies, except that a result and its decision date need not come together: §1.4
and §4.3 count an appeal without a result, or without its decision date, as pending
(尚未审结). Each changed row is recorded on its appeal (a ``LedgerChange``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from disclosure.models import Agency
from disclosure.selectors import agencies_by_code
from requests_app.appeals import appeal_validate
from requests_app.ledgers.history import field_changes, ledger_change
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
from requests_app.models import (
    Appeal,
    DisclosureRequest,
    LedgerChange,
    LedgerRecordKind,
)

BATCH_SIZE = 2000

COLUMNS: tuple[Column, ...] = (
    Column("agency", "机关代码", required=True),
    Column("reference", "编号", required=True),
    Column("kind", "类型", required=True),
    Column("filed_on", "申请或起诉日期", required=True),
    Column("result", "结果"),
    Column("decided_on", "决定或判决日期"),
    Column("request_reference", "关联申请编号"),
)
DERIVED: tuple[str, ...] = ()
# appeal_validate names the linked application "request"; the ledger column differs.
_COLUMN_OF_FIELD = {"request": "request_reference"}


@dataclass(frozen=True, slots=True)
class AppealFacts:
    kind: str
    filed_on: date
    result: str
    decided_on: date | None
    request_id: int | None


@dataclass(frozen=True, slots=True)
class AppealRow:
    number: int
    agency: Agency
    reference: str
    request_reference: str
    facts: AppealFacts


def _requests_by_reference(sheet: Sheet, agencies: dict[str, Agency]) -> dict:
    references = {row.get("request_reference") for row in sheet.rows} - {""}
    if not references:
        return {}
    return {
        (agency_id, reference): pk
        for pk, agency_id, reference in DisclosureRequest.objects.filter(
            agency_id__in=[agency.pk for agency in agencies.values()],
            reference__in=references,
        ).values_list("pk", "agency_id", "reference")
    }


def _row_read(
    reader: RowReader, agencies: dict[str, Agency], requests: dict
) -> AppealRow | None:
    before = len(reader.problems)
    code = reader.text("agency", required=True)
    agency = agencies.get(code)
    if code and agency is None:
        reader.error("agency", f"未知的机关代码“{code}”。")
    reference = reader.text("reference", required=True)
    kind = reader.text("kind", required=True)
    filed_on = reader.date("filed_on", required=True)
    result = reader.text("result")
    decided_on = reader.date("decided_on")
    request_reference = reader.text("request_reference")
    request_id = None
    if request_reference and agency is not None:
        # None (unlinked) when the agency has no application of that reference.
        request_id = requests.get((agency.pk, request_reference))
    bad_cells = {problem.column for problem in reader.problems[before:]}
    errors = appeal_validate(
        reference=reference,
        kind=kind,
        filed_on=filed_on,
        result=result,
        decided_on=decided_on,
        decision_pairs=False,
    )
    for field, message in errors.items():
        column = _COLUMN_OF_FIELD.get(field, field)
        if column not in bad_cells:
            reader.error(column, message)
    if len(reader.problems) > before or agency is None or filed_on is None:
        return None
    return AppealRow(
        number=reader.number,
        agency=agency,
        reference=reference,
        request_reference=request_reference,
        facts=AppealFacts(
            kind=kind,
            filed_on=filed_on,
            result=result,
            decided_on=decided_on,
            request_id=request_id,
        ),
    )


def _recorded(facts: AppealFacts, request_reference: str) -> dict[str, object]:
    """The facts as a change records them: the linked application by its reference
    ("" when unlinked), not by its key."""
    return {
        "kind": facts.kind,
        "filed_on": facts.filed_on,
        "result": facts.result,
        "decided_on": facts.decided_on,
        "request_reference": request_reference,
    }


def ledger_import_sheet(
    *,
    sheet: Sheet,
    dry_run: bool = False,
    progress: Progress | None = None,
    source: str = "",
) -> ImportSummary:
    """Import the appeals ledger: all rows checked, then written in bulk; each changed
    row is recorded on its appeal."""
    problems: list[RowProblem] = []
    agencies = agencies_by_code({row.get("agency") for row in sheet.rows})
    requests = _requests_by_reference(sheet, agencies)
    rows: list[AppealRow] = sheet_rows_read(
        sheet,
        lambda reader: _row_read(reader, agencies, requests),
        problems=problems,
        progress=progress,
    )
    for number, first in duplicate_keys(
        [(row.number, (row.get("agency"), row.get("reference"))) for row in sheet.rows]
    ).items():
        problems.append(
            RowProblem(number, "reference", f"机关和编号与第{first}行重复。")
        )
    if problems:
        raise LedgerRefused(problems)
    stored = {
        (appeal.agency_id, appeal.reference): appeal
        for appeal in Appeal.objects.filter(
            agency_id__in={row.agency.pk for row in rows},
            reference__in={row.reference for row in rows},
        ).select_related("request")
    }
    new: list[Appeal] = []
    changed: list[Appeal] = []
    history: list[LedgerChange] = []
    unchanged = 0
    now = timezone.now()
    for row in rows:
        appeal = stored.get((row.agency.pk, row.reference))
        facts = row.facts
        if appeal is None:
            new.append(
                Appeal(
                    agency=row.agency,
                    reference=row.reference,
                    kind=facts.kind,
                    filed_on=facts.filed_on,
                    result=facts.result,
                    decided_on=facts.decided_on,
                    request_id=facts.request_id,
                )
            )
            continue
        current = AppealFacts(
            kind=appeal.kind,
            filed_on=appeal.filed_on,
            result=appeal.result,
            decided_on=appeal.decided_on,
            request_id=appeal.request_id,
        )
        if current == facts:
            unchanged += 1
            continue
        history.append(
            ledger_change(
                kind=LedgerRecordKind.APPEAL,
                agency=row.agency,
                record_id=appeal.pk,
                reference=row.reference,
                row=row.number,
                changes=field_changes(
                    _recorded(
                        current, appeal.request.reference if appeal.request else ""
                    ),
                    _recorded(facts, row.request_reference if facts.request_id else ""),
                ),
                source=source,
                now=now,
            )
        )
        appeal.kind = facts.kind
        appeal.filed_on = facts.filed_on
        appeal.result = facts.result
        appeal.decided_on = facts.decided_on
        appeal.request_id = facts.request_id
        appeal.updated_at = now
        changed.append(appeal)
    summary = ImportSummary(
        kind="appeals",
        created=len(new),
        updated=len(changed),
        unchanged=unchanged,
        dry_run=dry_run,
    )
    if not dry_run and (new or changed):
        with transaction.atomic():
            Appeal.objects.bulk_create(new, batch_size=BATCH_SIZE)
            Appeal.objects.bulk_update(
                changed,
                ["kind", "filed_on", "result", "decided_on", "request", "updated_at"],
                batch_size=BATCH_SIZE,
            )
            LedgerChange.objects.bulk_create(history, batch_size=BATCH_SIZE)
    return summary
