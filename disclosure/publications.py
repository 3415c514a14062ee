"""Proactive publications (主动公开): the agency's disclosure catalogue, its postings on
each channel, and the Art. 26 publication deadline.

Art. 26 of the Regulation (国务院令第711号): information that must be disclosed of the
agency's own motion is published within 20 working days of being formed or changed.
The date a document is formed is its ``issued_on`` (成文日期); a publication later than
``WD(issued_on, 20)`` is late. Each (publication, channel) pair is one posting, the unit
the pre-2019 annual report counts (contract §1.5, §4.6).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Prefetch, QuerySet

from disclosure.access import staff_scope
from disclosure.calendars import WorkingDayCalendar
from disclosure.exceptions import ApplicationError, NotFound
from disclosure.models import (
    Agency,
    Publication,
    PublicationCategory,
    PublicationChannel,
    PublicationPosting,
    User,
)

PUBLICATION_DEADLINE_WORKDAYS = 20
"""Art. 26: published within 20 working days of being formed or changed."""

_TEXT_LIMITS = {"reference": 100, "title": 500, "document_number": 100}
_EDITABLE = frozenset(
    {
        "reference",
        "title",
        "document_number",
        "category",
        "key_area",
        "issued_on",
        "published_on",
        "repealed_on",
        "summary",
    }
)


# --- rules ------------------------------------------------------------------------------


def publication_due_on(issued_on: date, calendar: WorkingDayCalendar) -> date:
    """The last day to publish a document issued on ``issued_on`` (Art. 26)."""
    return calendar.add_workdays(issued_on, PUBLICATION_DEADLINE_WORKDAYS)


def publication_is_late(publication: Publication, calendar: WorkingDayCalendar) -> bool:
    """Whether the publication came out more than 20 working days after the document
    was issued (Art. 26). Without an issue date there is nothing to measure: not late."""
    if publication.issued_on is None:
        return False
    return publication.published_on > publication_due_on(
        publication.issued_on, calendar
    )


def channels_normalise(channels: Iterable[str]) -> tuple[str, ...]:
    """The channel codes once each, in the order of contract §1.5."""
    wanted = set(channels)
    return tuple(code for code in PublicationChannel.values if code in wanted)


def publication_validate(
    *,
    reference: str,
    title: str,
    category: str,
    published_on: date | None,
    issued_on: date | None = None,
    repealed_on: date | None = None,
    channels: Iterable[str] = (),
    document_number: str = "",
) -> dict[str, str]:
    """Every problem with a publication's fields, by field (empty when valid)."""
    errors: dict[str, str] = {}
    if not reference.strip():
        errors["reference"] = "请填写索引号。"
    if not title.strip():
        errors["title"] = "请填写标题。"
    for name, value in (
        ("reference", reference),
        ("title", title),
        ("document_number", document_number),
    ):
        if len(value.strip()) > _TEXT_LIMITS[name] and name not in errors:
            errors[name] = f"过长（最多{_TEXT_LIMITS[name]}个字符）。"
    if category not in PublicationCategory.values:
        errors["category"] = f"未知的信息类别“{category}”。"
    if published_on is None:
        errors["published_on"] = "请填写发布日期。"
    elif issued_on is not None and issued_on > published_on:
        errors["issued_on"] = "成文日期不能晚于发布日期。"
    if repealed_on is not None:
        start = issued_on or published_on
        if start is not None and repealed_on < start:
            label = "成文日期" if issued_on else "发布日期"
            errors["repealed_on"] = f"废止日期不能早于{label}（{start.isoformat()}）。"
    unknown = sorted(set(channels) - set(PublicationChannel.values))
    if unknown:
        errors["channels"] = "未知的发布渠道：" + "、".join(unknown)
    return errors


def _raise_first(errors: dict[str, str]) -> None:
    if errors:
        field, message = next(iter(errors.items()))
        raise ApplicationError(message, field=field, extra={"errors": errors})


def _check_actor(actor: User | None, agency: Agency) -> None:
    if actor is not None and not staff_scope(actor).can_act_for(agency):
        raise NotFound("未找到该机关。")


# --- services -----------------------------------------------------------------------------


@transaction.atomic
def publication_create(
    *,
    agency: Agency,
    reference: str,
    title: str,
    category: str,
    published_on: date,
    issued_on: date | None = None,
    repealed_on: date | None = None,
    key_area: bool = False,
    channels: Iterable[str] = (),
    document_number: str = "",
    summary: str = "",
    actor: User | None = None,
) -> Publication:
    """Add a publication to the catalogue with one posting per channel (posted on the
    publication date). ``actor`` None is the system (imports, seed data)."""
    _check_actor(actor, agency)
    channels = tuple(channels)
    errors = publication_validate(
        reference=reference,
        title=title,
        category=category,
        published_on=published_on,
        issued_on=issued_on,
        repealed_on=repealed_on,
        channels=channels,
        document_number=document_number,
    )
    if (
        "reference" not in errors
        and Publication.objects.filter(
            agency=agency, reference=reference.strip()
        ).exists()
    ):
        errors["reference"] = "该机关已有相同索引号的主动公开信息。"
    _raise_first(errors)
    publication = Publication(
        agency=agency,
        reference=reference.strip(),
        title=title.strip(),
        document_number=document_number.strip(),
        category=category,
        key_area=key_area,
        issued_on=issued_on,
        published_on=published_on,
        repealed_on=repealed_on,
        summary=summary.strip(),
    )
    publication.full_clean()
    publication.save()
    PublicationPosting.objects.bulk_create(
        PublicationPosting(
            publication=publication, channel=channel, posted_on=published_on
        )
        for channel in channels_normalise(channels)
    )
    return publication


@transaction.atomic
def publication_update(
    *,
    publication: Publication,
    actor: User | None = None,
    channels: Iterable[str] | None = None,
    **fields: object,
) -> Publication:
    """Change a publication's fields and, when ``channels`` is given, its postings:
    new channels are posted on the publication date, dropped ones are removed. A
    posting dated on the old publication date moves with it."""
    unknown = sorted(set(fields) - _EDITABLE)
    if unknown:
        raise ApplicationError(
            f"不能修改的字段：{'、'.join(unknown)}", field=unknown[0]
        )
    locked = (
        Publication.objects.select_for_update()
        .select_related("agency")
        .get(pk=publication.pk)
    )
    _check_actor(actor, locked.agency)
    old_published_on = locked.published_on
    for name, value in fields.items():
        if isinstance(value, str) and name != "summary":
            value = value.strip()
        setattr(locked, name, value)
    channel_list = tuple(channels) if channels is not None else None
    errors = publication_validate(
        reference=locked.reference,
        title=locked.title,
        category=locked.category,
        published_on=locked.published_on,
        issued_on=locked.issued_on,
        repealed_on=locked.repealed_on,
        channels=channel_list or (),
        document_number=locked.document_number,
    )
    if (
        "reference" in fields
        and "reference" not in errors
        and Publication.objects.filter(agency=locked.agency, reference=locked.reference)
        .exclude(pk=locked.pk)
        .exists()
    ):
        errors["reference"] = "该机关已有相同索引号的主动公开信息。"
    _raise_first(errors)
    locked.full_clean()
    locked.save(update_fields=[*fields, "updated_at"])
    if locked.published_on != old_published_on:
        locked.postings.filter(posted_on=old_published_on).update(
            posted_on=locked.published_on
        )
    if channel_list is not None:
        postings_replace(publication=locked, channels=channel_list)
    return locked


def postings_replace(*, publication: Publication, channels: Iterable[str]) -> None:
    """Make the publication's postings exactly ``channels``: keep those that stay (with
    their dates and links), add the new ones on the publication date."""
    wanted = channels_normalise(channels)
    existing = set(publication.postings.values_list("channel", flat=True))
    publication.postings.exclude(channel__in=wanted).delete()
    PublicationPosting.objects.bulk_create(
        PublicationPosting(
            publication=publication, channel=channel, posted_on=publication.published_on
        )
        for channel in wanted
        if channel not in existing
    )


# --- selectors ----------------------------------------------------------------------------


def _with_postings(queryset: QuerySet[Publication]) -> QuerySet[Publication]:
    return queryset.select_related("agency").prefetch_related(
        Prefetch("postings", queryset=PublicationPosting.objects.order_by("channel"))
    )


def publication_list_for_staff(*, actor: User | None) -> QuerySet[Publication]:
    """The publications of the agencies the user acts for, newest first."""
    scope = staff_scope(actor)
    if not scope.is_staff_of_anything:
        return Publication.objects.none()
    return _with_postings(
        Publication.objects.filter(scope.agency_q()).order_by("-published_on", "-id")
    )


def publication_get_for_staff(
    *, actor: User | None, publication_id: int
) -> Publication:
    """One publication the user may see; another agency's answers as missing."""
    try:
        return publication_list_for_staff(actor=actor).get(pk=publication_id)
    except (Publication.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该主动公开信息。") from None


def publication_list_public(
    *,
    agency: Agency | None = None,
    year: int | None = None,
    category: str | None = None,
) -> QuerySet[Publication]:
    """The public catalogue (no login): everything published, newest first."""
    queryset = Publication.objects.all()
    if agency is not None:
        queryset = queryset.filter(agency__path__startswith=agency.path)
    if year is not None:
        queryset = queryset.filter(published_on__year=year)
    if category:
        queryset = queryset.filter(category=category)
    return _with_postings(queryset.order_by("-published_on", "-id"))


def publication_channels(publication: Publication) -> list[str]:
    """The channel codes of a publication (uses prefetched postings when there)."""
    return list(
        channels_normalise(posting.channel for posting in publication.postings.all())
    )
