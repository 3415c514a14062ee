"""Staff API for the catalogue beside the applications: proactive publications
(主动公开) and appeals (行政复议、行政诉讼、投诉举报).

Thin: each view checks its input, calls one service or selector, and shapes the output.
Every object is scoped to the user's agencies through ``disclosure.access``: another
agency's publication or appeal answers 404, exactly as a missing one. Authentication is
the staff request API's, so an anonymous call answers 401 with
``WWW-Authenticate: Token`` here too.
"""

from __future__ import annotations

from typing import ClassVar

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from disclosure.access import staff_scope
from disclosure.exceptions import ApplicationError
from disclosure.models import (
    Agency,
    Publication,
    PublicationCategory,
    PublicationChannel,
    User,
)
from disclosure.publications import (
    publication_channels,
    publication_create,
    publication_due_on,
    publication_get_for_staff,
    publication_is_late,
    publication_list_for_staff,
    publication_update,
)
from disclosure.selectors import calendar_get
from requests_app.apis import STAFF_AUTHENTICATION
from requests_app.appeals import (
    appeal_create,
    appeal_get_for_staff,
    appeal_list_for_staff,
    appeal_update,
    request_for_appeal,
)
from requests_app.models import Appeal, AppealKind, AppealResult


class CatalogueApi(APIView):
    """A staff endpoint of the catalogue: token or session, like the request API."""

    authentication_classes = STAFF_AUTHENTICATION
    permission_classes: ClassVar[list] = [IsAuthenticated]


def _agency_for(user: User, code: str) -> Agency:
    """The agency with this code if the user acts for it; an unknown agency and another
    agency's code get the same answer."""
    agency = Agency.objects.filter(code=code).first()
    if agency is None or not staff_scope(user).can_act_for(agency):
        raise ApplicationError(f"未知的机关代码“{code}”。", field="agency")
    return agency


def _paginated(view: APIView, request: Request, queryset, serializer_class, **context):
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer_class(page, many=True, context=context).data
    return paginator.get_paginated_response(data)


def _page_of(name: str, item: serializers.Serializer) -> serializers.Serializer:
    """The OpenAPI shape of one page of a list (DRF's page-number pagination)."""
    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item,
        },
    )


class PostingSerializer(serializers.Serializer):
    channel = serializers.CharField()
    posted_on = serializers.DateField()
    url = serializers.CharField()


# --- publications ---------------------------------------------------------------------------


class PublicationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    reference = serializers.CharField(help_text=_("索引号"))
    title = serializers.CharField()
    document_number = serializers.CharField(help_text=_("文号"))
    category = serializers.ChoiceField(choices=PublicationCategory.choices)
    category_label = serializers.CharField(source="get_category_display")
    key_area = serializers.BooleanField(help_text=_("重点领域"))
    issued_on = serializers.DateField(allow_null=True, help_text=_("成文日期"))
    published_on = serializers.DateField(help_text=_("发布日期"))
    repealed_on = serializers.DateField(allow_null=True, help_text=_("废止日期"))
    summary = serializers.CharField()
    channels = serializers.SerializerMethodField()
    postings = PostingSerializer(many=True, source="postings.all")
    publish_due_on = serializers.SerializerMethodField(
        help_text=_("第二十六条：成文后20个工作日内公开的最后一日")
    )
    late = serializers.SerializerMethodField(
        help_text=_("是否晚于第二十六条的期限公开")
    )

    def get_channels(self, publication: Publication) -> list[str]:
        return publication_channels(publication)

    def get_publish_due_on(self, publication: Publication) -> str | None:
        if publication.issued_on is None:
            return None
        return publication_due_on(
            publication.issued_on, self.context["calendar"]
        ).isoformat()

    def get_late(self, publication: Publication) -> bool:
        return publication_is_late(publication, self.context["calendar"])


class PublicationFieldsSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=100)
    title = serializers.CharField(max_length=500)
    document_number = serializers.CharField(
        max_length=100, required=False, allow_blank=True
    )
    category = serializers.CharField(help_text="、".join(PublicationCategory.values))
    key_area = serializers.BooleanField(required=False, default=False)
    issued_on = serializers.DateField(required=False, allow_null=True)
    published_on = serializers.DateField()
    repealed_on = serializers.DateField(required=False, allow_null=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    channels = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="、".join(PublicationChannel.values),
    )


class PublicationCreateSerializer(PublicationFieldsSerializer):
    agency = serializers.CharField(help_text=_("机关代码"))


class PublicationFilterSerializer(serializers.Serializer):
    agency = serializers.CharField(required=False)
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2100)
    category = serializers.CharField(required=False)
    key_area = serializers.BooleanField(required=False, allow_null=True, default=None)


class PublicationListApi(CatalogueApi):
    @extend_schema(
        operation_id="publications_list",
        tags=["publications"],
        summary="主动公开信息列表",
        parameters=[
            OpenApiParameter("agency", str, description="机关代码"),
            OpenApiParameter("year", int, description="发布年度"),
            OpenApiParameter("category", str, description="信息类别"),
            OpenApiParameter("key_area", bool, description="重点领域"),
            OpenApiParameter("page", int),
        ],
        responses=_page_of("PublicationPage", PublicationOutputSerializer(many=True)),
    )
    def get(self, request: Request) -> Response:
        filters = PublicationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = publication_list_for_staff(actor=request.user)
        data = filters.validated_data
        if data.get("agency"):
            queryset = queryset.filter(agency__code=data["agency"])
        if data.get("year"):
            queryset = queryset.filter(published_on__year=data["year"])
        if data.get("category"):
            queryset = queryset.filter(category=data["category"])
        if data.get("key_area") is not None:
            queryset = queryset.filter(key_area=data["key_area"])
        return _paginated(
            self,
            request,
            queryset,
            PublicationOutputSerializer,
            calendar=calendar_get(),
        )

    @extend_schema(
        operation_id="publications_create",
        tags=["publications"],
        summary="新增主动公开信息",
        request=PublicationCreateSerializer,
        responses={201: PublicationOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = PublicationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        agency = _agency_for(request.user, data.pop("agency"))
        publication = publication_create(agency=agency, actor=request.user, **data)
        publication = publication_get_for_staff(
            actor=request.user, publication_id=publication.pk
        )
        body = PublicationOutputSerializer(
            publication, context={"calendar": calendar_get()}
        ).data
        return Response(body, status=status.HTTP_201_CREATED)


class PublicationDetailApi(CatalogueApi):
    @extend_schema(
        operation_id="publications_retrieve",
        tags=["publications"],
        summary="主动公开信息详情",
        responses=PublicationOutputSerializer,
    )
    def get(self, request: Request, publication_id: int) -> Response:
        publication = publication_get_for_staff(
            actor=request.user, publication_id=publication_id
        )
        return Response(
            PublicationOutputSerializer(
                publication, context={"calendar": calendar_get()}
            ).data
        )

    def _update(
        self, request: Request, publication_id: int, *, partial: bool
    ) -> Response:
        publication = publication_get_for_staff(
            actor=request.user, publication_id=publication_id
        )
        serializer = PublicationFieldsSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        channels = fields.pop("channels", None)
        publication_update(
            publication=publication, actor=request.user, channels=channels, **fields
        )
        return self.get(request, publication_id)

    @extend_schema(
        operation_id="publications_partial_update",
        tags=["publications"],
        summary="修改主动公开信息（部分字段）",
        request=PublicationFieldsSerializer,
        responses=PublicationOutputSerializer,
    )
    def patch(self, request: Request, publication_id: int) -> Response:
        return self._update(request, publication_id, partial=True)

    @extend_schema(
        operation_id="publications_update",
        tags=["publications"],
        summary="修改主动公开信息",
        request=PublicationFieldsSerializer,
        responses=PublicationOutputSerializer,
    )
    def put(self, request: Request, publication_id: int) -> Response:
        return self._update(request, publication_id, partial=False)


# --- appeals --------------------------------------------------------------------------------


class AppealOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    reference = serializers.CharField()
    kind = serializers.ChoiceField(choices=AppealKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    filed_on = serializers.DateField(help_text=_("申请或起诉日期"))
    body = serializers.CharField(help_text=_("复议机关或法院"))
    result = serializers.CharField(
        help_text=_("upheld、corrected、other；空表示尚未审结")
    )
    result_label = serializers.CharField(source="get_result_display")
    decided_on = serializers.DateField(allow_null=True)
    pending = serializers.SerializerMethodField(help_text=_("尚未审结"))
    request = serializers.IntegerField(source="request_id", allow_null=True)
    request_reference = serializers.SerializerMethodField()
    notes = serializers.CharField()

    def get_pending(self, appeal: Appeal) -> bool:
        return not appeal.result

    def get_request_reference(self, appeal: Appeal) -> str | None:
        return appeal.request.reference if appeal.request_id else None


class AppealFieldsSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=100)
    kind = serializers.CharField(help_text="、".join(AppealKind.values))
    filed_on = serializers.DateField()
    result = serializers.CharField(
        required=False, allow_blank=True, help_text="、".join(AppealResult.values)
    )
    decided_on = serializers.DateField(required=False, allow_null=True)
    request_reference = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text=_("关联申请的编号")
    )
    body = serializers.CharField(required=False, allow_blank=True, max_length=200)
    notes = serializers.CharField(required=False, allow_blank=True)


class AppealCreateSerializer(AppealFieldsSerializer):
    agency = serializers.CharField(help_text=_("机关代码"))


class AppealFilterSerializer(serializers.Serializer):
    agency = serializers.CharField(required=False)
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2100)
    kind = serializers.CharField(required=False)
    pending = serializers.BooleanField(required=False, allow_null=True, default=None)


def _appeal_fields(user: User, agency: Agency, data: dict) -> dict:
    """The service's fields from the API's: ``request_reference`` becomes the case."""
    if "request_reference" in data:
        reference = data.pop("request_reference") or ""
        data["request"] = (
            request_for_appeal(agency=agency, reference=reference, actor=user)
            if reference
            else None
        )
    return data


class AppealListApi(CatalogueApi):
    @extend_schema(
        operation_id="appeals_list",
        tags=["appeals"],
        summary="行政复议、行政诉讼、投诉举报列表",
        parameters=[
            OpenApiParameter("agency", str, description="机关代码"),
            OpenApiParameter("year", int, description="申请或起诉年度"),
            OpenApiParameter("kind", str, description="类型"),
            OpenApiParameter("pending", bool, description="尚未审结"),
            OpenApiParameter("page", int),
        ],
        responses=_page_of("AppealPage", AppealOutputSerializer(many=True)),
    )
    def get(self, request: Request) -> Response:
        filters = AppealFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        queryset = appeal_list_for_staff(actor=request.user)
        if data.get("agency"):
            queryset = queryset.filter(agency__code=data["agency"])
        if data.get("year"):
            queryset = queryset.filter(filed_on__year=data["year"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("pending") is not None:
            queryset = (
                queryset.filter(result="")
                if data["pending"]
                else queryset.exclude(result="")
            )
        return _paginated(self, request, queryset, AppealOutputSerializer)

    @extend_schema(
        operation_id="appeals_create",
        tags=["appeals"],
        summary="登记行政复议、行政诉讼或投诉举报",
        request=AppealCreateSerializer,
        responses={201: AppealOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = AppealCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        agency = _agency_for(request.user, data.pop("agency"))
        appeal = appeal_create(
            agency=agency,
            actor=request.user,
            **_appeal_fields(request.user, agency, data),
        )
        appeal = appeal_get_for_staff(actor=request.user, appeal_id=appeal.pk)
        return Response(
            AppealOutputSerializer(appeal).data, status=status.HTTP_201_CREATED
        )


class AppealDetailApi(CatalogueApi):
    @extend_schema(
        operation_id="appeals_retrieve",
        tags=["appeals"],
        summary="行政复议、行政诉讼或投诉举报详情",
        responses=AppealOutputSerializer,
    )
    def get(self, request: Request, appeal_id: int) -> Response:
        appeal = appeal_get_for_staff(actor=request.user, appeal_id=appeal_id)
        return Response(AppealOutputSerializer(appeal).data)

    def _update(self, request: Request, appeal_id: int, *, partial: bool) -> Response:
        appeal = appeal_get_for_staff(actor=request.user, appeal_id=appeal_id)
        serializer = AppealFieldsSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        fields = _appeal_fields(
            request.user, appeal.agency, dict(serializer.validated_data)
        )
        appeal_update(appeal=appeal, actor=request.user, **fields)
        return self.get(request, appeal_id)

    @extend_schema(
        operation_id="appeals_partial_update",
        tags=["appeals"],
        summary="修改行政复议、行政诉讼或投诉举报（部分字段）",
        request=AppealFieldsSerializer,
        responses=AppealOutputSerializer,
    )
    def patch(self, request: Request, appeal_id: int) -> Response:
        return self._update(request, appeal_id, partial=True)

    @extend_schema(
        operation_id="appeals_update",
        tags=["appeals"],
        summary="修改行政复议、行政诉讼或投诉举报",
        request=AppealFieldsSerializer,
        responses=AppealOutputSerializer,
    )
    def put(self, request: Request, appeal_id: int) -> Response:
        return self._update(request, appeal_id, partial=False)
