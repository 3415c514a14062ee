"""Routes of the application API under ``/api/v1/`` (contract §8)."""

from django.urls import path

from requests_app import apis

ACTIONS = [
    ("request-supplement", apis.RequestRequestSupplementApi),
    ("receive-supplement", apis.RequestReceiveSupplementApi),
    ("start-consultation", apis.RequestStartConsultationApi),
    ("end-consultation", apis.RequestEndConsultationApi),
    ("issue-fee-notice", apis.RequestIssueFeeNoticeApi),
    ("settle-fee", apis.RequestSettleFeeApi),
    ("extend", apis.RequestExtendApi),
    ("set-delay", apis.RequestSetDelayApi),
    ("reply", apis.RequestReplyApi),
    ("withdraw", apis.RequestWithdrawApi),
    ("assign", apis.RequestAssignApi),
]

urlpatterns = [
    path(
        "public/applications/",
        apis.PublicApplicationCreateApi.as_view(),
        name="api-public-application-create",
    ),
    path(
        "public/applications/<str:query_code>/",
        apis.PublicApplicationDetailApi.as_view(),
        name="api-public-application-detail",
    ),
    path("auth/token/", apis.TokenCreateApi.as_view(), name="api-token"),
    path("requests/", apis.RequestListCreateApi.as_view(), name="api-request-list"),
    path(
        "requests/<int:request_id>/",
        apis.RequestDetailApi.as_view(),
        name="api-request-detail",
    ),
    *(
        path(
            f"requests/<int:request_id>/{slug}/",
            view.as_view(),
            name=f"api-request-{slug}",
        )
        for slug, view in ACTIONS
    ),
]
