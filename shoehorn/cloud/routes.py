"""A REST API's resources as the data plane sees them, and which one a request path hits.

API Gateway picks the most specific resource: literal segments before ``{param}`` before a
greedy ``{param+}`` (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-settings-method-request.html).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import unquote

from shoehorn.gateway.rest import METHODS


@dataclass(frozen=True, slots=True)
class DeployedResource:
    resource_id: str
    path: str  # the resource template: "/", "/{proxy+}", "/users/{id}"
    methods: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # "GET"/"ANY" -> methodIntegration


@dataclass(frozen=True, slots=True)
class Match:
    route: DeployedResource
    parameters: Mapping[str, str]


def from_resources(items: list[dict]) -> tuple[DeployedResource, ...]:
    """GetResources(embed=methods) items -> routes."""
    return tuple(
        DeployedResource(item["id"], item.get("path", "/"),
              {verb: method.get("methodIntegration") or {} for verb, method in (item.get("resourceMethods") or {}).items()})
        for item in items
    )


def _fit(template: str, segments: list[str]) -> tuple[tuple[int, int, int], dict[str, str]] | None:
    """(score, parameters) when ``template`` matches ``segments``; higher scores are more specific."""
    parts = [p for p in template.split("/") if p]
    params: dict[str, str] = {}
    literal = single = 0
    for i, part in enumerate(parts):
        if part.startswith("{") and part.endswith("+}"):
            if i != len(parts) - 1 or len(segments) <= i:
                return None
            params[part[1:-2]] = "/".join(segments[i:])
            return (literal, single, 0), params
        if i >= len(segments):
            return None
        if part.startswith("{") and part.endswith("}"):
            params[part[1:-1]] = segments[i]
            single += 1
        elif part == segments[i]:
            literal += 1
        else:
            return None
    if len(parts) != len(segments):
        return None
    return (literal, single, 1), params


def match(routes: tuple[DeployedResource, ...], path: str) -> Match | None:
    segments = [unquote(s) for s in path.split("/") if s]
    best: tuple[tuple[int, int, int], Match] | None = None
    for route in routes:
        fitted = _fit(route.path, segments)
        if fitted is not None and (best is None or fitted[0] > best[0]):
            best = (fitted[0], Match(route, fitted[1]))
    return best[1] if best else None


def method_for(route: DeployedResource, verb: str) -> tuple[str, Mapping[str, Any]] | None:
    """(method key, integration): the verb's own method, else ANY, which stands for the seven methods
    a REST API has (gateway.rest.METHODS) and not for others (PROPFIND)."""
    for key in (verb.upper(), "ANY"):
        if key == "ANY" and verb.upper() not in METHODS:
            continue
        if key in route.methods:
            return key, route.methods[key]
    return None
