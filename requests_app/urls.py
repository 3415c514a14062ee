"""The citizen's pages: apply, confirmation, tracking (contract §8 "Pages")."""

from django.urls import path

from requests_app import views

urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("apply/done/<str:query_code>/", views.apply_done, name="apply-done"),
    path("track/", views.track, name="track"),
    path("track/<str:query_code>/", views.track_detail, name="track-detail"),
]
