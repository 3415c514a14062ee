from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from disclosure.login_throttle import throttled_login

admin.site.site_header = _("Gongkai 政府信息公开申请办理系统")
admin.site.site_title = _("Gongkai 公开")
admin.site.index_title = _("办理工作台")
# Failed staff logins are limited per (username, address); set before admin.site.urls
# is read below, which is when the admin builds its login route.
admin.site.login = throttled_login(admin.site.login)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers ask for /favicon.ico on every page (the admin links none).
    path(
        "favicon.ico",
        RedirectView.as_view(url="/static/img/favicon.svg", permanent=True),
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"
    ),
    path("api/v1/", include("requests_app.api_urls")),
    path("api/v1/", include("requests_app.catalogue_api_urls")),
    path("", include("reports.urls")),
    path("", include("requests_app.letter_urls")),
    path("", include("requests_app.attachment_urls")),
    path("", include("requests_app.staff_urls")),
    path("", include("requests_app.urls")),
    path("", include("disclosure.urls")),
]
