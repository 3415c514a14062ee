"""One error shape for the API: ApplicationError → 400, transition refusals → 409,
not found → 404, with the field named where there is one."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from disclosure.exceptions import ApplicationError, Conflict, NotFound


def exception_handler(exc, context):
    if isinstance(exc, NotFound | ObjectDoesNotExist | Http404):
        return Response({"detail": "未找到。"}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoValidationError):
        errors = (
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
        return Response(errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ApplicationError):
        code = (
            status.HTTP_409_CONFLICT
            if isinstance(exc, Conflict)
            else status.HTTP_400_BAD_REQUEST
        )
        body = {exc.field: [exc.message]} if exc.field else {"detail": exc.message}
        return Response(body, status=code)
    return drf_exception_handler(exc, context)
