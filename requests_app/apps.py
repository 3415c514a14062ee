from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "requests_app"
    verbose_name = _("依申请公开")

    def ready(self) -> None:
        from disclosure.services import CALENDAR_CHANGED_LISTENERS
        from requests_app.services import requests_recompute_due_dates

        if requests_recompute_due_dates not in CALENDAR_CHANGED_LISTENERS:
            CALENDAR_CHANGED_LISTENERS.append(requests_recompute_due_dates)
