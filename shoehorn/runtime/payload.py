"""Lambda's response payload limits, measured as the runtime client serialises the answer.

Lambda refuses a synchronous response over 6 MB of JSON ("Response payload size exceeded
maximum allowed payload size (6291556 bytes)", azul #6514) and the client then gets an opaque
error; an ALB target's limit is 1 MB. The handler answers a 502 that says why instead.
awslambdaric escapes non-ASCII text ("\\u00e9", 6 bytes for "é") except on the python3.12+
runtimes (lambda_runtime_marshaller.py, ``AWS_EXECUTION_ENV``), so the size is counted the same way.
"""

from __future__ import annotations

import os

from shoehorn.runtime.log import log, request_id
from shoehorn.runtime.types import Response

_TEXT = (("content-type", "text/plain; charset=utf-8"),)


def _escapes_non_ascii(execution_env: str) -> bool:
    prefix = "AWS_Lambda_python"
    if not execution_env.startswith(prefix):
        return True  # not a known runtime: count the larger, escaped size
    major, _, minor = execution_env[len(prefix) :].partition(".")
    return not (major.isdigit() and minor.isdigit() and (int(major), int(minor)) >= (3, 12))


ESCAPES_NON_ASCII = _escapes_non_ascii(os.environ.get("AWS_EXECUTION_ENV", ""))
# JSON escaping multiplies a character by at most 12 ("\ud83d\ude00" for one emoji); the rest of
# the answer (headers) stays far below this margin.
_MARGIN = 64 * 1024


def size(result: dict) -> int:
    """Bytes of ``result`` as the runtime client sends it."""
    import json

    return len(json.dumps(result, ensure_ascii=ESCAPES_NON_ASCII).encode("utf-8"))


def over_limit(result: dict, source, event, context) -> dict:
    """``result``, or the 502 that says why when it is over the source's payload limit."""
    body = result.get("body")
    limit = source.PAYLOAD_LIMIT
    if type(body) is not str or len(body) * 12 < limit - _MARGIN:
        return result
    # base64 is never escaped; ASCII at most 6x ("\u0001"); other text up to 12x (a surrogate pair)
    factor = 1 if result.get("isBase64Encoded") else 6 if body.isascii() else 12
    if len(body) * factor < limit - _MARGIN:
        return result
    found = size(result)
    if found <= limit:
        return result
    log().error(
        "request %s: the %d-byte response (as JSON, base64 included) exceeds the %d-byte %s "
        "limit; answering 502 instead. Serve large files from S3 or paginate/compress the response.",
        request_id(event, context),
        found,
        limit,
        "ALB response" if source.NAME == "alb" else "AWS Lambda payload",
    )
    what = "1 MB limit for ALB Lambda targets" if source.NAME == "alb" else "6 MB AWS Lambda payload limit"
    # a binary body travels base64-encoded: 4.5 MB of PNG is 6 MB in the payload
    encoded = " (base64-encoded, as binary bodies travel)" if result.get("isBase64Encoded") else ""
    text = f"Bad Gateway: the response{encoded} is larger than the {what}."
    return source.render(Response(502, _TEXT, text.encode("utf-8")), event)
