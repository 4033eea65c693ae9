"""Function URLs: payload 2.0 on a .lambda-url. domain, never a prefix."""

from __future__ import annotations

from shoehorn.runtime.events import find_source, http, url
from shoehorn.runtime.types import Response


def _url_event(http_event, path="/x", **kw):
    event = http_event(path, **kw)
    event["requestContext"]["domainName"] = "abcdef.lambda-url.us-east-1.on.aws"
    event["headers"]["host"] = "abcdef.lambda-url.us-east-1.on.aws"
    return event


def test_detected_before_http_api(http_event):
    assert find_source(_url_event(http_event)) is url
    assert find_source(http_event()) is http


def test_no_prefix_even_with_a_stage_like_segment(http_event):
    event = _url_event(http_event, "/Prod/x")
    event["requestContext"]["stage"] = "Prod"  # never the case for Function URLs, but no guessing
    req = url.read(event)
    assert (req.root_path, req.path, req.source) == ("", "/Prod/x", "url")


def test_parse_fields(http_event):
    event = _url_event(http_event, "/a b", rawQueryString="q=1&q=2", cookies=["s=1"])
    req = url.read(event)
    assert req.raw_path == b"/a%20b" and req.query_string == b"q=1&q=2"
    assert ("cookie", "s=1") in req.headers
    assert req.server == ("abcdef.lambda-url.us-east-1.on.aws", 443) and req.scheme == "https"


def test_render_same_as_http_api():
    response = Response(200, (("set-cookie", "a=1"), ("content-type", "image/png")), b"\x89PNG")
    event = {"requestContext": {"http": {"method": "GET"}}}
    assert url.render(response, event) == http.render(response, event)
    assert url.render(response, event)["cookies"] == ["a=1"]
