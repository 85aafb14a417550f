"""The OpenAPI document states every answer the API gives, errors included.

Every error has the one shape (``{"detail", "code"}``, ``core.errors.error_body``). Which
error statuses a route documents, and when it gives each, comes from ``api/answers.py``: what
its shape implies (401, 400, 403 for CSRF, 404 for path ids, 413, 500, 503) and what the
route declares with ``@answers`` (roles, conflicts, service rules). A status the route
declares itself in ``response=`` (a 400 with its own body) keeps its own schema.
tests/documented_answers.py and the property-based fuzzer (tests/api/test_fuzz_openapi.py)
hold the answers to the document.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import NinjaAPI
from pydantic import WithJsonSchema

from peerassist.api.answers import route_errors
from peerassist.core.errors import error_body

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, for a person to act on."},
        "code": {"type": "string", "description": "A stable machine-readable reason."},
    },
    "required": sorted(error_body("", "")),
}


def _description(reasons: list[str]) -> str:
    return reasons[0] if len(reasons) == 1 else "\n".join(f"- {reason}" for reason in reasons)


class DocumentedAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        reference = {"$ref": "#/components/schemas/Error"}
        by_id = {
            operation.operation_id or self.get_openapi_operation_id(operation): operation
            for router in self._get_bound_routers()
            for path_view in router.path_operations.values()
            for operation in path_view.operations
        }
        for methods in schema.get("paths", {}).values():
            for details in methods.values():
                operation = by_id[details["operationId"]]
                responses = details.setdefault("responses", {})
                # Ninja keys a route's own answers by int (400); keep those, as JSON would
                # otherwise carry the key twice and Swagger UI refuses the whole document.
                declared = {str(code) for code in responses}
                for status, reasons in route_errors(operation, operation.view_func).items():
                    if str(status) in declared:
                        own = responses[status]
                        own["description"] = _description(reasons)
                        continue
                    responses[str(status)] = {
                        "description": _description(reasons),
                        "content": {"application/json": {"schema": reference}},
                    }
        return schema


# A wall-clock time in the organisation's time zone. JSON Schema's ``format: time`` is RFC
# 3339's full-time, which must carry an offset ("09:30:00+01:00"); a peer assist's start and
# end are local times on its date (the offset follows from the date), so the document says
# that instead of promising an offset the answers never had.
LocalTime = Annotated[
    dt.time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$",
            "description": "Local time (the organisation's time zone) on the peer assist's "
            "date, HH:MM or HH:MM:SS, without an offset.",
            "example": "09:30:00",
        }
    ),
]
