"""REST API (payload 1.0): prefix derivation, query re-encoding, headers, bodies, rendering."""

from __future__ import annotations

import base64
from urllib.parse import parse_qsl

import pytest

from shoehorn.runtime.errors import MalformedEvent
from shoehorn.runtime.events import rest
from shoehorn.runtime.types import Response

# -- paths and prefixes (checklist 4-11) ------------------------------------------------------


def test_execute_api_stage_is_the_prefix_and_not_in_the_path(rest_event):
    # path lacks the stage, requestContext.path has it (bref ag-v1-stage-prefix.json)
    req = rest.read(rest_event("/users/7"))
    assert (req.root_path, req.path, req.raw_path) == ("/prod", "/users/7", b"/users/7")


def test_execute_api_root_path(rest_event):
    event = rest_event("/", requestContext={"path": "/prod/"}, resource="/", pathParameters=None)
    req = rest.read(event)
    assert (req.root_path, req.path) == ("/prod", "/")


def test_execute_api_root_without_trailing_slash(rest_event):
    event = rest_event("/", requestContext={"path": "/prod"}, resource="/", pathParameters=None)
    assert rest.read(event).root_path == "/prod"


def test_custom_domain_base_path_mapping(rest_event):
    # custom domain + base path "api": path == requestContext.path, both include the base path
    # (powertools #576); pathParameters.proxy is the app's path
    event = rest_event(
        "/api/users/7", requestContext={"path": "/api/users/7"}, pathParameters={"proxy": "users/7"}
    )
    req = rest.read(event)
    assert (req.root_path, req.path, req.raw_path) == ("/api", "/users/7", b"/users/7")


def test_custom_domain_base_path_root_resource(rest_event):
    event = rest_event("/api/", requestContext={"path": "/api/"}, resource="/", pathParameters=None)
    req = rest.read(event)
    assert (req.root_path, req.path) == ("/api", "/")


def test_custom_domain_base_path_keeps_trailing_slash(rest_event):
    event = rest_event(
        "/api/users/", requestContext={"path": "/api/users/"}, pathParameters={"proxy": "users"}
    )
    req = rest.read(event)
    assert (req.root_path, req.path) == ("/api", "/users/")


def test_custom_domain_without_mapping_has_no_prefix(rest_event):
    event = rest_event("/users/7", requestContext={"path": "/users/7"}, pathParameters={"proxy": "users/7"})
    req = rest.read(event)
    assert (req.root_path, req.path) == ("", "/users/7")


def test_sam_local_stage_in_neither_path_means_no_prefix(rest_event):
    # rust example-apigw-sam-rest-request.json: stage "Prod", path == rc.path == "/test"
    event = rest_event("/test", resource="/test", pathParameters=None, requestContext={"path": "/test", "stage": "Prod"})
    req = rest.read(event)
    assert (req.root_path, req.path) == ("", "/test")


def test_console_test_without_requestcontext_path(rest_event):
    event = rest_event("/x", requestContext={"stage": "test-invoke-stage"})
    del event["requestContext"]["path"]
    assert rest.read(event).root_path == ""


def test_trailing_slash_survives(rest_event):
    # apig-wsgi #376: dropping it makes Django redirect forever
    event = rest_event("/my/path/", requestContext={"path": "/prod/my/path/"})
    assert rest.read(event).path == "/my/path/"


def test_requestcontext_path_without_trailing_slash(rest_event):
    # powertools apiGatewayProxyEventPathTrailingSlash.json: path "/my/path/", rc.path "/my/path"
    event = rest_event("/my/path/", resource="/my/path", pathParameters=None, requestContext={"path": "/my/path"})
    req = rest.read(event)
    assert (req.root_path, req.path) == ("", "/my/path/")


def test_percent_encoded_path_is_decoded_and_raw_kept(rest_event):
    event = rest_event("/files/a%2Fb%20c", requestContext={"path": "/prod/files/a%2Fb%20c"})
    req = rest.read(event)
    assert req.path == "/files/a/b c"
    assert req.raw_path == b"/files/a%2Fb%20c"
    assert req.root_path == "/prod"


def test_unicode_path(rest_event):
    event = rest_event("/café/ü", requestContext={"path": "/prod/café/ü"})
    req = rest.read(event)
    assert req.path == "/café/ü"
    assert req.raw_path == b"/caf%C3%A9/%C3%BC"


# -- query strings (checklist 12, 13, 16, 17) -------------------------------------------------


def _query(req):
    return parse_qsl(req.query_string.decode(), keep_blank_values=True)


def test_query_values_are_re_encoded(rest_event):
    # API Gateway decodes v1 values: "+02:00" must not come back as " 02:00" (apig-wsgi #186)
    values = {"tz": ["+02:00"], "q": ["a&b=c"], "sp": ["a b"], "pct": ["100%"], "uni": ["café"]}
    req = rest.read(rest_event(multiValueQueryStringParameters=values, queryStringParameters={k: v[-1] for k, v in values.items()}))
    assert _query(req) == [("tz", "+02:00"), ("q", "a&b=c"), ("sp", "a b"), ("pct", "100%"), ("uni", "café")]
    assert b"%2B02%3A00" in req.query_string or b"%2B02:00" in req.query_string


def test_repeated_keys_and_empty_values(rest_event):
    event = rest_event(
        multiValueQueryStringParameters={"a": ["1", "2"], "empty": [""], "k=y": ["v"]},
        queryStringParameters={"a": "2", "empty": "", "k=y": "v"},
    )
    assert _query(rest.read(event)) == [("a", "1"), ("a", "2"), ("empty", ""), ("k=y", "v")]


def test_bracket_keys(rest_event):
    event = rest_event(multiValueQueryStringParameters={"foo[]": ["bar", "baz"], "shapes[a][]": ["square"]})
    assert _query(rest.read(event)) == [("foo[]", "bar"), ("foo[]", "baz"), ("shapes[a][]", "square")]


def test_single_value_query_when_no_multi_value_map(rest_event):
    event = rest_event(queryStringParameters={"x": "1 2"})
    assert _query(rest.read(event)) == [("x", "1 2")]


# -- headers, client, server (checklist 3, 18, 20-25) -----------------------------------------


def test_null_fields_do_not_crash(rest_event):
    event = rest_event(headers=None, multiValueHeaders=None, queryStringParameters=None, body=None)
    event["requestContext"] = None
    req = rest.read(event)
    assert req.headers == () and req.query_string == b"" and req.body == b""
    assert req.server == ("localhost", 443) and req.client is None


def test_multi_value_headers_win_and_repeats_are_kept(rest_event):
    event = rest_event(
        headers={"X-Thing": "b", "Only-Single": "s"},
        multiValueHeaders={"X-Thing": ["a", "b"]},
    )
    req = rest.read(event)
    assert [v for k, v in req.headers if k == "x-thing"] == ["a", "b"]
    assert ("only-single", "s") in req.headers


def test_header_names_are_lower_cased(rest_event):
    req = rest.read(rest_event(headers={"X-MiXeD": "1"}, multiValueHeaders=None))
    assert ("x-mixed", "1") in req.headers


def test_cookie_headers_joined_with_semicolon(rest_event):
    # HTTP/2 clients send several Cookie headers; join with "; " (smithy-typescript #1997)
    req = rest.read(rest_event(multiValueHeaders={"Cookie": ["a=1", "b=2"], "cookie": ["c=3"]}, headers=None))
    assert [v for k, v in req.headers if k == "cookie"] == ["a=1; b=2; c=3"]


def test_client_ip_from_identity_not_x_forwarded_for(rest_event):
    event = rest_event(headers={"X-Forwarded-For": "6.6.6.6, 198.51.100.7"}, multiValueHeaders=None)
    assert rest.read(event).client == ("198.51.100.7", 0)


def test_non_ip_source_values(rest_event):
    req = rest.read(rest_event(requestContext={"identity": {"sourceIp": "test-invoke-source-ip"}}))
    assert req.client == ("test-invoke-source-ip", 0)
    req = rest.read(rest_event(requestContext={"identity": {"sourceIp": "192.168.0.1/32"}}))
    assert req.client == ("192.168.0.1", 0)


def test_no_host_falls_back_to_domain_name(rest_event):
    event = rest_event(headers=None, multiValueHeaders=None)
    assert rest.read(event).server == ("abc.execute-api.us-east-1.amazonaws.com", 443)


def test_forwarded_proto_and_port_drive_scheme_and_server(rest_event):
    event = rest_event(headers={"Host": "example.com:8443", "X-Forwarded-Proto": "http"}, multiValueHeaders=None)
    req = rest.read(event)
    assert req.scheme == "http" and req.server == ("example.com", 8443)
    event = rest_event(headers={"Host": "example.com", "X-Forwarded-Port": "9000"}, multiValueHeaders=None)
    assert rest.read(event).server == ("example.com", 9000)


def test_content_length_computed_from_decoded_body(rest_event):
    body = "héllo".encode()
    event = rest_event(
        "/x", "POST", body=base64.b64encode(body).decode(), isBase64Encoded=True,
        headers={"Content-Length": "999"}, multiValueHeaders=None,
    )
    req = rest.read(event)
    assert req.body == body
    assert [v for k, v in req.headers if k == "content-length"] == [str(len(body))]


# -- bodies (checklist 26, 27) ----------------------------------------------------------------


def test_text_body_utf8(rest_event):
    req = rest.read(rest_event("/x", "POST", body="emoji 😀"))
    assert req.body == "emoji 😀".encode()


def test_invalid_base64_body_is_malformed(rest_event):
    with pytest.raises(MalformedEvent, match="base64"):
        rest.read(rest_event("/x", "POST", body="Hello from Lambda!", isBase64Encoded=True))


# -- rendering (checklist 28-37) --------------------------------------------------------------


def _render(status=200, headers=(), body=b"", method="GET"):
    return rest.render(Response(status, tuple(headers), body), {"httpMethod": method})


def test_every_set_cookie_in_multi_value_headers_never_joined():
    cookies = ["a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT", "b=2"]
    out = _render(headers=[("Set-Cookie", c) for c in cookies] + [("Content-Type", "text/plain")], body=b"x")
    assert out["multiValueHeaders"] == {"Set-Cookie": cookies}
    assert out["headers"] == {"Content-Type": "text/plain"}
    assert "statusDescription" not in out  # REST answers 502 to it (apig-wsgi 2.1.1)


def test_text_stays_text_binary_is_base64():
    assert _render(headers=[("Content-Type", "application/json")], body=b'{"a":1}')["body"] == '{"a":1}'
    png = b"\x89PNG\r\n\x1a\n\x00"
    out = _render(headers=[("Content-Type", "image/png")], body=png)
    assert out["isBase64Encoded"] is True and base64.b64decode(out["body"]) == png


def test_content_encoding_forces_base64():
    out = _render(headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")], body=b"\x1f\x8b")
    assert out["isBase64Encoded"] is True


@pytest.mark.parametrize("content_type", ["image/svg+xml", "application/vnd.api+json", "application/problem+json", "text/csv; charset=utf-8"])
def test_text_like_types_stay_text(content_type):
    out = _render(headers=[("Content-Type", content_type)], body=b"<svg/>")
    assert out == {**out, "body": "<svg/>", "isBase64Encoded": False}


def test_text_type_with_non_utf8_bytes_is_base64():
    out = _render(headers=[("Content-Type", "text/plain; charset=latin-1")], body="é".encode("latin-1"))
    assert out["isBase64Encoded"] is True


def test_missing_content_type():
    assert _render(body=b"hi")["body"] == "hi"
    assert _render(body=b"\xff\xfe")["isBase64Encoded"] is True


def test_response_encoding_ignores_request_flag():
    # mangum #92: a base64 request must not make a JSON response base64
    out = rest.render(Response(200, (("content-type", "application/json"),), b"{}"), {"httpMethod": "POST", "isBase64Encoded": True})
    assert out["isBase64Encoded"] is False and out["body"] == "{}"


@pytest.mark.parametrize(("status", "method"), [(200, "HEAD"), (204, "GET"), (304, "GET"), (101, "GET")])
def test_no_body_for_head_204_304_1xx(status, method):
    out = _render(status=status, headers=[("Content-Type", "text/plain")], body=b"should vanish", method=method)
    assert out["body"] == "" and out["statusCode"] == status


def test_other_duplicate_headers_go_to_multi_value():
    out = _render(headers=[("Vary", "Accept"), ("vary", "Cookie")])
    assert out["multiValueHeaders"] == {"Vary": ["Accept", "Cookie"]}


def test_prefix_never_comes_from_the_host(rest_event):
    # serverless-wsgi/Zappa add "/stage" when Host contains amazonaws.com, which breaks behind
    # CloudFront or SAM local (anchors item 6); only the event's paths decide here
    sam_like = rest_event("/x", requestContext={"path": "/x"}, pathParameters={"proxy": "x"})
    assert rest.read(sam_like).root_path == ""
    behind_cdn = rest_event("/x", headers={"Host": "www.example.com"}, multiValueHeaders=None)
    assert rest.read(behind_cdn).root_path == "/prod"



@pytest.mark.parametrize(("content_type", "encoding"), [("Content-Type", "Content-Encoding"), ("content-type", "content-encoding"), ("CONTENT-TYPE", "cOnTeNt-EnCoDiNg")])
def test_any_spelling_of_content_type_and_encoding_is_read_by_the_fast_render(content_type, encoding):
    # the renderer remembers per set of names where Content-Type and -Encoding are: every
    # spelling, on the first answer and on the remembered ones alike (bodies that are valid
    # UTF-8: only the headers can make them base64)
    for _ in range(2):
        assert _render(headers=[("X-A", "1"), (content_type, "image/png")], body=b"PNG")["isBase64Encoded"] is True
        assert _render(headers=[(content_type, "text/plain")], body=b"hi")["body"] == "hi"
        gzipped = _render(headers=[(content_type, "text/plain"), (encoding, "gzip")], body=b"hi")
        assert gzipped["isBase64Encoded"] is True and gzipped["multiValueHeaders"] == {}


@pytest.mark.parametrize(
    ("path", "stage", "rc_path", "resource"),
    [
        ("/x", "", "//x", "/{proxy+}"),  # an empty stage: "/" is no prefix
        ("/x", "prod", "/prod//x", "/{proxy+}"),  # nor "/prod/" (the app's path would follow "//")
        ("/x/", "prod", "/prod//x/", "/{proxy+}"),
        ("/api//x", "prod", "/api//x", "/{proxy+}"),  # a base path mapping, the same
        ("/prodx", "prod", "/prodx", "x"),  # a resource not starting with "/" is no path below a prefix
    ],
)
def test_a_prefix_is_a_path_without_trailing_slash(rest_event, path, stage, rc_path, resource):
    # malformed events (fuzzing): SCRIPT_NAME "/" or PATH_INFO "x" reached the app (PEP 3333)
    event = rest_event(path, requestContext={"path": rc_path, "stage": stage}, resource=resource, pathParameters={"proxy": "x"})
    for req in (rest.read(event), rest.read_general(event)):
        assert req.root_path == "" or req.root_path[0] == "/" != req.root_path[-1]
        assert req.path[0] == "/" and req.raw_path[:1] == b"/"


def test_an_empty_host_name_falls_back_to_domain_name(rest_event):
    # Host ":8080" named no host: SERVER_NAME was "" (PEP 3333: never empty)
    event = rest_event(headers={"Host": ":8080"}, multiValueHeaders=None)
    assert rest.read(event).server == ("abc.execute-api.us-east-1.amazonaws.com", 8080)


def test_a_lone_surrogate_in_request_context_path_is_a_bad_event(rest_event):
    # found by fuzzing: the prefix taken from requestContext.path was not checked, and reached the
    # drivers' encode (a 500 logged as a shoehorn bug)
    with pytest.raises(MalformedEvent, match="requestContext.path"):
        rest.read(rest_event("/x", requestContext={"path": "/\udcff/x"}))


@pytest.mark.parametrize("field", ["sourceIp", "domainName"])
def test_a_lone_surrogate_in_source_ip_or_domain_name_is_a_bad_event(rest_event, field):
    # found by fuzzing: neither was checked, and the WSGI driver's encode failed (a 500 logged as a
    # shoehorn bug); domainName is the host when the event has no Host header
    rc = {"identity": {"sourceIp": "\udcff"}} if field == "sourceIp" else {"domainName": "\udcff"}
    event = rest_event(requestContext=rc, headers=None, multiValueHeaders=None)
    with pytest.raises(MalformedEvent):
        rest.read(event)
