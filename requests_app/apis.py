"""The application API (contract §8): the public form and tracking view, tokens, and the
staff case API. Every view is thin: it validates the input's form, calls one service or
selector, and shapes the answer. Errors take the one shape of ``disclosure.api_errors``:
400 ``{field: [message]}``, 404 for missing or another agency's case, 409 for a refused
transition.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from disclosure.access import agencies_for_staff, staff_scope
from disclosure.api_tokens import ExpiringTokenAuthentication, api_token_issue
from disclosure.exceptions import ApplicationError, NotFound
from disclosure.models import Agency, Channel, User
from requests_app import services
from requests_app.filters import RequestFilter
from requests_app.models import DisclosureRequest, FeeMethodChoice
from requests_app.outcomes import Outcome
from requests_app.selectors import (
    appeals_for_request,
    request_events,
    request_get_for_staff,
    request_get_public,
    request_list_for_staff,
    request_public_events,
)
from requests_app.serializers import (
    ErrorSerializer,
    PublicApplicationInputSerializer,
    PublicRequestSerializer,
    RegistrationReceiptSerializer,
    RequestDetailSerializer,
    RequestListItemSerializer,
    StaffRegistrationInputSerializer,
    TokenInputSerializer,
    TokenSerializer,
)
from requests_app.throttles import (
    PublicSubmitThrottle,
    PublicTrackThrottle,
    RateLimitedMixin,
    TokenThrottle,
)
from requests_app.workflow import Action, next_status

FIELD_ERRORS = OpenApiResponse(
    OpenApiTypes.OBJECT, description="输入有误：{字段: [中文错误信息]}"
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="未找到（或不属于本人机关）")
NOT_AUTHENTICATED = OpenApiResponse(ErrorSerializer, description="未登录")
CONFLICT = OpenApiResponse(ErrorSerializer, description="当前状态不允许该操作")
RATE_LIMITED = OpenApiResponse(ErrorSerializer, description="请求过于频繁")

# Staff API: a token first, so an anonymous call is answered 401 with
# ``WWW-Authenticate: Token``; the session (with its CSRF check) serves the dashboard.
STAFF_AUTHENTICATION = [ExpiringTokenAuthentication, SessionAuthentication]


def field_errors(
    exc: ApplicationError, *, rename: dict[str, str] | None = None
) -> dict[str, list[str]]:
    """All field errors a service reported (``extra["errors"]``), keyed by input field."""
    rename = rename or {}
    errors = exc.extra.get("errors") or {exc.field or "detail": exc.message}
    return {
        rename.get(field, field): [str(message)] for field, message in errors.items()
    }


@contextmanager
def date_field_named(field: str) -> Iterator[None]:
    """The transition services report a bad effective date as field ``on``; name it
    after the input field the caller actually sent."""
    try:
        yield
    except ApplicationError as exc:
        if exc.field == "on":
            exc.field = field
        raise


def request_detail_data(*, actor: User, request_id: int) -> dict[str, Any]:
    """The staff representation of one case (404 when missing or not the user's)."""
    disclosure_request = request_get_for_staff(actor=actor, request_id=request_id)
    context = {
        "events": request_events(disclosure_request=disclosure_request),
        "appeals": appeals_for_request(disclosure_request=disclosure_request),
    }
    return RequestDetailSerializer(disclosure_request, context=context).data


def staff_clerk_for(*, agency: Agency, username: str | None, field: str) -> User | None:
    """The active user ``username`` if they act for ``agency``; None when blank."""
    if not username:
        return None
    clerk = User.objects.filter(username=username, is_active=True).first()
    if clerk is None or not staff_scope(clerk).can_act_for(agency):
        raise ValidationError(
            {field: [_("未找到该经办人，或其不在本申请的机关任职。")]}
        )
    return clerk


# --- public ----------------------------------------------------------------------------


class PublicApplicationCreateApi(RateLimitedMixin, APIView):
    """网络申请: a citizen submits an application; no login, limited per address."""

    authentication_classes: ClassVar[list] = []
    permission_classes: ClassVar[list] = [AllowAny]
    throttle_classes: ClassVar[list] = [PublicSubmitThrottle]

    @extend_schema(
        operation_id="public_application_create",
        summary="提交政府信息公开申请（网络申请）",
        tags=["public"],
        auth=[],
        request=PublicApplicationInputSerializer,
        responses={
            201: RegistrationReceiptSerializer,
            400: FIELD_ERRORS,
            429: RATE_LIMITED,
        },
    )
    def post(self, request: Request) -> Response:
        serializer = PublicApplicationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # Art. 31: an application made through the office's own web form is received
        # on the day the system confirms it, which is now.
        today = timezone.localdate()
        try:
            disclosure_request = services.request_register(
                agency=data["agency"],
                applicant_data=services.ApplicantData(
                    applicant_type=data["applicant_type"],
                    name=data["name"],
                    id_type=data["id_type"],
                    id_number=data["id_number"],
                    contact_person=data.get("contact_person", ""),
                    phone=data["phone"],
                    email=data["email"],
                    address=data["address"],
                    postcode=data.get("postcode", ""),
                ),
                registration=services.RegistrationData(
                    channel=Channel.ONLINE,
                    received_on=today,
                    description=data["description"],
                    formats=tuple(dict.fromkeys(data["formats"])),
                    delivery=tuple(dict.fromkeys(data["delivery"])),
                ),
                today=today,
            )
        except ApplicationError as exc:
            # The citizen chose no channel: an agency that takes no online applications
            # is a problem with the agency they chose.
            raise ValidationError(
                field_errors(exc, rename={"channel": "agency"})
            ) from exc
        return Response(
            RegistrationReceiptSerializer(disclosure_request).data,
            status=status.HTTP_201_CREATED,
        )


class PublicApplicationDetailApi(RateLimitedMixin, APIView):
    """查询: the progress of a case by its query code, without the applicant's data."""

    authentication_classes: ClassVar[list] = []
    permission_classes: ClassVar[list] = [AllowAny]
    throttle_classes: ClassVar[list] = [PublicTrackThrottle]

    @extend_schema(
        operation_id="public_application_retrieve",
        summary="按查询码查询申请办理进度",
        tags=["public"],
        auth=[],
        responses={200: PublicRequestSerializer, 404: NOT_FOUND, 429: RATE_LIMITED},
    )
    def get(self, request: Request, query_code: str) -> Response:
        disclosure_request = request_get_public(query_code=query_code)
        events = request_public_events(disclosure_request=disclosure_request)
        return Response(
            PublicRequestSerializer(disclosure_request, context={"events": events}).data
        )


class TokenCreateApi(RateLimitedMixin, APIView):
    """A staff API token for ``Authorization: Token …``, valid for
    ``GONGKAI_API_TOKEN_HOURS``; limited per address."""

    authentication_classes: ClassVar[list] = []
    permission_classes: ClassVar[list] = [AllowAny]
    throttle_classes: ClassVar[list] = [TokenThrottle]

    @extend_schema(
        operation_id="auth_token_create",
        summary="获取 API 令牌",
        tags=["auth"],
        auth=[],
        request=TokenInputSerializer,
        responses={200: TokenSerializer, 400: FIELD_ERRORS, 429: RATE_LIMITED},
    )
    def post(self, request: Request) -> Response:
        serializer = TokenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request=request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None:
            raise ValidationError({"detail": _("用户名或密码错误。")})
        issued = api_token_issue(user=user)
        return Response(TokenSerializer(issued).data)


# --- staff: list, create, detail ------------------------------------------------------


class RequestPagination(PageNumberPagination):
    page_size = 50


class RequestListCreateApi(generics.ListAPIView):
    """The cases of the user's agencies (GET) and registration by a clerk (POST)."""

    authentication_classes = STAFF_AUTHENTICATION
    permission_classes: ClassVar[list] = [IsAuthenticated]
    serializer_class = RequestListItemSerializer
    pagination_class = RequestPagination
    filter_backends: ClassVar[list] = [DjangoFilterBackend]
    filterset_class = RequestFilter

    def get_queryset(self):
        return request_list_for_staff(actor=self.request.user)

    @extend_schema(
        operation_id="requests_list",
        summary="申请列表（本人机关）",
        tags=["requests"],
        responses={200: RequestListItemSerializer(many=True), 400: FIELD_ERRORS},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="requests_create",
        summary="登记信函、当面、传真、电子邮件等方式的申请",
        tags=["requests"],
        request=StaffRegistrationInputSerializer,
        responses={
            201: RequestDetailSerializer,
            400: FIELD_ERRORS,
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request) -> Response:
        serializer = StaffRegistrationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        agency = self._agency(request.user, data.get("agency", ""))
        clerk = staff_clerk_for(
            agency=agency, username=data.get("assigned_to"), field="assigned_to"
        )
        try:
            disclosure_request = services.request_register(
                agency=agency,
                applicant_data=services.ApplicantData(
                    applicant_type=data["applicant_type"],
                    name=data["name"],
                    **{
                        field: data.get(field, "")
                        for field in (
                            "id_type",
                            "id_number",
                            "contact_person",
                            "phone",
                            "email",
                            "address",
                            "postcode",
                        )
                    },
                ),
                registration=services.RegistrationData(
                    channel=data["channel"],
                    received_on=data["received_on"],
                    description=data["description"],
                    formats=tuple(dict.fromkeys(data.get("formats", ()))),
                    delivery=tuple(dict.fromkeys(data.get("delivery", ()))),
                    receipt_note=data.get("receipt_note", ""),
                ),
                actor=request.user,
                assigned_to=clerk,
            )
        except ApplicationError as exc:
            raise ValidationError(field_errors(exc)) from exc
        return Response(
            request_detail_data(actor=request.user, request_id=disclosure_request.pk),
            status=status.HTTP_201_CREATED,
        )

    @staticmethod
    def _agency(user: User, code: str) -> Agency:
        # An agency the user does not act for is answered like an unknown one (404).
        agencies = agencies_for_staff(user)
        if code:
            agency = agencies.filter(code=code).first()
            if agency is None:
                raise NotFound("未找到该机关。")
            return agency
        candidates = list(agencies[:2])
        if len(candidates) != 1:
            raise ValidationError({"agency": [_("请填写受理机关代码。")]})
        return candidates[0]


class RequestDetailApi(APIView):
    authentication_classes = STAFF_AUTHENTICATION
    permission_classes: ClassVar[list] = [IsAuthenticated]

    @extend_schema(
        operation_id="requests_retrieve",
        summary="申请详情：期限说明、办理记录、征求意见、文书、复议诉讼",
        tags=["requests"],
        responses={
            200: RequestDetailSerializer,
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, request_id: int) -> Response:
        return Response(request_detail_data(actor=request.user, request_id=request_id))


# --- staff: one endpoint per action ----------------------------------------------------


class RequestActionApi(APIView):
    """Base of the action endpoints. In order: the case is looked up (another agency's
    case is 404 whatever the input), the transition table is consulted (a refused
    action is 409 whatever the input), the input is checked (400), the service runs
    (and checks the table again under its row lock), and the case is returned as in
    the detail view."""

    authentication_classes = STAFF_AUTHENTICATION
    permission_classes: ClassVar[list] = [IsAuthenticated]
    InputSerializer: ClassVar[type[serializers.Serializer]]
    # The input field holding the date the action takes effect.
    date_field: ClassVar[str] = ""
    workflow_action: ClassVar[Action | None] = None
    service: ClassVar[Callable[..., DisclosureRequest]]

    def post(self, request: Request, request_id: int) -> Response:
        disclosure_request = request_get_for_staff(
            actor=request.user, request_id=request_id
        )
        if self.workflow_action is not None:
            # Some services read state-specific fields (the fee notice date, the
            # running consultations) before their own table check.
            next_status(disclosure_request.status, self.workflow_action)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with date_field_named(self.date_field):
            self.perform(disclosure_request, dict(serializer.validated_data))
        return Response(request_detail_data(actor=request.user, request_id=request_id))

    def perform(
        self, disclosure_request: DisclosureRequest, data: dict[str, Any]
    ) -> None:
        self.service(actor=self.request.user, request_id=disclosure_request.pk, **data)


def action_api(summary: str) -> Callable[[type[RequestActionApi]], type]:
    """Document an action endpoint with its own input and the detail as response."""

    def decorate(view: type[RequestActionApi]) -> type[RequestActionApi]:
        name = view.__name__.removesuffix("Api")
        extend_schema_serializer(component_name=f"{name}Input")(view.InputSerializer)
        action = re.sub(r"(?<!^)(?=[A-Z])", "_", name.removeprefix("Request")).lower()
        return extend_schema_view(
            post=extend_schema(
                operation_id=f"requests_{action}",
                summary=summary,
                tags=["requests"],
                request=view.InputSerializer,
                responses={
                    200: RequestDetailSerializer,
                    400: FIELD_ERRORS,
                    401: NOT_AUTHENTICATED,
                    404: NOT_FOUND,
                    409: CONFLICT,
                },
            )
        )(view)

    return decorate


@action_api("告知补正（第三十条）")
class RequestRequestSupplementApi(RequestActionApi):
    workflow_action = Action.REQUEST_SUPPLEMENT
    date_field = "requested_on"
    service = staticmethod(services.request_request_supplement)

    class InputSerializer(serializers.Serializer):
        requested_on = serializers.DateField(label=_("补正告知日期"))
        items = serializers.CharField(max_length=5000, label=_("需要补正的事项"))
        period_days = serializers.IntegerField(
            min_value=1, max_value=365, required=False, label=_("补正期限（工作日）")
        )


@action_api("收到补正：答复期限重新起算")
class RequestReceiveSupplementApi(RequestActionApi):
    workflow_action = Action.RECEIVE_SUPPLEMENT
    date_field = "received_on"
    service = staticmethod(services.request_receive_supplement)

    class InputSerializer(serializers.Serializer):
        received_on = serializers.DateField(label=_("补正收到日期"))


@action_api("开始征求第三方或其他机关意见（第三十二条）")
class RequestStartConsultationApi(RequestActionApi):
    workflow_action = Action.START_CONSULTATION
    date_field = "started_on"
    service = staticmethod(services.request_start_consultation)

    class InputSerializer(serializers.Serializer):
        party = serializers.CharField(max_length=200, label=_("征求意见对象"))
        started_on = serializers.DateField(label=_("征求意见日期"))


@action_api("征求意见结束")
class RequestEndConsultationApi(RequestActionApi):
    workflow_action = Action.END_CONSULTATION
    date_field = "ended_on"
    service = staticmethod(services.request_end_consultation)

    class InputSerializer(serializers.Serializer):
        ended_on = serializers.DateField(label=_("征求意见回复日期"))


@action_api("发出信息处理费收费通知（国办函〔2020〕109号）")
class RequestIssueFeeNoticeApi(RequestActionApi):
    workflow_action = Action.ISSUE_FEE_NOTICE
    date_field = "notice_on"
    service = staticmethod(services.request_issue_fee_notice)

    class InputSerializer(serializers.Serializer):
        notice_on = serializers.DateField(label=_("收费通知日期"))
        method = serializers.ChoiceField(
            choices=FeeMethodChoice.choices, label=_("计收方式")
        )
        pages = serializers.IntegerField(
            min_value=0, required=False, label=_("页数（按量计收）")
        )


@action_api("已缴纳信息处理费")
class RequestSettleFeeApi(RequestActionApi):
    workflow_action = Action.SETTLE_FEE
    date_field = "paid_on"
    service = staticmethod(services.request_settle_fee)

    class InputSerializer(serializers.Serializer):
        paid_on = serializers.DateField(label=_("缴费日期"))


@action_api("延期答复（第三十三条第二款）")
class RequestExtendApi(RequestActionApi):
    workflow_action = Action.EXTEND
    date_field = "approved_on"
    service = staticmethod(services.request_extend)

    class InputSerializer(serializers.Serializer):
        approved_on = serializers.DateField(label=_("延期批准日期"))
        reason = serializers.CharField(max_length=2000, label=_("延期理由"))


@action_api("确定延迟答复期限（第三十五条）")
class RequestSetDelayApi(RequestActionApi):
    workflow_action = Action.SET_DELAY
    date_field = "decided_on"
    service = staticmethod(services.request_set_delay)

    class InputSerializer(serializers.Serializer):
        decided_on = serializers.DateField(label=_("决定日期"))
        delayed_due_on = serializers.DateField(label=_("延迟答复期限"))
        reason = serializers.CharField(max_length=2000, label=_("理由"))


@action_api("作出答复并办结")
class RequestReplyApi(RequestActionApi):
    workflow_action = Action.REPLY
    date_field = "replied_on"
    service = staticmethod(services.request_reply)

    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=Outcome.choices, label=_("办理结果"))
        replied_on = serializers.DateField(label=_("答复日期"))
        reasons = serializers.CharField(
            max_length=5000, required=False, allow_blank=True, label=_("理由")
        )
        competent_agency_name = serializers.CharField(
            max_length=200, required=False, allow_blank=True, label=_("有权机关")
        )


@action_api("申请人撤回申请")
class RequestWithdrawApi(RequestActionApi):
    workflow_action = Action.WITHDRAW
    date_field = "withdrawn_on"
    service = staticmethod(services.request_withdraw)

    class InputSerializer(serializers.Serializer):
        withdrawn_on = serializers.DateField(label=_("撤回日期"))
        note = serializers.CharField(
            max_length=2000, required=False, allow_blank=True, label=_("说明")
        )


@action_api("分配经办人（留空为取消分配）")
class RequestAssignApi(RequestActionApi):
    service = staticmethod(services.request_assign)

    class InputSerializer(serializers.Serializer):
        clerk = serializers.CharField(
            max_length=150, allow_null=True, allow_blank=True, label=_("经办人用户名")
        )

    def perform(
        self, disclosure_request: DisclosureRequest, data: dict[str, Any]
    ) -> None:
        clerk = staff_clerk_for(
            agency=disclosure_request.agency, username=data["clerk"], field="clerk"
        )
        services.request_assign(
            actor=self.request.user, request_id=disclosure_request.pk, clerk=clerk
        )
