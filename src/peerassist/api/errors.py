"""One error shape for every API response: ``{"detail": "...", "code": "..."}``."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError, DataError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from peerassist.api.auth import TokenRefused
from peerassist.core.errors import (
    DATABASE_DOWN,
    SERVER_ERROR,
    DomainError,
    error_body,
    validation_detail,
)

log = logging.getLogger("django.request")


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(request, error_body(exc.detail, exc.code), status=exc.status)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(
            request, error_body(validation_detail(exc.errors), "invalid"), status=400
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            error_body("Sign in, or open your invitation link, to use this.", "not_authenticated"),
            status=401,
        )

    @api.exception_handler(TokenRefused)
    def token_refused(request: HttpRequest, exc: TokenRefused) -> HttpResponse:
        response = api.create_response(request, error_body(exc.detail, "token_invalid"), status=401)
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body("Not found.", "not_found"), status=404)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {
            400: "invalid",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            413: "too_large",
        }.get(exc.status_code, "error")
        return api.create_response(request, error_body(str(exc), code), status=exc.status_code)

    @api.exception_handler(DataError)
    def data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
        # The database refused a value the checks let through (PostgreSQL text cannot hold
        # NUL characters): the write rolled back; say what to change instead of a 500.
        return api.create_response(
            request,
            error_body(
                "Some of that text cannot be stored. Remove control characters (such as NUL) "
                "and try again.",
                "invalid",
            ),
            status=400,
        )

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return api.create_response(
            request,
            error_body("The request is too large. Send less at once.", "too_large"),
            status=413,
        )

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        # Django answers these with 400 itself; so does the API, in its own shape.
        return api.create_response(
            request, error_body("The request could not be read.", "bad_request"), status=400
        )

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(
            request, error_body(str(exc) or "You may not do this.", "forbidden"), status=403
        )

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Ninja re-raises unknown errors, and Django would answer with the HTML 500 page.
        # Log it like Django does, and answer in the documented shape.
        log.error(
            "Internal Server Error: %s", request.path, exc_info=exc, extra={"request": request}
        )
        return api.create_response(request, error_body(SERVER_ERROR, "server_error"), status=500)

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def database_down(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
        response = api.create_response(
            request,
            error_body(DATABASE_DOWN, "database_unavailable"),
            status=503,
        )
        response["Retry-After"] = "5"
        return response
