"""Names and ARNs derived from the config: the same inputs give the same names on any machine."""

from __future__ import annotations

import base64
import binascii

ALIAS = "live"
STATEMENT_PREFIX = "shoehorn-apigw-"


def statement_id(api_id: str) -> str:
    """Derived from the API id, so a recreated API gets a new statement and the old one is found as stale."""
    return f"{STATEMENT_PREFIX}{api_id}"


def function_arn(region: str, account: str, function: str, qualifier: str | None = None) -> str:
    arn = f"arn:aws:lambda:{region}:{account}:function:{function}"
    return f"{arn}:{qualifier}" if qualifier else arn


def integration_uri(region: str, account: str, function: str) -> str:
    """API Gateway's Lambda-proxy URI for the ``live`` alias (API Gateway docs, "Set up Lambda proxy integrations")."""
    target = function_arn(region, account, function, ALIAS)
    return f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{target}/invocations"


def source_arn(region: str, account: str, api_id: str) -> str:
    """Scoped to this one API (any stage, method, path), never ``*``."""
    return f"arn:aws:execute-api:{region}:{account}:{api_id}/*"


def url(api_id: str, region: str, stage: str) -> str:
    return f"https://{api_id}.execute-api.{region}.amazonaws.com/{stage}/"


def tag_pairs(tags: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(tags.items()))


def sha256_hex(code_sha256: str) -> str:
    """Lambda's CodeSha256 (base64) as the hex digest `shoehorn build` prints: one form on every screen."""
    try:
        return base64.b64decode(code_sha256, validate=True).hex()
    except (binascii.Error, ValueError):
        return code_sha256  # not base64 (an emulator's value): shown as it came
