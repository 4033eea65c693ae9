"""Whether a function's resource policy lets API Gateway invoke it for one request.

API Gateway calls Lambda with the method's ARN as the source,
``arn:aws:execute-api:{region}:{account}:{api}/{stage}/{VERB}{resource path}``, and Lambda
allows it only if a statement names principal ``apigateway.amazonaws.com``, the action
``lambda:InvokeFunction`` and an ``AWS:SourceArn`` pattern (ArnLike) that covers it
(https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html,
https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html). Otherwise the
gateway answers 500 "Internal server error".
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

PRINCIPAL = "apigateway.amazonaws.com"
EVENTS = "events.amazonaws.com"  # EventBridge rules (the keep-warm schedule)
_ACTIONS = {"lambda:invokefunction", "lambda:*", "*"}


def method_arns(region: str, account: str, api_id: str, stage: str, verbs: tuple[str, ...], resource: str) -> list[str]:
    """The source ARNs of one request: the HTTP verb, and the method key (ANY) it matched."""
    return [f"arn:aws:execute-api:{region}:{account}:{api_id}/{stage}/{verb}{resource}" for verb in verbs]


@lru_cache(maxsize=256)
def _arn_like(pattern: str) -> re.Pattern[str]:
    # ArnLike: `*` any run of characters, `?` one character, case-sensitive (IAM condition operators).
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern) + r"\Z")


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _principal_ok(principal, service: str) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        return any(p in (service, "*") for p in _as_list(principal.get("Service", [])))
    return False


def _source_ok(condition: dict, sources: list[str]) -> bool:
    patterns: list[str] = []
    for operator in ("ArnLike", "ArnEquals", "StringLike", "StringEquals"):
        for key, value in (condition.get(operator) or {}).items():
            if key.lower() == "aws:sourcearn":
                patterns.extend(_as_list(value))
    if not patterns:
        return True  # no SourceArn condition: any API may invoke (broad, but allowed)
    return any(_arn_like(p).match(s) for p in patterns for s in sources)


def allows(policy_json: str | None, sources: list[str], principal: str = PRINCIPAL) -> bool:
    if not policy_json:
        return False
    for statement in json.loads(policy_json).get("Statement", []):
        actions = {a.lower() for a in _as_list(statement.get("Action", []))}
        if statement.get("Effect") != "Allow" or not actions & _ACTIONS:
            continue
        if _principal_ok(statement.get("Principal"), principal) and _source_ok(statement.get("Condition") or {}, sources):
            return True
    return False
