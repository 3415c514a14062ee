"""Security headers: a strict Content-Security-Policy on every public page (which must
therefore carry no inline script, inline style or event-handler attribute), nosniff,
a same-origin referrer policy and no framing; and, under the production settings,
HTTPS redirect, HSTS and secure cookies."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from disclosure.middleware import PERMISSIONS_POLICY, POLICY, RELAXED
from disclosure.publications import publication_create
from reports import services as report_services
from tests.factories import register, report_written

ROOT = Path(django_settings.BASE_DIR)
HOST = "gongkai.example.gov.cn"

STRICT_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class InlineCode(HTMLParser):
    """Collects what a strict policy would block: inline <script> and <style>
    elements, style= and on*= attributes, javascript: URLs, and any script or
    stylesheet not served from this site's /static/."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            source = attributes.get("src")
            if not source:
                self.problems.append("inline <script>")
            elif not source.startswith("/static/"):
                self.problems.append(f"script from {source}")
        if tag == "style":
            self.problems.append("inline <style>")
        if tag == "link" and attributes.get("rel") == "stylesheet":
            href = attributes.get("href") or ""
            if not href.startswith("/static/"):
                self.problems.append(f"stylesheet from {href}")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"<{tag} style=…>")
            elif name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            elif (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.problems


@pytest.fixture
def public_urls(agency, supervisor, settings, tmp_path) -> list[str]:
    settings.MEDIA_ROOT = tmp_path
    case = register(agency, date(2026, 11, 2))
    publication = publication_create(
        agency=agency,
        reference="XCCG-2026-001",
        title="西城区城市管理监督指挥中心2026年工作要点",
        category="plan",
        published_on=date(2026, 3, 2),
        channels=["website"],
    )
    draft = report_services.report_draft_get_or_create(
        actor=supervisor, agency=agency, year=2025, template="2021", rollup=False
    )
    report_written(supervisor, draft)
    report = report_services.report_publish(
        actor=supervisor, report_id=draft.pk, formats=("json",)
    )
    return [
        "/",
        "/apply/",
        "/track/",
        "/publications/",
        "/reports/",
        f"/track/{case.query_code}/",
        f"/publications/{publication.pk}/",
        f"/reports/{report.pk}/",
    ]


@pytest.mark.django_db
def test_public_pages_have_a_strict_policy_and_no_inline_code(public_urls):
    client = Client()
    pages = {}
    for url in public_urls:
        response = client.get(url)
        pages[url] = (
            response.status_code,
            response["Content-Security-Policy"],
            response["X-Content-Type-Options"],
            response["Referrer-Policy"],
            response["X-Frame-Options"],
            response["Permissions-Policy"],
            inline_code(response.content.decode()),
        )

    assert POLICY == STRICT_POLICY
    assert pages == {
        url: (
            200,
            STRICT_POLICY,
            "nosniff",
            "same-origin",
            "DENY",
            PERMISSIONS_POLICY,
            [],
        )
        for url in public_urls
    }


@pytest.mark.django_db
def test_error_pages_and_the_api_carry_the_headers_too(api_client):
    missing = Client().get("/track/no-such-code-at-all/")
    api = api_client.get("/api/v1/requests/")

    assert (missing.status_code, missing["Content-Security-Policy"]) == (
        404,
        STRICT_POLICY,
    )
    assert (
        api.status_code,
        api["Content-Security-Policy"],
        api["X-Content-Type-Options"],
        api["X-Frame-Options"],
    ) == (401, STRICT_POLICY, "nosniff", "DENY")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/login/", "/api/docs/"])
def test_only_admin_and_api_docs_allow_their_own_inline_code(url):
    response = Client().get(url)

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == RELAXED
    assert "frame-ancestors 'none'" in RELAXED
    assert "object-src 'none'" in RELAXED


PRODUCTION_PROBE = """
import json

import django

django.setup()
from django.conf import settings
from django.test import Client

# collectstatic is a build step; without its manifest, serve static files unhashed.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
names = [
    "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY", "X_FRAME_OPTIONS", "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "SESSION_COOKIE_AGE",
    "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE",
    "ALLOWED_HOSTS",
]
values = {name: getattr(settings, name) for name in names}
client = Client()
plain = client.get("/track/", HTTP_HOST="gongkai.example.gov.cn")
secure = client.get(
    "/track/", HTTP_HOST="gongkai.example.gov.cn", HTTP_X_FORWARDED_PROTO="https"
)
cookie = secure.cookies["csrftoken"]
print(json.dumps({
    "settings": values,
    "plain": [plain.status_code, plain["Location"]],
    "secure": [
        secure.status_code,
        secure["Strict-Transport-Security"],
        secure["Content-Security-Policy"],
        secure["X-Frame-Options"],
    ],
    "csrf_cookie": [cookie["secure"], cookie["httponly"], cookie["samesite"]],
}))
"""


def test_production_settings_enforce_https_and_secure_cookies(tmp_path):
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        # The pages probed need no table; an empty file keeps the project's own away.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }
    result = subprocess.run(  # noqa: S603 -- fixed arguments, our own interpreter
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr

    assert json.loads(result.stdout) == {
        "settings": {
            "DEBUG": False,
            "SECURE_SSL_REDIRECT": True,
            "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
            "SECURE_HSTS_SECONDS": 31536000,
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
            "SECURE_HSTS_PRELOAD": True,
            "SECURE_CONTENT_TYPE_NOSNIFF": True,
            "SECURE_REFERRER_POLICY": "same-origin",
            "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
            "X_FRAME_OPTIONS": "DENY",
            "SESSION_COOKIE_SECURE": True,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_AGE": 28800,
            "CSRF_COOKIE_SECURE": True,
            "CSRF_COOKIE_HTTPONLY": True,
            "CSRF_COOKIE_SAMESITE": "Lax",
            "ALLOWED_HOSTS": [HOST],
        },
        "plain": [301, f"https://{HOST}/track/"],
        "secure": [
            200,
            "max-age=31536000; includeSubDomains; preload",
            STRICT_POLICY,
            "DENY",
        ],
        "csrf_cookie": [True, True, "Lax"],
    }
