"""Public pages of the shared core: the home page and the disclosure catalogue."""

from django.urls import path

from disclosure import views

urlpatterns = [
    path("", views.home, name="home"),
    path("publications/", views.publication_list, name="publication-list"),
    path("publications/<int:pk>/", views.publication_detail, name="publication-detail"),
    path(
        "publications/<int:pk>/attachments/<int:attachment_id>/",
        views.publication_attachment,
        name="publication-attachment",
    ),
]
