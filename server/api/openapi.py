"""The OpenAPI 3.1 document, built from the endpoint declarations and msgspec's JSON Schemas."""

from __future__ import annotations

import re
from typing import Any

import msgspec

from server.api.core import Endpoint
from server.api.errors import ErrorEnvelope

_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")

_STATUS_TEXT = {400: "Malformed request", 401: "Not signed in", 403: "Not allowed", 404: "Not found",
                409: "Conflict", 410: "Gone (used or expired)", 413: "Body too large",
                415: "Not JSON", 422: "Invalid input"}


def document(endpoints: list[Endpoint], version: str) -> dict[str, Any]:
    types: list[Any] = [ErrorEnvelope]
    for e in endpoints:
        types.extend(t for t in (e.body, e.query, e.returns) if t is not None)
    schemas, components = msgspec.json.schema_components(types, ref_template="#/components/schemas/{name}")
    by_type = dict(zip(types, schemas, strict=True))
    paths: dict[str, dict[str, Any]] = {}
    for e in endpoints:
        path = _PARAM.sub(r"{\1}", e.path)
        op: dict[str, Any] = {"summary": e.summary, "tags": [e.tag], "operationId": _operation_id(e)}
        params = [{"name": n, "in": "path", "required": True, "schema": {"type": "integer"}}
                  for n in _PARAM.findall(e.path)]
        if e.query is not None:
            params.extend(_query_params(e.query))
        if params:
            op["parameters"] = params
        if e.body is not None:
            op["requestBody"] = {"required": True,
                                 "content": {"application/json": {"schema": by_type[e.body]}}}
        ok: dict[str, Any] = {"description": "OK"}
        if e.returns is not None:
            ok["content"] = {"application/json": {"schema": by_type[e.returns]}}
        status = e.status if e.returns is not None else (204 if e.status == 200 else e.status)
        error = {"content": {"application/json": {"schema": by_type[ErrorEnvelope]}}}
        codes = [400, 413, 415, 422] if e.body is not None else [422] if e.query is not None else []
        if not e.public:
            codes += [401, 403, 404]
        if any("token" in c for c in e.errors):
            codes.append(410)
        responses: dict[str, Any] = {str(status): ok}
        for code in sorted(set(codes)):
            responses[str(code)] = {"description": _STATUS_TEXT[code], **error}
        op["responses"] = responses
        if not e.public:
            op["security"] = [{"session": []}, {"bearer": []}]
        paths.setdefault(path, {})[e.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "Roundtable API", "version": version,
                 "description": "Missions, programme, directory and invitations. Every error is "
                                "{\"error\": {\"code\", \"message\", \"field\"?}}."},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "rt_session"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
    }


def _operation_id(e: Endpoint) -> str:
    name: str = getattr(e.handler, "__name__", "op")
    return f"{e.method.lower()}_{name}"


def _query_params(query_type: type[Any]) -> list[dict[str, Any]]:
    (schema,), components = msgspec.json.schema_components([query_type], ref_template="{name}")
    ref = schema["$ref"]
    props: dict[str, Any] = components[ref]["properties"]
    return [{"name": name, "in": "query", "required": False, "schema": prop,
             **({"explode": True} if prop.get("type") == "array" else {})}
            for name, prop in props.items()]
