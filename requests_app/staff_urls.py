from django.urls import path

from requests_app import staff_views

urlpatterns = [
    path(
        "dashboard/notifications/",
        staff_views.notification_list_view,
        name="staff-notifications",
    ),
    path(
        "dashboard/notifications/<int:notification_id>/read/",
        staff_views.notification_read_view,
        name="staff-notification-read",
    ),
    path(
        "dashboard/notifications/read-all/",
        staff_views.notifications_read_all_view,
        name="staff-notifications-read-all",
    ),
]
