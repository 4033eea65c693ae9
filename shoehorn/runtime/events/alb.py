"""Application Load Balancer targets (ELB docs, lambda-functions.md).

Request: ``requestContext.elb``, ``httpMethod``, ``path``, exactly one of ``headers`` /
``multiValueHeaders`` and one of ``queryStringParameters`` / ``multiValueQueryStringParameters``
(target-group attribute ``lambda.multi_value_headers.enabled``). Query values are NOT
URL-decoded by the ALB, so they are passed through as they came (apig-wsgi 2.12.0).
There is no source IP field: the client is the LAST X-Forwarded-For entry, the one the ALB
itself appended (earlier entries are whatever the client sent).
Response: ``statusCode`` (int), ``statusDescription``, headers in the SAME mode as the request.
"""

from __future__ import annotations

from shoehorn.runtime import events as _e
from shoehorn.runtime.events.percent import unquote
from shoehorn.runtime.types import Request, Response


def detect(event: dict) -> bool:
    rc = event.get("requestContext")
    return type(rc) is dict and "elb" in rc


def parse(event: dict) -> Request:
    path = event.get("path") or "/"
    raw = _e.quote_path(path)
    pairs = _e.multi_value_pairs(
        event.get("queryStringParameters"), event.get("multiValueQueryStringParameters")
    )
    query = "&".join([k + "=" + v if v else k + "=" for k, v in pairs])
    headers, lowered = _e.collect_headers(event.get("headers"), event.get("multiValueHeaders"))
    body = _e.decode_body(event)
    scheme, server = _e.server_and_scheme(
        lowered.get("host"), lowered.get("x-forwarded-proto"), lowered.get("x-forwarded-port"), None, "http"
    )
    forwarded = lowered.get("x-forwarded-for")  # the last header: the one the ALB wrote
    client = _e.client_address(forwarded.rsplit(",", 1)[-1].strip()) if forwarded else None
    return Request(
        method=(event.get("httpMethod") or "GET").upper(),
        root_path="",
        path=unquote(path),
        raw_path=raw,
        query_string=query.encode("utf-8"),
        headers=_e.with_content_length(headers, body),
        body=body,
        scheme=scheme,
        server=server,
        client=client,
        source="alb",
    )


def render(response: Response, event: dict) -> dict:
    body, b64 = _e.encode_response_body(response, event.get("httpMethod") or "GET")
    grouped = _e.group_headers(response.headers)
    result = {
        "statusCode": response.status,
        "statusDescription": _e.status_description(response.status),
        "body": body,
        "isBase64Encoded": b64,
    }
    if "multiValueHeaders" in event:
        result["multiValueHeaders"] = grouped
        return result
    headers: dict[str, str] = {}
    for name, values in grouped.items():
        if len(values) == 1:
            headers[name] = values[0]
        elif name.lower() == "set-cookie":
            # one key per cookie, spelled differently (Miserlou/Zappa PR #636)
            for spelling, value in zip(_e.case_variants(name, len(values)), values):
                headers[spelling] = value
        else:
            headers[name] = ", ".join(values)
    result["headers"] = headers
    return result
