"""Staff pages of the clock supervision: the user's own in-app notifications (站内提醒).

Thin: each view calls one selector or service of ``requests_app.notifications``. A
notification of another user answers 404, exactly like a missing one.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from disclosure.exceptions import NotFound
from requests_app.notifications import (
    notification_mark_read,
    notification_unread_count,
    notifications_for_user,
    notifications_mark_all_read,
)

PAGE_SIZE = 50


@login_required
@require_GET
def notification_list_view(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(
        notifications_for_user(user=request.user, unread_only=unread_only), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread_count": notification_unread_count(user=request.user),
        },
    )


def _back(request: HttpRequest) -> HttpResponse:
    # Back to the list the user came from (filter and page), never to another site.
    query = request.POST.get("return_query", "")
    if query and not query.startswith("?"):
        query = ""
    return redirect("/dashboard/notifications/" + query)


@login_required
@require_POST
def notification_read_view(request: HttpRequest, notification_id: int) -> HttpResponse:
    try:
        notification_mark_read(user=request.user, notification_id=notification_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    return _back(request)


@login_required
@require_POST
def notifications_read_all_view(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(user=request.user)
    return _back(request)
