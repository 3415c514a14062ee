from django.urls import path

from requests_app import letter_views

urlpatterns = [
    *(
        path(
            f"staff/letters/<int:letter_id>/{file_format}/",
            letter_views.staff_letter_download,
            {"file_format": file_format},
            name="staff-letter-download",
        )
        for file_format in ("docx", "pdf")
    ),
    path(
        "track/<str:query_code>/letters/<int:letter_id>.pdf",
        letter_views.public_letter_pdf,
        name="public-letter-pdf",
    ),
]
