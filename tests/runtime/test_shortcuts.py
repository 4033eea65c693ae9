"""The drivers' one-step shortcuts for the commonest REST event equal the general path.

``wsgi.rest_environ`` must give exactly ``wsgi.build_environ(rest.parse(event))`` and
``asgi.rest_scope`` exactly ``asgi.prepare(rest.parse(event))``, or None (then the handler
parses); every REST sample and each odd case below is checked both ways, and the common
shapes must really take the shortcuts.
"""

from __future__ import annotations

import copy

import pytest

from shoehorn.runtime import asgi, wsgi
from shoehorn.runtime.events import find_source, rest

from .test_conformance import EVENTS, _files, load

CTX = object()


def _general_environ(event: dict) -> dict:
    return wsgi.build_environ(rest.parse(event), event, CTX)


def _comparable(environ: dict) -> dict:
    out = dict(environ)
    out["wsgi.input"] = out["wsgi.input"].read()
    return out


def _same_environ(event: dict) -> bool:
    """Asserts equality when a shortcut applies; says whether the WSGI one applied.

    The ASGI shortcut must apply whenever the WSGI one does (it may also take header values
    that are latin-1 but not ASCII, which WSGI leaves to the general path)."""
    before = copy.deepcopy(event)
    fast = wsgi.rest_environ(event, CTX)
    fast_scope = asgi.rest_scope(event, CTX)
    assert event == before, "a shortcut changed the event"
    if fast_scope is not None:
        assert fast_scope == asgi.prepare(rest.parse(event), event, CTX)
    if fast is None:
        return False
    assert fast_scope is not None
    assert _comparable(fast) == _comparable(_general_environ(event))
    return True


REST_SAMPLES = [p for p in _files() if find_source(load(p)) is rest]


@pytest.mark.parametrize("path", REST_SAMPLES, ids=lambda p: p.name)
def test_every_rest_sample(path):
    event = load(path)
    try:
        rest.parse(event)
    except Exception:
        # malformed samples (a plain body flagged as base64): the shortcuts must decline too
        assert wsgi.rest_environ(event, CTX) is None and asgi.rest_scope(event, CTX) is None
        return
    _same_environ(event)


@pytest.mark.skipif(not EVENTS.is_dir(), reason=f"conformance events not found at {EVENTS}")
def test_the_common_samples_take_the_shortcut():
    taken = {p.name for p in REST_SAMPLES if _try(load(p))}
    # samples with one value per header (the others repeat one, or are malformed)
    assert {"AwsProxy.json", "ag-v1-stage-prefix.json", "ag-v1-cookies.json", "ag-v1-body-base64.json"} <= taken


def _try(event):
    try:
        return _same_environ(event)
    except Exception:
        return False


def _headers(event: dict, headers: dict) -> dict:
    event["headers"] = dict(headers)
    event["multiValueHeaders"] = {k: [v] for k, v in headers.items()}
    return event


BASE = {"Host": "abc.execute-api.us-east-1.amazonaws.com", "X-Forwarded-Proto": "https"}

# (case, event changes, whether the shortcut must apply)
CASES = {
    "plain GET": ({}, True),
    "root path": ({"path": "/", "pathParameters": None, "requestContext": {"path": "/prod/"}}, True),
    "trailing slash": ({"path": "/a/", "requestContext": {"path": "/prod/a/"}}, True),
    "query with reserved characters": (
        {
            "queryStringParameters": {"q": "a b&c=d+e%", "x": ""},
            "multiValueQueryStringParameters": {"q": ["a b&c=d+e%"], "x": [""]},
        },
        True,
    ),
    "repeated query key": (
        {"queryStringParameters": {"k": "2"}, "multiValueQueryStringParameters": {"k": ["1", "2"]}},
        True,
    ),
    "text body": ({"httpMethod": "POST", "body": "héllo"}, True),
    "base64 body": ({"httpMethod": "POST", "body": "AAEC/w==", "isBase64Encoded": True}, True),
    "invalid base64 body": ({"httpMethod": "POST", "body": "@@@", "isBase64Encoded": True}, False),
    "lower-case method": ({"httpMethod": "get"}, False),  # API Gateway sends upper case
    "no source ip": ({"requestContext": {"identity": {}}}, False),  # console tests only
    "custom domain with base path": (
        {"path": "/v1/hello", "requestContext": {"path": "/v1/hello"}, "pathParameters": {"proxy": "hello"}},
        True,
    ),
    "custom domain without base path": ({"path": "/hello", "requestContext": {"path": "/hello"}}, True),
    "percent-encoded path": ({"path": "/caf%C3%A9", "requestContext": {"path": "/prod/caf%C3%A9"}}, False),
    "unicode path": ({"path": "/café", "requestContext": {"path": "/prod/café"}}, False),
    "space in path": ({"path": "/a b", "requestContext": {"path": "/prod/a b"}}, False),
    "headers only single-valued": ({"multiValueHeaders": None}, True),
    "plain query": (
        {"queryStringParameters": {"a": "1", "b": "x.y"}, "multiValueQueryStringParameters": {"b": ["x.y"], "a": ["1"]}},
        True,
    ),
    "query in the single map only": ({"queryStringParameters": {"a": "1"}}, False),
    "query with a null value": (
        {"queryStringParameters": {"a": None}, "multiValueQueryStringParameters": {"a": [None]}},
        False,
    ),
    "query maps that disagree": (
        {"queryStringParameters": {"a": "1", "b": "2"}, "multiValueQueryStringParameters": {"a": ["1"]}},
        True,
    ),
    "unicode query value": (
        {"queryStringParameters": {"q": "café"}, "multiValueQueryStringParameters": {"q": ["café"]}},
        True,
    ),
    "stage path with a double slash": ({"requestContext": {"path": "/prod//hello"}}, True),
    "percent-encoded stage path": ({"requestContext": {"path": "/pr%6Fd/hello"}}, True),
    "stage path that does not end with the path": ({"requestContext": {"path": "/prod/other"}}, True),
    "trailing slash only in the stage path": ({"requestContext": {"path": "/prod/hello/"}}, True),
    "stage that needs decoding": ({"requestContext": {"stage": "p%41", "path": "/p%41/hello"}}, True),
    "custom domain base path, stage that cannot be a prefix": (
        {"path": "/v1/hello", "requestContext": {"path": "/v1/hello", "stage": "a b"}, "pathParameters": {"proxy": "hello"}},
        True,
    ),
    "stage path with a doubled trailing slash": (
        {"path": "/a/", "requestContext": {"path": "/prod/a//"}, "pathParameters": {"proxy": "a/"}},
        True,
    ),
    "no stage": ({"requestContext": {"stage": None}}, True),
}

HEADER_CASES = {
    "cookie": ({**BASE, "Cookie": "a=1; b=2"}, True),
    "empty cookie": ({**BASE, "Cookie": ""}, True),
    "content-length sent with no body": ({**BASE, "Content-Length": "12"}, True),
    "content-type": ({**BASE, "Content-Type": "application/json"}, True),
    "forwarded port and proto": ({**BASE, "X-Forwarded-Port": "8443", "X-Forwarded-Proto": "HTTP"}, True),
    "host with port": ({"Host": "example.com:8080"}, True),
    "no host": ({"X-Forwarded-Proto": "https"}, True),
    "underscore name": ({**BASE, "X_Custom": "1"}, True),
    "names differing in case": ({**BASE, "accept": "a", "Accept": "b"}, False),
    "non-ascii value": ({**BASE, "X-Name": "Zoë"}, False),
    "value outside latin-1": ({**BASE, "X-Name": "€"}, False),
    "null cookie": ({**BASE, "Cookie": None}, False),
}


def _event(rest_event, changes: dict) -> dict:
    changes = copy.deepcopy(changes)
    rc = changes.pop("requestContext", {})
    event = rest_event(changes.pop("path", "/hello"), changes.pop("httpMethod", "GET"), requestContext=rc)
    event.update(changes)
    if "pathParameters" not in changes:
        event["pathParameters"] = {"proxy": event["path"].strip("/")} if event["path"].strip("/") else None
    return event


@pytest.mark.parametrize("case", sorted(CASES))
def test_event_shapes(case, rest_event):
    changes, applies = CASES[case]
    event = _event(rest_event, changes)
    assert _same_environ(event) is applies


@pytest.mark.parametrize("case", sorted(HEADER_CASES))
def test_header_shapes(case, rest_event):
    headers, applies = HEADER_CASES[case]
    event = _headers(_event(rest_event, {}), headers)
    assert _same_environ(event) is applies


def test_header_maps_that_disagree_go_the_general_way(rest_event):
    event = _headers(_event(rest_event, {}), {**BASE, "Accept": "b"})
    event["multiValueHeaders"]["Accept"] = ["a", "b"]  # repeated: joined with "," by parse()
    assert not _same_environ(event)
    event = _headers(_event(rest_event, {}), BASE)
    event["headers"]["X-Only-Single"] = "1"  # merged from the single map by parse()
    assert not _same_environ(event)
    event = _headers(_event(rest_event, {}), {**BASE, "X-Null": "x"})
    event["headers"]["X-Null"] = None
    event["multiValueHeaders"]["X-Null"] = [None]
    assert not _same_environ(event)


def test_cookie_and_body_keep_their_place(rest_event):
    event = _headers(_event(rest_event, {"httpMethod": "POST", "body": "abc"}), {**BASE, "Cookie": "a=1", "Content-Length": "9"})
    assert _same_environ(event)
    scope, body = asgi.rest_scope(event, CTX)
    assert scope["headers"][-2:] == [(b"cookie", b"a=1"), (b"content-length", b"3")] and body == b"abc"


def test_asgi_takes_latin1_values_wsgi_leaves(rest_event):
    event = _headers(_event(rest_event, {}), {**BASE, "X-Name": "Zoë"})
    assert not _same_environ(event)
    scope, _ = asgi.rest_scope(event, CTX)
    assert (b"x-name", "Zoë".encode("latin-1")) in scope["headers"]


@pytest.mark.parametrize("interface", ["wsgi", "asgi"])
def test_an_event_the_shortcut_chokes_on_gets_the_general_answer(interface, rest_event, wsgi_echo, asgi_echo):
    from shoehorn import adapt

    event = _headers(_event(rest_event, {"requestContext": {"domainName": {"odd": 1}}}), {"X-Forwarded-Proto": "https"})
    handler = adapt(wsgi_echo if interface == "wsgi" else asgi_echo)
    handler(rest_event(), None)  # the ASGI shortcut is armed after the first request
    try:  # the shortcut may decline (WSGI) or raise (ASGI): either way parse() gets the event
        assert (wsgi.rest_environ if interface == "wsgi" else asgi.rest_scope)(event, CTX) is None
    except TypeError:
        assert interface == "asgi"
    assert handler(event, None)["statusCode"] == 400  # what parse() answers for fields of the wrong type


@pytest.mark.parametrize(
    "event",
    [
        {"httpMethod": "GET"},
        {"httpMethod": "GET", "resource": "/"},
        {"httpMethod": "GET", "requestContext": None},
        {"httpMethod": "GET", "requestContext": {}},
        {"httpMethod": "GET", "requestContext": "x"},
        {"httpMethod": "GET", "requestContext": {"elb": {}}},
        {"httpMethod": "GET", "version": "1.0", "requestContext": {}},
        {"httpMethod": "GET", "version": "2.0", "requestContext": {}},
        {"version": "2.0", "requestContext": {"domainName": "x.lambda-url.us-east-1.on.aws"}},
        {"version": "2.0", "requestContext": {}},
        {"requestContext": {"elb": {}}},
        {},
    ],
)
def test_find_source_decides_as_the_detectors_do(event):
    from shoehorn.runtime.events import SOURCES

    assert find_source(event) is next((s for s in SOURCES if s.detect(event)), None)


def test_one_set_of_names_many_servers(rest_event):
    """Templates are remembered per server; an empty or missing Host falls back to the domain
    of each event, never to a remembered one."""
    seen = set()
    for host, domain in [("a.example", "x.example"), ("b.example:8443", "x.example"), ("", "d1.example"), ("", "d2.example"), ("a.example", "y.example")]:
        event = _headers(_event(rest_event, {"requestContext": {"domainName": domain}}), {"Host": host, "X-Forwarded-Proto": "https"})
        assert _same_environ(event)
        environ = wsgi.rest_environ(event, CTX)
        seen.add((environ["SERVER_NAME"], environ["SERVER_PORT"]))
    assert seen == {("a.example", "443"), ("b.example", "8443"), ("d1.example", "443"), ("d2.example", "443")}


def test_header_names_are_data_not_code(rest_event):
    """The per-shape fill function is generated; names reach it as constants, never as source."""
    odd = {**BASE, 'x"]; raise SystemExit #': "1", "x\nInjected": "2", "\\": "3"}
    event = _headers(_event(rest_event, {}), odd)
    assert _same_environ(event)
    environ = wsgi.rest_environ(event, CTX)
    assert environ['HTTP_X"]; RAISE SYSTEMEXIT #'] == "1" and environ["HTTP_X\nINJECTED"] == "2"


def test_an_event_with_no_headers_at_all(rest_event):
    event = _headers(_event(rest_event, {}), {})
    assert _same_environ(event)


def test_the_generated_fill_takes_over_from_the_second_request(rest_event):
    """The first request of a set of names fills with update(zip()) (no compiling on the cold
    start); from the second on, the generated function does, with the same result."""
    names = {**BASE, "X-Fresh-Set-Of-Names": "1", "Cookie": "a=1"}
    fills = []
    for _ in range(3):
        event = _headers(_event(rest_event, {}), names)
        assert _same_environ(event)
        fills.append(wsgi._SHAPES[tuple(event["headers"])][5])
    # the second request still fills with update(zip()), and puts the generated fill in place
    assert fills[0].__code__.co_filename != "<string>"
    assert fills[1] is fills[2] and fills[2].__code__.co_filename == "<string>"
    event["headers"]["X-Fresh-Set-Of-Names"] = event["multiValueHeaders"]["X-Fresh-Set-Of-Names"][0] = "Zoë"
    assert not _same_environ(event)  # the generated fill still sends non-ASCII values to parse()


@pytest.mark.parametrize("requests_before", [0, 2])
def test_a_repeated_header_declines_with_either_fill(rest_event, requests_before):
    """Both fills (update(zip()) on a set of names' first request, the generated one after)
    send a name with several values, or none, to parse()."""
    names = {**BASE, f"X-Repeat-{requests_before}": "b"}
    for _ in range(requests_before):
        assert _same_environ(_headers(_event(rest_event, {}), names))
    for values in (["a", "b"], []):
        event = _headers(_event(rest_event, {}), names)
        event["multiValueHeaders"][f"X-Repeat-{requests_before}"] = values
        assert not _same_environ(event)
