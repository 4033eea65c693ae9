"""Property-based: whatever Lambda hands the handler, it answers (issue 13).

Any JSON-like dict, and mutations of every published sample (tests/conformance/events/),
through a WSGI and an ASGI app: the handler never raises except NotHttpEvent for a shape that
is no HTTP source's; the answer is a well-formed proxy response for the source (the gateway
reads it as AWS would); a 400 exactly when the source's reader rejects the event; no
traceback text in a body; and what reaches the app has the types PEP 3333 and the ASGI spec
promise. Bounded in examples, so it runs in seconds.
"""

from __future__ import annotations

import copy
import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shoehorn import adapt
from shoehorn.gateway import read_response
from shoehorn.runtime.errors import NotHttpEvent
from shoehorn.runtime.events import find_source

from .test_conformance import _files, load

SAMPLES = [load(path) for path in _files()]
# CI runs a fixed set of examples (derandomized: a red build is reproducible); set
# SHOEHORN_FUZZ=N to explore N fresh random examples per test locally.
EXAMPLES = int(os.environ.get("SHOEHORN_FUZZ") or 300)
DERANDOMIZE = not os.environ.get("SHOEHORN_FUZZ")

json_scalar = st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12)
json_value = st.recursive(json_scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
# keys an HTTP event is made of, so random dicts often look like one source or another
KEYS = ["version", "httpMethod", "path", "rawPath", "rawQueryString", "requestContext", "headers", "multiValueHeaders",
        "queryStringParameters", "multiValueQueryStringParameters", "cookies", "body", "isBase64Encoded", "resource",
        "pathParameters", "elb", "http", "method", "sourceIp", "identity", "stage", "domainName"]
json_like_event = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), json_value, max_size=8)


def _paths(value, prefix=()):
    """Every (key path) inside an event, to mutate one of them."""
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _paths(inner, (*prefix, index))


@st.composite
def mutated_sample(draw):
    event = copy.deepcopy(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(event) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = event
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_value | st.sampled_from(["", "/", "%ff", "a_b", "\r\n", "é☃", "GET", "2.0"]))
    return event


def _wsgi_app(environ, start_response):
    problems = [k for k, v in environ.items() if k.isupper() and (type(v) is not str or not all(ord(c) < 256 for c in v))]
    problems += [] if environ["PATH_INFO"].startswith("/") else ["PATH_INFO"]
    environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(problems).encode()]


async def _asgi_app(scope, receive, send):
    await receive()
    problems = []
    if type(scope["path"]) is not str or not scope["path"].startswith("/"):
        problems.append("path")
    if type(scope["raw_path"]) is not bytes or type(scope["query_string"]) is not bytes:
        problems.append("bytes fields")
    if not all(type(k) is bytes and type(v) is bytes for k, v in scope["headers"]):
        problems.append("headers")
    client = scope["client"]
    if client is not None and not (type(client[0]) is str and type(client[1]) is int):
        problems.append("client")
    if not (type(scope["server"][0]) is str and type(scope["server"][1]) is int):
        problems.append("server")
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": json.dumps(problems).encode()})


HANDLERS = [adapt(_wsgi_app), adapt(_asgi_app, lifespan="off")]


def _check(event) -> None:
    source = find_source(event)
    for handler in HANDLERS:
        original = copy.deepcopy(event)
        try:
            result = handler(event, None)
        except NotHttpEvent:
            assert source is None
            continue
        assert event == original, "the handler changed the event"
        if event == {"shoehorn": "warm"}:
            continue
        assert source is not None
        status, _, body = read_response(source.NAME, result)  # what the real front accepts
        assert b"Traceback" not in body
        try:
            source.read(event)
        except Exception:  # noqa: BLE001 — a rejected event must be a 400
            assert status == 400
            continue
        assert status == 200, (status, body)
        assert json.loads(body) == [], body


@settings(max_examples=EXAMPLES * 300 // 300, deadline=None, derandomize=DERANDOMIZE, suppress_health_check=[HealthCheck.too_slow])
@given(json_like_event)
def test_any_json_like_dict(event):
    _check(event)


@settings(max_examples=EXAMPLES * 300 // 300, deadline=None, derandomize=DERANDOMIZE, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_sample())
def test_mutations_of_every_sample(event):
    _check(event)
