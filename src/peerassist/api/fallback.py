"""Unknown paths under /api/v1/ answer in the API's error shape, not with an HTML page."""

from django.http import HttpRequest, JsonResponse


def api_not_found(request: HttpRequest, rest: str) -> JsonResponse:
    return JsonResponse(
        {
            "detail": "There is no such API route. The routes are listed in /api/v1/openapi.json.",
            "code": "not_found",
        },
        status=404,
    )
