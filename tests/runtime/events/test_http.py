"""HTTP API (payload 2.0): named stage in rawPath, rawQueryString, cookies[], rendering."""

from __future__ import annotations

import base64

import pytest

from shoehorn.runtime.errors import MalformedEvent
from shoehorn.runtime.events import http, url
from shoehorn.runtime.types import Response


def test_detect():
    assert http.detect({"version": "2.0", "requestContext": {}})
    assert not http.detect({"version": "1.0", "httpMethod": "GET", "requestContext": {}})


def test_named_stage_in_raw_path_is_the_prefix(http_event):
    # rust apigw_v2_proxy_request_with_stage_in_path.json: rawPath "/Prod/my/path"
    req = http.read(http_event("/Prod/my/path", stage="Prod"))
    assert (req.root_path, req.path, req.raw_path) == ("/Prod", "/my/path", b"/my/path")


def test_named_stage_root(http_event):
    req = http.read(http_event("/Prod", stage="Prod"))
    assert (req.root_path, req.path) == ("/Prod", "/")


def test_default_stage_has_no_prefix(http_event):
    req = http.read(http_event("/Prod/x", stage="$default"))
    assert (req.root_path, req.path) == ("", "/Prod/x")


def test_stage_name_as_a_mere_path_prefix_is_not_stripped(http_event):
    req = http.read(http_event("/Production/x", stage="Prod"))
    assert (req.root_path, req.path) == ("", "/Production/x")


def test_raw_path_keeps_trailing_slash_and_encoding(http_event):
    event = http_event("/a%2Fb/c%20d/")
    event["requestContext"]["http"]["path"] = "/a/b/c d"  # loses the slash (apig-wsgi #376)
    req = http.read(event)
    assert req.path == "/a/b/c d/" and req.raw_path == b"/a%2Fb/c%20d/"


def test_literal_space_in_raw_path(http_event):
    req = http.read(http_event("/my/path-with space"))
    assert req.path == "/my/path-with space" and req.raw_path == b"/my/path-with%20space"


def test_raw_query_string_passes_through(http_event):
    q = "a=1&a=2&plus=%2B&sp=a+b&empty=&bare&eq=x%3Dy%26z"
    assert http.read(http_event(rawQueryString=q)).query_string == q.encode()
    assert http.read(http_event(rawQueryString="?x=1")).query_string == b"x=1"


def test_cookies_array_becomes_one_cookie_header(http_event):
    event = http_event(cookies=["a=1", "b=%2F+"])
    event["headers"]["cookie"] = "stray=1"
    req = http.read(event)
    assert [v for k, v in req.headers if k == "cookie"] == ["stray=1; a=1; b=%2F+"]


def test_comma_joined_header_stays_as_sent(http_event):
    event = http_event()
    event["headers"]["x-multi"] = "a,b"
    assert ("x-multi", "a,b") in http.read(event).headers


def test_client_from_http_source_ip(http_event):
    event = http_event()
    event["headers"]["x-forwarded-for"] = "6.6.6.6"
    assert http.read(event).client == ("198.51.100.8", 0)


def test_base64_body(http_event):
    event = http_event(body=base64.b64encode(b"\x00\x01").decode(), isBase64Encoded=True)
    assert http.read(event).body == b"\x00\x01"


def test_render_cookies_array_and_joined_headers():
    response = Response(
        201,
        (("Set-Cookie", "a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT"), ("set-cookie", "b=2"), ("Vary", "A"), ("Vary", "B"), ("Content-Type", "text/plain")),
        b"ok",
    )
    out = http.render(response, {"requestContext": {"http": {"method": "GET"}}})
    assert out["cookies"] == ["a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT", "b=2"]
    assert out["headers"] == {"Vary": "A, B", "Content-Type": "text/plain"}
    assert out["statusCode"] == 201 and out["body"] == "ok" and out["isBase64Encoded"] is False


def test_render_head_has_no_body():
    out = http.render(Response(200, (), b"x"), {"requestContext": {"http": {"method": "HEAD"}}})
    assert out["body"] == "" and "cookies" not in out


def test_function_url_is_not_http(http_event):
    event = http_event()
    event["requestContext"]["domainName"] = "abc.lambda-url.us-east-1.on.aws"
    assert url.detect(event)
    event["requestContext"]["domainName"] = "abc.execute-api.us-east-1.amazonaws.com"
    assert not url.detect(event)


def test_status_description_only_for_alb():
    out = http.render(Response(200, (), b""), {"requestContext": {"http": {"method": "GET"}}})
    assert "statusDescription" not in out


def test_a_stage_name_with_a_slash_is_no_prefix(http_event):
    # malformed events (fuzzing): root_path "/prod/" or "//" reached the app; stage names never hold "/"
    for raw_path, stage in (("/prod/", "prod/"), ("///x", "/"), ("/a/b/x", "a/b")):
        req = http.read(http_event(raw_path, stage=stage))
        assert (req.root_path, req.path) == ("", raw_path)


def test_a_lone_surrogate_in_cookies_is_a_bad_event(http_event):
    # found by fuzzing: checked in headers but not in cookies[], it reached the drivers (a 500 "shoehorn bug")
    with pytest.raises(MalformedEvent, match="cookies"):
        http.read(http_event(cookies=["a=\udcff"]))
