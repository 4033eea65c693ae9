"""shoehorn.gateway: the events AWS fronts send (checked against real samples) and how they
read proxy responses (including the ones they reject with a 502)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shoehorn import adapt
from shoehorn.gateway import SOURCES, MalformedResponse, build_event, read_response
from shoehorn.runtime.events import find_source

EVENTS = Path(__file__).parent / "conformance" / "events"  # published samples (SOURCES.md there)

REFERENCES = {
    "rest": [
        "aws-lambda-rust-runtime/example-apigw-request-multi-value-parameters.json",
        "bref/ag-v1-stage-prefix.json",
        "bref/ag-no-version.json",
    ],
    "http": [
        "aws-lambda-rust-runtime/example-apigw-v2-request-no-authorizer.json",
        "powertools-lambda-python/apiGatewayProxyV2Event.json",
        "bref/ag-v2-cookies.json",
    ],
    "url": [
        "powertools-lambda-python/lambdaFunctionUrlEvent.json",
        "powertools-lambda-python/lambdaFunctionUrlIAMEvent.json",
        "powertools-lambda-python/lambdaFunctionUrlEventWithHeaders.json",
    ],
    "alb": [
        "powertools-lambda-python/albEvent.json",
        "powertools-lambda-python/albMultiValueQueryStringEvent.json",
        "aws-lambda-rust-runtime/alb_multi_value_request_encoded_query_parameters.json",
    ],
}


def _kind(value) -> str:
    return {dict: "object", list: "array", str: "string", bool: "bool", int: "number", float: "number", type(None): "null"}[type(value)]


def _sample_event(source, **kw):
    kw.setdefault("multi_value", True)
    return build_event(
        source, "POST", "/prod/things/1" if source in ("rest", "http") else "/things/1", b"a=1&a=2&b=x%2By",
        [("Content-Type", "application/json"), ("Cookie", "s=1; t=2"), ("User-Agent", "test")], b'{"k": 1}', **kw
    )


@pytest.mark.parametrize("source", ["rest", "http", "url", "alb"])
def test_keys_and_value_shapes_match_real_samples(source):
    samples = [json.loads((EVENTS / name).read_text()) for name in REFERENCES[source]]
    ours = _sample_event(source)
    for section in (None, "requestContext"):
        mine = ours if section is None else ours[section]
        theirs = [s if section is None else s[section] for s in samples]
        union = set().union(*theirs)
        required = set.intersection(*(set(t) for t in theirs))
        if source == "alb" and section is None:  # one header/query mode per event
            required -= {"headers", "multiValueHeaders", "queryStringParameters", "multiValueQueryStringParameters"}
        assert set(mine) <= union, f"{source} {section}: keys AWS never sends: {set(mine) - union}"
        assert required <= set(mine), f"{source} {section}: missing {required - set(mine)}"
        for key, value in mine.items():
            kinds = {_kind(t[key]) for t in theirs if key in t}
            if value is not None and "null" not in kinds or value is None:
                assert _kind(value) in kinds | {"null"}, (source, section, key, value, kinds)
    assert find_source(ours).__name__.endswith(source)


def test_http_request_context_http_block_matches():
    sample = json.loads((EVENTS / REFERENCES["http"][0]).read_text())["requestContext"]["http"]
    assert set(_sample_event("http")["requestContext"]["http"]) == set(sample)


def test_rest_execute_api_stage_in_url():
    e = build_event("rest", "GET", "/prod/a%20b/", "", [], b"", stage="prod")
    assert e["path"] == "/a%20b/" and e["requestContext"]["path"] == "/prod/a%20b/"
    assert e["resource"] == "/{proxy+}" and e["pathParameters"] == {"proxy": "a b"}
    root = build_event("rest", "GET", "/prod", "", [], b"")
    assert root["path"] == "/" and root["resource"] == "/" and root["pathParameters"] is None


def test_rest_custom_domain_base_path():
    e = build_event("rest", "GET", "/api/users/7", "", [], b"", base_path="api", host="example.com")
    assert e["path"] == e["requestContext"]["path"] == "/api/users/7"
    assert e["pathParameters"] == {"proxy": "users/7"} and e["requestContext"]["stage"] == "prod"
    with pytest.raises(ValueError, match="base-path"):
        build_event("rest", "GET", "/other", "", [], b"", base_path="api")


def test_rest_without_stage_in_url_is_sam_local_style():
    e = build_event("rest", "GET", "/users", "", [], b"", stage="prod")
    assert e["path"] == e["requestContext"]["path"] == "/users"


def test_rest_query_headers_body():
    e = build_event("rest", "POST", "/prod/x", "a=1&a=2&b=x%2By&c=&d", [("X-A", "1"), ("x-a", "2")], b"\x00\xff")
    assert e["multiValueQueryStringParameters"] == {"a": ["1", "2"], "b": ["x+y"], "c": [""], "d": [""]}
    assert e["queryStringParameters"] == {"a": "2", "b": "x+y", "c": "", "d": ""}
    assert e["multiValueHeaders"]["X-A"] == ["1", "2"] and e["headers"]["X-A"] == "2"
    assert e["isBase64Encoded"] is True and base64.b64decode(e["body"]) == b"\x00\xff"
    assert e["requestContext"]["identity"]["sourceIp"] == "127.0.0.1"
    assert e["headers"]["X-Forwarded-For"] == "127.0.0.1"
    empty = build_event("rest", "GET", "/prod/x", "", [], b"")
    assert empty["body"] is None and empty["queryStringParameters"] is None


def test_http_stage_and_cookies():
    e = build_event("http", "GET", "/prod/x", "q=1&q=2", [("Cookie", "a=1; b=2"), ("X-A", "1"), ("X-A", "2")], b"", stage="prod")
    assert e["rawPath"] == "/prod/x" and e["requestContext"]["stage"] == "prod"
    assert e["cookies"] == ["a=1", "b=2"] and "cookie" not in e["headers"]
    assert e["headers"]["x-a"] == "1,2"
    assert e["rawQueryString"] == "q=1&q=2" and e["queryStringParameters"] == {"q": "1,2"}
    assert "body" not in e and e["isBase64Encoded"] is False
    default = build_event("http", "GET", "/x", "", [], b"", stage="prod")
    assert default["requestContext"]["stage"] == "$default"


def test_v2_body_text_or_base64():
    text = build_event("url", "POST", "/", "", [("Content-Type", "application/json")], b'{"a":1}')
    assert (text["body"], text["isBase64Encoded"]) == ('{"a":1}', False)
    binary = build_event("url", "POST", "/", "", [("Content-Type", "image/png")], b"\x89PNG")
    assert binary["isBase64Encoded"] is True and base64.b64decode(binary["body"]) == b"\x89PNG"
    assert ".lambda-url." in binary["requestContext"]["domainName"]
    assert binary["requestContext"]["stage"] == "$default"


@pytest.mark.parametrize("source", ["rest", "http", "url", "alb"])
def test_hop_by_hop_headers_stay_with_the_front_as_in_every_captured_event(source):
    # No REST, HTTP API or Function URL event captured from AWS carries Connection or Transfer-Encoding;
    # ALB's do carry Connection (powertools albEvent.json)
    sent = [("Connection", "keep-alive"), ("Keep-Alive", "timeout=5"), ("Transfer-Encoding", "chunked"),
            ("TE", "trailers"), ("Upgrade", "h2c"), ("X-Kept", "1")]
    event = build_event(source, "POST", "/prod/x" if source in ("rest", "http") else "/x", "", sent, b"body",
                        stage="prod")
    names = {name.lower() for name in event["headers"]}
    assert "x-kept" in names
    assert names.isdisjoint({"keep-alive", "transfer-encoding", "te", "upgrade"})
    assert ("connection" in names) is (source == "alb")


def test_alb_modes_and_undecoded_query():
    single = build_event("alb", "GET", "/x", "k=%3Fa%3Db&k=2", [("X-A", "1"), ("X-A", "2")], b"", multi_value=False)
    assert single["queryStringParameters"] == {"k": "2"}
    assert single["headers"]["x-a"] == "2" and "multiValueHeaders" not in single
    multi = build_event("alb", "GET", "/x", "k=%3Fa%3Db&k=2", [("X-A", "1"), ("X-A", "2")], b"", multi_value=True)
    assert build_event("alb", "GET", "/x", "", [], b"").keys() >= {"headers", "queryStringParameters"}  # AWS's default
    assert multi["multiValueQueryStringParameters"] == {"k": ["%3Fa%3Db", "2"]}
    assert multi["multiValueHeaders"]["x-a"] == ["1", "2"]
    assert multi["body"] == "" and multi["isBase64Encoded"] is False


def test_unknown_source():
    with pytest.raises(ValueError, match="unknown event source"):
        build_event("sqs", "GET", "/", "", [], b"")
    with pytest.raises(ValueError, match="unknown event source"):
        read_response("sqs", {})


# -- round trip: what the app sees is what the client sent ------------------------------------


@pytest.mark.parametrize("source", ["rest", "http", "url", "alb"])
@pytest.mark.parametrize("multi_value", [True, False])
def test_round_trip_through_the_handler(source, multi_value):
    seen = {}

    def app(environ, start_response):
        seen.update(
            method=environ["REQUEST_METHOD"],
            root=environ["SCRIPT_NAME"],
            path=environ["PATH_INFO"].encode("latin-1").decode(),
            query=parse_qsl(environ["QUERY_STRING"], keep_blank_values=True),
            cookie=environ.get("HTTP_COOKIE"),
            x=environ.get("HTTP_X_THING"),
            body=environ["wsgi.input"].read(),
            client=environ["REMOTE_ADDR"],
        )
        start_response("200 OK", [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("Content-Type", "image/png")])
        return [b"\x89PNG\x00"]

    path = "/prod/caf%C3%A9/x" if source in ("rest", "http") else "/caf%C3%A9/x"
    event = build_event(
        source, "PUT", path, "a=1&a=2&p=%2B&e=", [("X-Thing", "v"), ("Cookie", "c=1; d=2")], b"\x00body",
        client_ip="198.51.100.1", multi_value=multi_value,
    )
    status, headers, body = read_response(source, adapt(app)(event, None))
    assert (status, body) == (200, b"\x89PNG\x00")
    assert sorted(v for k, v in headers if k.lower() == "set-cookie") == ["a=1", "b=2"]
    assert seen["method"] == "PUT" and seen["path"] == "/café/x"
    assert seen["root"] == ("/prod" if source in ("rest", "http") else "")
    assert seen["query"] == [("a", "1"), ("a", "2"), ("p", "+"), ("e", "")] or source == "alb" and not multi_value
    assert seen["cookie"] == "c=1; d=2" and seen["x"] == "v" and seen["body"] == b"\x00body"
    assert seen["client"] == "198.51.100.1"


# -- read_response ----------------------------------------------------------------------------


def test_read_rest_merges_headers_multi_value_wins():
    status, headers, body = read_response(
        "rest",
        {"statusCode": 201, "headers": {"A": "x", "B": "1"}, "multiValueHeaders": {"A": ["y", "z"]}, "body": "hi", "isBase64Encoded": False},
    )
    assert status == 201 and body == b"hi"
    assert sorted(headers) == [("A", "y"), ("A", "z"), ("B", "1")]


def test_read_base64_and_cookies():
    result = {"statusCode": 200, "cookies": ["a=1", "b=2"], "body": base64.b64encode(b"\x00").decode(), "isBase64Encoded": True}
    status, headers, body = read_response("http", result)
    assert body == b"\x00" and headers == [("set-cookie", "a=1"), ("set-cookie", "b=2")]


def test_v2_without_status_code_is_a_json_body():
    # HTTP API docs: a function result without statusCode becomes a 200 JSON body
    assert read_response("http", {"hello": "world"}) == (200, [("content-type", "application/json")], b'{"hello": "world"}')
    assert read_response("url", "text")[2] == b'"text"'


def test_alb_single_value_case_variants_are_all_set_cookies():
    result = {"statusCode": 200, "statusDescription": "200 OK", "headers": {"Set-Cookie": "a=1", "set-Cookie": "b=2"}, "body": "", "isBase64Encoded": False}
    cookies = [v for k, v in read_response("alb", result)[1] if k.lower() == "set-cookie"]
    assert sorted(cookies) == ["a=1", "b=2"]


@pytest.mark.parametrize(
    ("source", "result", "match"),
    [
        ("rest", {"statusCode": 200, "statusDescription": "200 OK", "body": ""}, "statusDescription"),
        ("rest", {"body": "x"}, "statusCode"),
        ("rest", ["not", "a", "dict"], "JSON object"),
        ("alb", {"statusCode": "200", "body": ""}, "integer"),
        ("rest", {"statusCode": 200, "body": "@@@", "isBase64Encoded": True}, "base64"),
        ("rest", {"statusCode": 200, "body": {"a": 1}}, "body must be a string"),
        ("rest", {"statusCode": 200, "headers": {"A": {"b": 1}}}, "header"),
        ("rest", {"statusCode": 200, "multiValueHeaders": {"A": "x"}}, "list"),
        ("http", {"statusCode": 700}, "100-599"),
        # found by the property test below: each raised TypeError/ValueError or was accepted
        ("http", {"statusCode": 200, "cookies": 1}, "cookies must be a list"),
        ("http", {"statusCode": 200, "cookies": ["a=1", 2]}, "cookies must be a list of strings"),
        ("url", {"statusCode": 200, "cookies": ["a=1\r\nX-Evil: 1"]}, "control character"),
        ("rest", {"statusCode": "²", "body": ""}, "100-599"),
        ("rest", {"statusCode": "٢٠٠", "body": ""}, "100-599"),  # Arabic-Indic "200"
        # found by fuzzing: a lone surrogate (JSON allows "\udcff") raised UnicodeEncodeError, and a
        # name that is no HTTP token (or not latin-1) crashed the local front (it cannot send them)
        ("rest", {"statusCode": 200, "body": "\udcff"}, "body"),
        ("http", {"statusCode": 200, "headers": {"X-A": "\udcff"}}, "X-A"),
        ("url", {"statusCode": 200, "cookies": ["a=\udcff"]}, "set-cookie"),
        ("rest", {"statusCode": 200, "headers": {"☃": "x"}}, "HTTP token"),
        ("alb", {"statusCode": 200, "multiValueHeaders": {"X A": ["x"]}}, "HTTP token"),
        ("http", {"statusCode": 200, "headers": {"": "x"}}, "HTTP token"),
        ("rest", {"statusCode": 200, "headers": {"X\r\nEvil": "1"}}, "HTTP token"),
    ],
)
def test_malformed_responses_raise(source, result, match):
    with pytest.raises(MalformedResponse, match=match):
        read_response(source, result)
    assert issubclass(MalformedResponse, ValueError)


def test_rest_renames_the_headers_it_sends_itself_as_api_gateway_does():
    # A REST API's Lambda proxy answer: Date, Server, Connection and Content-Length go out as
    # x-amzn-Remapped-<name> (the API sends its own); anything else as the function sent it.
    result = {"statusCode": 401, "body": "", "headers": {"date": "x", "Server": "s", "WWW-Authenticate": "Basic"},
              "multiValueHeaders": {"content-length": ["0"], "Connection": ["close"]}}
    assert read_response("rest", result)[1] == [
        ("x-amzn-Remapped-Date", "x"), ("x-amzn-Remapped-Server", "s"), ("WWW-Authenticate", "Basic"),
        ("x-amzn-Remapped-Content-Length", "0"), ("x-amzn-Remapped-Connection", "close")]
    assert read_response("http", {**result, "multiValueHeaders": {}})[1][0] == ("date", "x")  # REST only


def test_rest_accepts_numeric_string_status():
    assert read_response("rest", {"statusCode": "404", "body": ""})[0] == 404


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.floats(allow_nan=False), st.text(max_size=12))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)), max_leaves=8)
_KEYS = st.sampled_from(["statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded", "cookies", "statusDescription", "x"])


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_VALUES, st.dictionaries(_KEYS, _VALUES, max_size=6)), st.sampled_from(SOURCES))
def test_any_json_answer_is_read_or_refused_as_malformed(result, source):
    """Whatever a handler returns, a front reads it or answers 502 for it (MalformedResponse):
    never a TypeError that the local front would turn into its own 500, or `invoke` into a crash."""
    try:
        status, headers, body = read_response(source, result)
    except MalformedResponse:
        return
    assert type(status) is int and 100 <= status <= 599 and type(body) is bytes
    assert all(type(name) is str and type(value) is str for name, value in headers)


@pytest.mark.parametrize("source", ["http", "url"])
def test_payload_2_answers_read_headers_and_cookies_never_multi_value_headers(source):
    # payload 2.0's response format has headers and cookies only (HTTP API docs); Function URLs ignore
    # multiValueHeaders (serverless-express #554): a handler written for payload 1.0 loses those headers
    result = {"statusCode": 200, "headers": {"X-A": "1"}, "multiValueHeaders": {"X-B": ["2", "3"]},
              "cookies": ["c=1"], "body": ""}
    _, headers, _ = read_response(source, result)
    assert headers == [("X-A", "1"), ("set-cookie", "c=1")]
    _, rest_headers, _ = read_response("rest", {k: v for k, v in result.items() if k != "cookies"})
    assert ("X-B", "3") in rest_headers
