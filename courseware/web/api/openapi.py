"""The OpenAPI 3.1 document, built from the declared operations and the pydantic models' JSON Schema."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from .operations import OPERATIONS, Operation

REF = "#/components/schemas/{model}"
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An RFC 9457 problem document.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "instance": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "reason": {"type": "string"}}}},
    },
}
TAGS = ("People", "Cohorts and mentoring", "Assignments", "Reports", "Attempts", "Settings")
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


def _problem(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    if headers:
        response["headers"] = headers
    return response


ERRORS: dict[str, dict[str, Any]] = {
    "Unauthorized": _problem("No token, or one unknown, revoked or expired.", {
        "WWW-Authenticate": {"schema": {"type": "string"}, "required": True}}),
    "Forbidden": _problem("The token's scope or its owner's role does not allow this."),
    "NotFound": _problem("Nothing with this id that the caller may see."),
    "NotAllowed": _problem("No operation for this method at this address (an id out of range names no address)."),
    "Unprocessable": _problem("The input is not valid; `errors` names each field."),
    "TooMany": _problem("Too many requests with this token; try again after Retry-After seconds.", {
        "Retry-After": {"schema": {"type": "string"}}}),
}


def _roles_note(op: Operation) -> str:
    who = ", ".join(op.roles)
    scope = "a `write` token" if op.write else "any token (`read` or `write`)"
    return f"\n\nNeeds {scope}; open to: {who}."


def _operation(op: Operation) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": ID_SCHEMA} for name in op.path_params]
    parameters += [{"name": q.name, "in": "query", "required": q.required, "description": q.description, "schema": q.schema}
                   for q in op.query]
    responses: dict[str, Any] = {}
    if op.response is None:
        responses[str(op.status)] = {"description": "Done."}
    else:
        ok: dict[str, Any] = {"description": op.summary, "content": {
            "application/json": {"schema": {"$ref": REF.format(model=op.response.__name__)}}}}
        if op.method == "GET":
            ok["headers"] = {"ETag": {"schema": {"type": "string"}, "description": "Send back as If-None-Match."}}
        responses[str(op.status)] = ok
    if op.method == "GET":
        responses["304"] = {"description": "Not modified since the ETag sent in If-None-Match."}
    for code, name in (("401", "Unauthorized"), ("403", "Forbidden"), ("404", "NotFound"), ("405", "NotAllowed"),
                       ("422", "Unprocessable"),
                       ("429", "TooMany")):
        responses[code] = {"$ref": f"#/components/responses/{name}"}
    result: dict[str, Any] = {
        "operationId": op.endpoint.removeprefix("api."), "summary": op.summary,
        "description": op.description + _roles_note(op), "tags": [op.tag] if op.tag else [],
        "security": [{"bearerToken": []}], "parameters": parameters, "responses": responses,
    }
    if op.body is not None:
        result["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": {"$ref": REF.format(model=op.body.__name__)}}}}
    return result


def _schemas() -> dict[str, Any]:
    models: dict[tuple[type[BaseModel], JsonSchemaMode], None] = {}
    for op in OPERATIONS:
        if op.response is not None:
            models[(op.response, "serialization")] = None
        if op.body is not None:
            models[(op.body, "validation")] = None
    _, top = models_json_schema(list(models), ref_template=REF)
    schemas: dict[str, Any] = dict(top.get("$defs", {}))
    schemas["Problem"] = PROBLEM_SCHEMA
    return schemas


def document(version: str) -> dict[str, Any]:
    """The whole OpenAPI 3.1 document for the API (paths relative to the server URL /api/v1)."""
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Courseware API", "version": version,
                 "description": "Read and manage Courseware's people, cohorts, mentoring, assignments, progress and "
                                "attempts. Authenticate with a personal access token (made under /account/tokens or "
                                "with `courseware create-token`) sent as `Authorization: Bearer <token>`. Lists are "
                                "paginated by an opaque `cursor`: follow each page's `next` link. Reads carry an "
                                "`ETag`; errors are RFC 9457 problem documents."},
        "servers": [{"url": "/api/v1"}],
        "tags": [{"name": name} for name in TAGS],
        "paths": paths,
        "components": {
            "schemas": _schemas(),
            "responses": ERRORS,
            "securitySchemes": {"bearerToken": {"type": "http", "scheme": "bearer",
                                                "description": "A personal access token (cwp_…)."}},
        },
    }
