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

from shoehorn.runtime.events import reading as r
from shoehorn.runtime.events.percent import unquote
from shoehorn.runtime.events.rendering import case_variants, encode_body, group_headers, method_of, status_description
from shoehorn.runtime.types import Request, Response

NAME = "alb"
# An ALB target's response JSON is limited to 1 MB (ELB docs, lambda-functions.md): the ALB
# answers 502 above that, however far below Lambda's own limit it is.
PAYLOAD_LIMIT = 1024 * 1024


def detect(event: dict) -> bool:
    rc = event.get("requestContext")
    return type(rc) is dict and "elb" in rc


def read(event: dict) -> Request:
    path = r.path(event.get("path"), "path")
    pairs = r.multi_value_pairs(event.get("queryStringParameters"), event.get("multiValueQueryStringParameters"), "queryStringParameters")
    query = "&".join([k + "=" + v for k, v in pairs])
    headers, lowered = r.headers(event.get("headers"), event.get("multiValueHeaders"))
    body = r.body(event)
    names, values = r.with_content_length(headers, body)
    scheme, server = r.server_and_scheme(lowered, None, "http")
    forwarded = lowered.get("x-forwarded-for")  # the last header: the one the ALB wrote
    client = r.client_address(forwarded.rsplit(",", 1)[-1].strip()) if forwarded else None
    return Request(
        method=r.method(event.get("httpMethod")),
        root_path="",
        path=unquote(path),
        raw_path=r.quote_path(path),
        query_string=r.utf8(query, "queryStringParameters"),
        header_names=names,
        header_values=values,
        body=body,
        scheme=scheme,
        server=server,
        client=client,
        source=NAME,
    )


def render(response: Response, event: dict) -> dict:
    body, b64 = encode_body(response, method_of(event, "httpMethod"))
    grouped = group_headers(response.headers)
    result = {
        "statusCode": response.status,
        "statusDescription": status_description(response.status),
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
            for spelling, value in zip(case_variants(name, len(values)), values):
                headers[spelling] = value
        else:
            headers[name] = ", ".join(values)
    result["headers"] = headers
    return result
