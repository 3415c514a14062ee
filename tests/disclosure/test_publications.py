"""Proactive publications: the Art. 26 deadline with the real calendar, the services
with their postings, and the staff scoping of the selectors."""

from __future__ import annotations

from datetime import date

import pytest

from disclosure.calendar_seed import seed_calendar
from disclosure.exceptions import ApplicationError, NotFound
from disclosure.models import Publication, PublicationPosting
from disclosure.publications import (
    channels_normalise,
    publication_create,
    publication_due_on,
    publication_get_for_staff,
    publication_is_late,
    publication_list_for_staff,
    publication_list_public,
    publication_update,
    publication_validate,
)


@pytest.fixture(scope="module")
def calendar():
    return seed_calendar(provisional_years=(2027,))


# --- Art. 26, pure -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issued_on", "published_on", "late"),
    [
        pytest.param(
            date(2025, 9, 26), date(2025, 10, 30), False, id="golden_week_last_day"
        ),
        pytest.param(
            date(2025, 9, 26), date(2025, 10, 31), True, id="golden_week_day_after"
        ),
        # 2025-09-28 is a Sunday worked in exchange (调休): the 20th working day.
        pytest.param(
            date(2025, 9, 1), date(2025, 9, 28), False, id="makeup_sunday_counts"
        ),
        pytest.param(
            date(2025, 9, 1), date(2025, 9, 29), True, id="after_makeup_sunday"
        ),
        pytest.param(date(2025, 9, 1), date(2025, 9, 1), False, id="same_day"),
        pytest.param(None, date(2025, 12, 31), False, id="no_issue_date"),
    ],
)
def test_publication_is_late(calendar, issued_on, published_on, late):
    publication = Publication(
        reference="X",
        title="T",
        category="other",
        issued_on=issued_on,
        published_on=published_on,
    )
    assert publication_is_late(publication, calendar) is late


def test_publication_due_on(calendar):
    assert publication_due_on(date(2025, 9, 26), calendar) == date(2025, 10, 30)
    assert publication_due_on(date(2026, 12, 18), calendar) == date(2027, 1, 18)


def test_validate_lists_every_problem():
    assert publication_validate(
        reference=" ",
        title="",
        category="gossip",
        published_on=date(2025, 3, 1),
        issued_on=date(2025, 3, 2),
        repealed_on=date(2025, 3, 1),
        channels=["website", "fax"],
    ) == {
        "reference": "请填写索引号。",
        "title": "请填写标题。",
        "category": "未知的信息类别“gossip”。",
        "issued_on": "成文日期不能晚于发布日期。",
        "repealed_on": "废止日期不能早于成文日期（2025-03-02）。",
        "channels": "未知的发布渠道：fax",
    }


def test_repeal_is_measured_from_publication_without_issue_date():
    assert publication_validate(
        reference="R",
        title="T",
        category="regulation",
        published_on=date(2025, 3, 1),
        repealed_on=date(2025, 2, 28),
    ) == {"repealed_on": "废止日期不能早于发布日期（2025-03-01）。"}


def test_channels_normalise_keeps_contract_order_once():
    assert channels_normalise(["wechat", "website", "wechat"]) == ("website", "wechat")


# --- services ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_posts_on_each_channel(agency):
    publication = publication_create(
        agency=agency,
        reference="000014348/2025-00001",
        title="2025年部门预算",
        category="fiscal",
        published_on=date(2025, 2, 10),
        issued_on=date(2025, 1, 20),
        key_area=True,
        channels=["wechat", "website"],
    )
    assert list(
        PublicationPosting.objects.filter(publication=publication)
        .order_by("channel")
        .values_list("channel", "posted_on")
    ) == [("website", date(2025, 2, 10)), ("wechat", date(2025, 2, 10))]
    assert (publication.key_area, publication.issued_on) == (True, date(2025, 1, 20))


@pytest.mark.django_db
def test_create_refuses_duplicate_reference_and_bad_fields(agency, clerk):
    publication_create(
        agency=agency,
        reference="R-1",
        title="T",
        category="plan",
        published_on=date(2025, 1, 2),
    )
    with pytest.raises(ApplicationError) as duplicate:
        publication_create(
            agency=agency,
            reference="R-1",
            title="T2",
            category="plan",
            published_on=date(2025, 1, 3),
        )
    assert (duplicate.value.field, duplicate.value.message) == (
        "reference",
        "该机关已有相同索引号的主动公开信息。",
    )
    with pytest.raises(ApplicationError) as bad:
        publication_create(
            agency=agency,
            reference="R-2",
            title="T",
            category="regulation",
            published_on=date(2025, 1, 3),
            issued_on=date(2025, 1, 2),
            repealed_on=date(2024, 12, 31),
        )
    assert bad.value.field == "repealed_on"
    assert Publication.objects.count() == 1


@pytest.mark.django_db
def test_update_replaces_channels_and_moves_postings(agency, clerk):
    publication = publication_create(
        agency=agency,
        reference="R-1",
        title="T",
        category="plan",
        published_on=date(2025, 1, 2),
        channels=["website", "weibo"],
    )
    PublicationPosting.objects.filter(publication=publication, channel="weibo").update(
        posted_on=date(2025, 1, 5)
    )
    publication_update(
        publication=publication,
        actor=clerk,
        published_on=date(2025, 1, 3),
        title=" 新标题 ",
        channels=["weibo", "bulletin"],
    )
    publication.refresh_from_db()
    assert (publication.title, publication.published_on) == ("新标题", date(2025, 1, 3))
    assert list(
        publication.postings.order_by("channel").values_list("channel", "posted_on")
    ) == [("bulletin", date(2025, 1, 3)), ("weibo", date(2025, 1, 5))]


@pytest.mark.django_db
def test_update_by_another_agency_is_not_found(agency, other_clerk):
    publication = publication_create(
        agency=agency,
        reference="R-1",
        title="T",
        category="plan",
        published_on=date(2025, 1, 2),
    )
    with pytest.raises(NotFound):
        publication_update(publication=publication, actor=other_clerk, title="X")
    publication.refresh_from_db()
    assert publication.title == "T"


@pytest.mark.django_db
def test_update_refuses_unknown_field(agency):
    publication = publication_create(
        agency=agency,
        reference="R-1",
        title="T",
        category="plan",
        published_on=date(2025, 1, 2),
    )
    with pytest.raises(ApplicationError, match="不能修改的字段：agency"):
        publication_update(publication=publication, agency=agency)


# --- selectors ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_see_their_agencies_only(agency, other_agency, clerk, supervisor):
    mine = publication_create(
        agency=agency,
        reference="R-1",
        title="A",
        category="plan",
        published_on=date(2025, 1, 2),
    )
    theirs = publication_create(
        agency=other_agency,
        reference="R-1",
        title="B",
        category="plan",
        published_on=date(2025, 1, 3),
    )
    assert list(publication_list_for_staff(actor=clerk)) == [mine]
    assert list(publication_list_for_staff(actor=supervisor)) == [theirs, mine]
    with pytest.raises(NotFound):
        publication_get_for_staff(actor=clerk, publication_id=theirs.pk)
    assert list(publication_list_public(agency=agency, year=2025)) == [mine]
    assert list(publication_list_public(year=2024)) == []
