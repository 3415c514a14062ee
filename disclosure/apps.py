from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "disclosure"
    verbose_name = _("机关与基础数据")

    def ready(self) -> None:
        from django.core import checks

        from disclosure.checks import next_year_calendar_check

        checks.register(next_year_calendar_check)
