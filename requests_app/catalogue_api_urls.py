"""Staff API routes for publications and appeals, under ``/api/v1/``."""

from django.urls import path

from requests_app.catalogue_apis import (
    AppealDetailApi,
    AppealListApi,
    PublicationDetailApi,
    PublicationListApi,
)

urlpatterns: list = [
    path("publications/", PublicationListApi.as_view(), name="api-publication-list"),
    path(
        "publications/<int:publication_id>/",
        PublicationDetailApi.as_view(),
        name="api-publication-detail",
    ),
    path("appeals/", AppealListApi.as_view(), name="api-appeal-list"),
    path(
        "appeals/<int:appeal_id>/", AppealDetailApi.as_view(), name="api-appeal-detail"
    ),
]
