"""Appeals (行政复议、行政诉讼、投诉举报) about the agency's disclosure work: services and
selectors. Report table 四 counts them by kind and result (contract §1.4, §4.3): a
result counts once decided (``decided_on`` by the year's end); an appeal without a
result, or without its decision date, is pending (尚未审结).

Staff entering an appeal give a result and its decision date together; a ledger
(contract §5.3) may hold one without the other, and is taken as the contract reads it.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext

from disclosure.access import staff_scope
from disclosure.exceptions import ApplicationError, NotFound
from disclosure.models import Agency, User
from requests_app.models import Appeal, AppealKind, AppealResult, DisclosureRequest

_EDITABLE = frozenset(
    {
        "reference",
        "kind",
        "filed_on",
        "result",
        "decided_on",
        "request",
        "body",
        "notes",
    }
)


def appeal_validate(
    *,
    reference: str,
    kind: str,
    filed_on: date | None,
    result: str = "",
    decided_on: date | None = None,
    agency: Agency | None = None,
    request: DisclosureRequest | None = None,
    decision_pairs: bool = True,
) -> dict[str, str]:
    """Every problem with an appeal's fields, by field (empty when valid).

    ``decision_pairs`` asks for a result and its decision date together, as staff
    enter them. The contract does not (§4.3: without both the appeal is pending), so
    a ledger import passes False."""
    errors: dict[str, str] = {}
    if not reference.strip():
        errors["reference"] = gettext("请填写编号。")
    elif len(reference.strip()) > 100:
        errors["reference"] = gettext("过长（最多100个字符）。")
    if kind not in AppealKind.values:
        errors["kind"] = gettext("未知的类型“%(kind)s”。") % {"kind": kind}
    if result and result not in AppealResult.values:
        errors["result"] = gettext("未知的结果“%(result)s”（空表示尚未审结）。") % {
            "result": result
        }
    if filed_on is None:
        errors["filed_on"] = gettext("请填写申请或起诉日期。")
    if decided_on is not None:
        if filed_on is not None and decided_on < filed_on:
            errors["decided_on"] = gettext(
                "决定或判决日期不能早于申请或起诉日期（%(filed_on)s）。"
            ) % {"filed_on": filed_on.isoformat()}
        elif decision_pairs and not result and "result" not in errors:
            errors["result"] = gettext("已填写决定日期，必须填写结果。")
    elif decision_pairs and result and "result" not in errors:
        errors["decided_on"] = gettext("已填写结果，必须填写决定或判决日期。")
    if request is not None and agency is not None and request.agency_id != agency.pk:
        errors["request"] = gettext("关联申请不属于该机关。")
    return errors


def _raise_first(errors: dict[str, str]) -> None:
    if errors:
        field, message = next(iter(errors.items()))
        raise ApplicationError(message, field=field, extra={"errors": errors})


def _check_actor(actor: User | None, agency: Agency) -> None:
    if actor is not None and not staff_scope(actor).can_act_for(agency):
        raise NotFound(gettext("未找到该机关。"))


@transaction.atomic
def appeal_create(
    *,
    agency: Agency,
    reference: str,
    kind: str,
    filed_on: date,
    result: str = "",
    decided_on: date | None = None,
    request: DisclosureRequest | None = None,
    body: str = "",
    notes: str = "",
    actor: User | None = None,
) -> Appeal:
    """Record an appeal; ``actor`` None is the system (imports, seed data)."""
    _check_actor(actor, agency)
    errors = appeal_validate(
        reference=reference,
        kind=kind,
        filed_on=filed_on,
        result=result,
        decided_on=decided_on,
        agency=agency,
        request=request,
    )
    if (
        "reference" not in errors
        and Appeal.objects.filter(agency=agency, reference=reference.strip()).exists()
    ):
        errors["reference"] = gettext("该机关已有相同编号的复议、诉讼或投诉。")
    _raise_first(errors)
    appeal = Appeal(
        agency=agency,
        reference=reference.strip(),
        kind=kind,
        filed_on=filed_on,
        result=result,
        decided_on=decided_on,
        request=request,
        body=body.strip(),
        notes=notes.strip(),
    )
    appeal.full_clean()
    appeal.save()
    return appeal


@transaction.atomic
def appeal_update(
    *, appeal: Appeal, actor: User | None = None, **fields: object
) -> Appeal:
    """Change an appeal's fields (for example its result once decided)."""
    unknown = sorted(set(fields) - _EDITABLE)
    if unknown:
        raise ApplicationError(
            gettext("不能修改的字段：%(fields)s") % {"fields": "、".join(unknown)},
            field=unknown[0],
        )
    locked = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("agency", "request")
        .get(pk=appeal.pk)
    )
    _check_actor(actor, locked.agency)
    for name, value in fields.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    errors = appeal_validate(
        reference=locked.reference,
        kind=locked.kind,
        filed_on=locked.filed_on,
        result=locked.result,
        decided_on=locked.decided_on,
        agency=locked.agency,
        request=locked.request,
        # An imported appeal may lack one of the two: asked for only when changed.
        decision_pairs=bool({"result", "decided_on"} & fields.keys()),
    )
    if (
        "reference" in fields
        and "reference" not in errors
        and Appeal.objects.filter(agency=locked.agency, reference=locked.reference)
        .exclude(pk=locked.pk)
        .exists()
    ):
        errors["reference"] = gettext("该机关已有相同编号的复议、诉讼或投诉。")
    _raise_first(errors)
    locked.full_clean()
    locked.save(update_fields=[*fields, "updated_at"])
    return locked


# --- selectors ----------------------------------------------------------------------------


def appeal_list_for_staff(*, actor: User | None) -> QuerySet[Appeal]:
    """The appeals of the agencies the user acts for, latest filed first."""
    scope = staff_scope(actor)
    if not scope.is_staff_of_anything:
        return Appeal.objects.none()
    return (
        Appeal.objects.filter(scope.agency_q())
        .select_related("agency", "request")
        .order_by("-filed_on", "-id")
    )


def appeal_get_for_staff(*, actor: User | None, appeal_id: int) -> Appeal:
    """One appeal the user may see; another agency's answers as missing."""
    try:
        return appeal_list_for_staff(actor=actor).get(pk=appeal_id)
    except (Appeal.DoesNotExist, ValueError, TypeError):
        raise NotFound(gettext("未找到该复议、诉讼或投诉。")) from None


def request_for_appeal(
    *, agency: Agency, reference: str, actor: User | None = None
) -> DisclosureRequest:
    """The agency's application with this reference, for linking an appeal to it;
    ApplicationError on ``request_reference`` when there is none (or not the user's)."""
    queryset = DisclosureRequest.objects.filter(agency=agency, reference=reference)
    if actor is not None:
        queryset = queryset.filter(staff_scope(actor).agency_q())
    try:
        return queryset.get()
    except DisclosureRequest.DoesNotExist:
        # Input to check, not an object asked for: a 400 on the field, not a 404.
        raise ApplicationError(
            gettext("该机关没有编号为“%(reference)s”的申请。")
            % {"reference": reference},
            field="request_reference",
        ) from None
