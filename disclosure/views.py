"""Public pages of the shared core: the home page (how to apply) and the catalogue of
proactively disclosed information (政府信息公开目录).

Thin views: they validate the query string, read, and render. The catalogue query lives
in :func:`publication_catalogue`, a typed read function like the selectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from disclosure.models import (
    Agency,
    Channel,
    Publication,
    PublicationAttachment,
    PublicationCategory,
)
from disclosure.uploads import download_name, sniff_stored

CATALOGUE_PAGE_SIZE = 20
TEXT_CONTENT_TYPE = "text/plain; charset=utf-8"


# --- home ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgencyChannels:
    """An agency and the application channels it accepts (申请方式, contract §1.1)."""

    agency: Agency
    channels: tuple[str, ...]


def agencies_with_channels() -> list[AgencyChannels]:
    """Every agency with the labels of the channels it accepts, in tree order."""
    labels = dict(Channel.choices)
    return [
        AgencyChannels(
            agency=agency,
            channels=tuple(
                str(labels[code])
                for code in Channel.values
                if code in (agency.accepted_channels or [])
            ),
        )
        for agency in Agency.objects.order_by("path")
    ]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """如何申请: channels, what to write, time limits, fees, and where to go next."""
    return render(request, "home.html", {"agencies": agencies_with_channels()})


# --- the catalogue ---------------------------------------------------------------------


class CatalogueFilterForm(forms.Form):
    """The catalogue's query string: ``q``, ``agency``, ``category``, ``year``,
    ``key_area``. An invalid value is ignored rather than refused."""

    q = forms.CharField(
        label=_("关键词"),
        required=False,
        max_length=200,
        help_text=_("按标题或文号搜索"),
        widget=forms.SearchInput(attrs={"placeholder": _("标题或文号")}),
    )
    agency = forms.ChoiceField(label=_("发布机关"), required=False)
    category = forms.ChoiceField(
        label=_("信息类别"),
        required=False,
        choices=[("", _("全部类别")), *PublicationCategory.choices],
    )
    year = forms.TypedChoiceField(label=_("发布年份"), required=False, coerce=int)
    key_area = forms.ChoiceField(
        label=_("重点领域"),
        required=False,
        choices=[("", _("全部")), ("1", _("仅重点领域")), ("0", _("非重点领域"))],
    )

    def __init__(
        self, *args, agencies: list[Agency], years: list[int], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [
            ("", _("全部机关")),
            *((agency.code, agency.name) for agency in agencies),
        ]
        self.fields["year"].choices = [
            ("", _("全部年份")),
            *((str(year), str(year)) for year in years),
        ]

    def filters(self) -> dict[str, object]:
        """The valid filters only, with empty ones left out."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: value
            for name, value in cleaned.items()
            if value not in ("", None) and name not in self.errors
        }


def publication_catalogue(
    *,
    q: str = "",
    agency: str = "",
    category: str = "",
    year: int | None = None,
    key_area: str = "",
) -> QuerySet[Publication]:
    """The published items matching every given filter, newest first.

    ``q`` matches the title, the document number (文号) or the index number (索引号),
    case-insensitively on SQLite and PostgreSQL alike. The year is the year of
    ``published_on`` (a range, so the agency/category + published_on indexes serve it).
    """
    queryset = Publication.objects.select_related("agency").order_by(
        "-published_on", "-id"
    )
    if q:
        queryset = queryset.filter(
            Q(title__icontains=q)
            | Q(document_number__icontains=q)
            | Q(reference__icontains=q)
        )
    if agency:
        queryset = queryset.filter(agency__code=agency)
    if category:
        queryset = queryset.filter(category=category)
    if year is not None:
        queryset = queryset.filter(
            published_on__gte=date(year, 1, 1), published_on__lte=date(year, 12, 31)
        )
    if key_area in ("0", "1"):
        queryset = queryset.filter(key_area=key_area == "1")
    return queryset


@require_GET
def publication_list(request: HttpRequest) -> HttpResponse:
    """主动公开目录: browse and search, 20 items a page; page links keep the filters."""
    agencies = list(Agency.objects.order_by("path").only("code", "name", "path"))
    years = [
        day.year for day in Publication.objects.dates("published_on", "year", "DESC")
    ]
    form = CatalogueFilterForm(request.GET or None, agencies=agencies, years=years)
    filters = form.filters() if form.is_bound else {}
    paginator = Paginator(publication_catalogue(**filters), CATALOGUE_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "disclosure/publication_list.html",
        {
            "form": form,
            "page": page,
            "paginator": paginator,
            "filtered": bool(filters),
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2),
        },
    )


@require_GET
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One item of the catalogue: index number, agency, document number, dates,
    where it was posted, and its attachments."""
    try:
        publication = (
            Publication.objects.select_related("agency")
            .prefetch_related("postings", "attachments")
            .get(pk=pk)
        )
    except Publication.DoesNotExist:
        return render(request, "disclosure/publication_not_found.html", status=404)
    return render(
        request,
        "disclosure/publication_detail.html",
        {
            "publication": publication,
            "postings": sorted(
                publication.postings.all(), key=lambda p: (p.posted_on, p.channel)
            ),
            "attachments": list(publication.attachments.all()),
        },
    )


@require_GET
def publication_attachment(
    request: HttpRequest, pk: int, attachment_id: int
) -> FileResponse:
    """An attachment of a published item: public like the item itself.

    Served with the type its content shows (not the one its name suggests), always as
    a download, under a name whose extension matches that type; a stored file that is
    not an allowed type goes out as ``application/octet-stream``.
    """
    try:
        attachment = PublicationAttachment.objects.get(
            pk=attachment_id, publication_id=pk
        )
        handle = attachment.file.open("rb")
    except (PublicationAttachment.DoesNotExist, FileNotFoundError, ValueError):
        raise Http404(_("未找到该附件。")) from None
    content_type = sniff_stored(handle, limit=settings.GONGKAI_MAX_ATTACHMENT_BYTES)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(attachment.file.name, content_type),
        content_type=TEXT_CONTENT_TYPE
        if content_type == "text/plain"
        else content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
