"""The API's documentation page, from the OpenAPI description, without anything from the internet.

``/docs`` lists every endpoint with its method, summary and fields (query
parameters and form fields, which are required, their types and
descriptions), and links the machine-readable ``/openapi.json``. Interactive
viewers that load their scripts from a CDN are not served.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    where: str
    required: bool
    type: str
    description: str


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    summary: str
    fields: list[Field]


def _type(schema: dict) -> str:
    if "anyOf" in schema:
        return " or ".join(_type(s) for s in schema["anyOf"] if s.get("type") != "null")
    if schema.get("contentMediaType") or schema.get("format") == "binary":
        return "file"
    if schema.get("type") == "array":
        return f"{_type(schema.get('items', {}))}, repeatable"
    kind = schema.get("type", "any")
    bounds = [f"{word} {schema[key]}" for key, word in (("minimum", "from"), ("maximum", "to")) if key in schema]
    return kind + (f" ({' '.join(bounds)})" if bounds else "")


def _resolve(spec: dict, schema: dict) -> dict:
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        return spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return schema


def endpoints(spec: dict) -> list[Endpoint]:
    """Every operation of an OpenAPI description, in its order, with its fields."""
    out = []
    for path, operations in spec.get("paths", {}).items():
        for method, op in operations.items():
            fields = [Field(p["name"], p["in"], p.get("required", False), _type(p.get("schema", {})),
                            p.get("description", "") or p.get("schema", {}).get("description", ""))
                      for p in op.get("parameters", [])]
            for media, content in op.get("requestBody", {}).get("content", {}).items():
                body = _resolve(spec, content.get("schema", {}))
                required = set(body.get("required", []))
                fields += [Field(name, "form", name in required, _type(s), s.get("description", ""))
                           for name, s in body.get("properties", {}).items()]
            out.append(Endpoint(method.upper(), path, op.get("summary", ""), fields))
    return out
