"""Lambda Function URLs: the payload 2.0 event (no stage), the same answer format, their errors."""

from __future__ import annotations

from shoehorn.gateway import http
from shoehorn.gateway.common import API_ID, REGION, SourceErrors, json_error

NAME = "url"
DEFAULT_HOST = f"{API_ID}lambdaurlid0000000000.lambda-url.{REGION}.on.aws"
# A Function URL has no timeout of its own (the function's ends the request) and takes the
# 6 MB a synchronous invocation takes (Lambda quotas, "Invocation payload").
ERRORS = SourceErrors(
    failed=json_error(502, "Internal Server Error"),
    timeout=json_error(502, "Internal Server Error"),
    throttled=json_error(429, "Too Many Requests"),
    too_large=json_error(413, "Request Entity Too Large"),
    timeout_s=None,
    max_request_bytes=6 * 1024 * 1024,
)


def build_event(**request) -> dict:
    return http.build_event(**request, source=NAME)


def read_response(result) -> tuple[int, list[tuple[str, str]], bytes]:
    return http.read_response(result, NAME)
