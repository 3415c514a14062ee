"""/reports/ (public and staff pages of the annual report) and /dashboard/."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.report_list, name="list"),
    path("reports/<int:report_id>/", views.report_detail, name="detail"),
    path(
        "reports/<int:report_id>/download/<str:fmt>/",
        views.report_download,
        name="download",
    ),
    path("reports/staff/", views.staff_report_list, name="staff-list"),
    path("reports/staff/tree/", views.staff_tree_start, name="staff-tree"),
    path(
        "reports/staff/tree/<str:job_id>/",
        views.staff_tree_progress_page,
        name="staff-tree-progress",
    ),
    path(
        "reports/staff/tree/<str:job_id>/progress.json",
        views.staff_tree_progress,
        name="staff-tree-progress-json",
    ),
    path(
        "reports/staff/<int:report_id>/",
        views.staff_report_detail,
        name="staff-detail",
    ),
    path(
        "reports/staff/<int:report_id>/publish/",
        views.staff_report_publish,
        name="staff-publish",
    ),
    path(
        "reports/staff/<int:report_id>/correct/",
        views.staff_report_correct,
        name="staff-correct",
    ),
    path(
        "reports/staff/<int:report_id>/cases/",
        views.staff_report_cases,
        name="staff-cases",
    ),
    path("dashboard/", views.dashboard, name="dashboard"),
]
