from django.urls import path

from requests_app.attachment_views import attachment_download

urlpatterns = [
    path(
        "staff/attachments/<int:attachment_id>/",
        attachment_download,
        name="attachment-download",
    ),
]
