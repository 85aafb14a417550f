"""The OpenAPI document states every answer the API gives, errors included.

Every operation can answer with the one error shape (``{"detail", "code"}``): 400 for input
that breaks a rule, 401 without a session or token, 403 for a role that may not, 404 for
anything outside the caller's reach, 409 for a conflict, 413 for an upload too large, 503
while the database is away, and 500 for a fault. Routes rarely declare these themselves,
so they are added here to each operation that does not, with the shared ``Error`` schema.
The property-based fuzzer (tests/api/test_fuzz_openapi.py) holds answers to the document.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import NinjaAPI
from pydantic import WithJsonSchema

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, for a person to act on."},
        "code": {"type": "string", "description": "A stable machine-readable reason."},
    },
    "required": ["detail", "code"],
}

ERRORS = {
    "400": "The input breaks a rule; `detail` says which.",
    "401": "Not signed in (no session, guest link or API token).",
    "403": "Signed in, but this role may not do this now.",
    "404": "No such thing, or outside your reach (the two look alike).",
    "409": "It conflicts with the current state (for example a note already placed).",
    "413": "The upload is too large.",
    "500": "A fault on the server; nothing was saved.",
    "503": "The database is not answering; try again shortly (see Retry-After).",
}


class DocumentedAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        reference = {"$ref": "#/components/schemas/Error"}
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                responses = operation.setdefault("responses", {})
                # Ninja keys a route's own answers by int (400); keep those, as JSON would
                # otherwise carry the key twice and Swagger UI refuses the whole document.
                declared = {str(code) for code in responses}
                for status, description in ERRORS.items():
                    if status in declared:
                        continue
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {"application/json": {"schema": reference}},
                        },
                    )
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
