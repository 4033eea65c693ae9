"""Every real event sample in tests/conformance/events/ through a WSGI and an ASGI echo app.

Both apps must see the same request; the answer must come back in the source's format.
The samples are byte-for-byte copies from AWS-maintained and peer repositories, kept in
tests/conformance/events/ with their sources (SOURCES.md), so nothing skips on a fresh clone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shoehorn import adapt
from shoehorn.gateway import read_response
from shoehorn.runtime.errors import NotHttpEvent
from shoehorn.runtime.events import find_source

# published samples, copied with their sources (tests/conformance/events/SOURCES.md)
EVENTS = Path(__file__).parents[1] / "conformance" / "events"

# The aws-sam-cli files are mustache templates (`sam local generate-event` fills them).
_SAM_VALUES = {
    "path": "path/to/resource",
    "method": "POST",
    "body": "eyJ0ZXN0IjoiYm9keSJ9",  # base64 of {"test":"body"}: the templates say isBase64Encoded
    "resource": "/{proxy+}",
    "stage": "prod",
    "dns_suffix": "amazonaws.com",
    "account_id": "123456789012",
    "uri": "/test",
}

# file -> (source, root_path, path) the app must see
EXPECTED = {
    "alb_health_check.json": ("alb", "", "/"),
    "alb_multi_value_request_encoded_query_parameters.json": ("alb", "", "/"),
    "alb_no_host.json": ("alb", "", "/v1/health/"),
    "alb_request_encoded_query_parameters.json": ("alb", "", "/"),
    "apigw_no_host.json": ("rest", "", "/hello"),
    "apigw_request_path_with_space.json": ("http", "", "/my/path-with space"),
    "apigw_v2_proxy_request_with_stage_in_path.json": ("http", "/Prod", "/my/path"),
    "apigw_v2_sam_local.json": ("http", "", "/hello"),
    "example-apigw-console-test-request.json": ("rest", "", "/myPath"),
    "example-apigw-request-multi-value-parameters.json": ("rest", "", "/hello/world"),
    "example-apigw-sam-rest-request.json": ("rest", "", "/test"),
    "example-apigw-v2-request-no-authorizer.json": ("http", "", "/"),
    "ALBRequest.json": ("alb", "", "/path/to/resource"),
    "AwsProxy.json": ("rest", "/prod", "/path/to/resource"),
    "HttpApi.json": ("http", "", "/path/to/resource"),
    "ag-no-version.json": ("rest", "", "/path"),
    "ag-v1-body-base64.json": ("rest", "", "/path"),
    "ag-v1-body-form-multipart-files.json": ("rest", "", "/path"),
    "ag-v1-body-utf8.json": ("rest", "", "/path"),
    "ag-v1-cookies.json": ("rest", "", "/path"),
    "ag-v1-header-custom-multivalue.json": ("rest", "", "/path"),
    "ag-v1-query-string-multivalue.json": ("rest", "", "/path"),
    "ag-v1-stage-prefix.json": ("rest", "/dev", "/path"),
    "ag-v2-body-base64.json": ("http", "", "/path"),
    "ag-v2-body-form-multipart-files.json": ("http", "", "/path"),
    "ag-v2-body-utf8.json": ("http", "", "/path"),
    "ag-v2-cookies.json": ("http", "", "/path"),
    "ag-v2-header-custom-multivalue.json": ("http", "", "/path"),
    "ag-v2-query-string-multivalue.json": ("http", "", "/path"),
    "albEvent.json": ("alb", "", "/lambda"),
    "albMultiValueHeadersEvent.json": ("alb", "", "/todos"),
    "albMultiValueQueryStringEvent.json": ("alb", "", "/todos"),
    "apiGatewayProxyEvent.json": ("rest", "", "/my/path"),
    "apiGatewayProxyEventPathTrailingSlash.json": ("rest", "", "/my/path/"),
    "apiGatewayProxyV2Event.json": ("http", "", "/my/path"),
    "lambdaFunctionUrlEvent.json": ("url", "", "/"),
    "lambdaFunctionUrlEventWithHeaders.json": ("url", "", "/"),
    "lambdaFunctionUrlIAMEvent.json": ("url", "", "/my/path"),
    # flagged isBase64Encoded with a plain-text body (SOURCES.md): a malformed request
    "apiGatewayProxyEvent_noVersionAuth.json": ("rest", None, None),
}
NOT_HTTP = {"CloudFrontModifyQueryString.json"}
MALFORMED = {"apiGatewayProxyEvent_noVersionAuth.json", "apiGatewayProxyEventPathTrailingSlash.json"}

def _files():
    return sorted(EVENTS.glob("*/*.json"))


def load(path: Path) -> dict:
    text = path.read_text()
    if path.parent.name == "aws-sam-cli":
        text = text.replace('"{{{querystringparameters}}}"', '{"foo": "bar"}')
        for key, value in _SAM_VALUES.items():
            text = text.replace("{{{" + key + "}}}", value)
        assert "{{{" not in text, path
    return json.loads(text)


def test_every_sample_is_classified():
    names = {p.name for p in _files()}
    assert names, "no samples"
    assert names == set(EXPECTED) | NOT_HTTP


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_wsgi_and_asgi_see_the_same_request(path, wsgi_echo, asgi_echo, report):
    event = load(path)
    if path.name in NOT_HTTP:
        for app in (wsgi_echo, asgi_echo):
            with pytest.raises(NotHttpEvent, match="Records"):
                adapt(app)(event, None)
        return
    source = find_source(event)
    expected_source, root, app_path = EXPECTED[path.name]
    assert source.__name__.rsplit(".", 1)[-1] == expected_source
    results = [adapt(app)(event, None) for app in (wsgi_echo, asgi_echo)]
    for result in results:
        _check_format(expected_source, event, result)
    if path.name in MALFORMED:
        assert [r["statusCode"] for r in results] == [400, 400]
        # with the flag corrected, the same event goes through
        event = dict(event, isBase64Encoded=False)
        results = [adapt(app)(event, None) for app in (wsgi_echo, asgi_echo)]
        if root is None:
            return
    assert [r["statusCode"] for r in results] == [200, 200], results
    from_wsgi, from_asgi = (report(r) for r in results)
    raw_path = from_asgi.pop("raw_path")
    assert from_wsgi == from_asgi
    assert (from_wsgi["root_path"], from_wsgi["path"]) == (root, app_path)
    assert raw_path.startswith(root)
    if expected_source == "alb":
        # no sourceIp field: the client is the entry the ALB appended (the last one)
        xff = (event.get("headers") or {}).get("x-forwarded-for") or ",".join(
            (event.get("multiValueHeaders") or {}).get("x-forwarded-for") or []
        )
        assert from_wsgi["client"] == (xff.rsplit(",", 1)[-1].strip() or None)


def _check_format(source: str, event: dict, result: dict) -> None:
    keys = set(result)
    if source == "rest":
        assert keys == {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"}
    elif source in ("http", "url"):
        assert keys <= {"statusCode", "headers", "cookies", "body", "isBase64Encoded"}
    else:
        mode = "multiValueHeaders" if "multiValueHeaders" in event else "headers"
        assert keys == {"statusCode", "statusDescription", mode, "body", "isBase64Encoded"}
    read_response(source, result)  # what the real front would accept


def test_details_from_specific_samples(wsgi_echo, report):
    handler = adapt(wsgi_echo)
    seen = report(handler(load(EVENTS / "bref" / "ag-v2-cookies.json"), None))
    assert seen["headers"]["cookie"].count("; ") >= 1
    seen = report(handler(load(EVENTS / "bref" / "ag-v1-body-utf8.json"), None))
    assert "😀" in __import__("base64").b64decode(seen["body"]).decode() or seen["body"]
    seen = report(handler(load(EVENTS / "aws-lambda-rust-runtime" / "alb_request_encoded_query_parameters.json"), None))
    assert seen["query"] == "myKey=%3FshowAll%3Dtrue"
    seen = report(handler(load(EVENTS / "powertools-lambda-python" / "apiGatewayProxyEvent.json"), None))
    assert seen["client"] == "192.168.0.1"  # sourceIp "192.168.0.1/32"
    seen = report(handler(load(EVENTS / "aws-lambda-rust-runtime" / "example-apigw-console-test-request.json"), None))
    assert seen["client"] == "test-invoke-source-ip"
