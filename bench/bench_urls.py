"""The product's URLs plus ``/bench/bare-create/``: a bare Django create endpoint (parse
JSON, insert one row, answer 201), the yardstick for the public submission."""

import json

from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from requests_app.models import Applicant


@csrf_exempt
@require_POST
def bare_create(request: HttpRequest) -> JsonResponse:
    data = json.loads(request.body)
    applicant = Applicant.objects.create(
        applicant_type=data["applicant_type"], name=data["name"], phone=data["phone"]
    )
    return JsonResponse({"id": applicant.pk}, status=201)


urlpatterns = [
    path("bench/bare-create/", bare_create),
    path("", include("config.urls")),
]
