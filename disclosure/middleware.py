"""Security headers of every response, above all a strict Content-Security-Policy
(内容安全策略): everything is loaded from this site and nothing inline runs, so
injected markup can neither execute script nor restyle a page, and no other site may
frame any page (clickjacking)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Django's admin and the offline Swagger UI (drf-spectacular) ship inline styles and
# scripts of their own; both are staff-only pages without citizen-supplied markup.
RELAXED = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
RELAXED_PREFIXES = ("/admin/", "/api/docs")
# No page needs the camera, microphone, location or payment APIs.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def content_security_policy_for(path: str) -> str:
    """The policy of the page at ``path``: strict everywhere except the admin and the
    API docs."""
    return RELAXED if path.startswith(RELAXED_PREFIXES) else POLICY


class ContentSecurityPolicyMiddleware:
    """Adds the policy and the companion headers unless a view set its own.

    ``X-Content-Type-Options`` and ``Referrer-Policy`` are also set by Django's
    ``SecurityMiddleware``; they are repeated here so the headers do not depend on
    those settings being left at their defaults.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault(
            "Content-Security-Policy", content_security_policy_for(request.path)
        )
        response.setdefault("Referrer-Policy", "same-origin")
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
