"""The stage's own settings, which shoehorn leaves at API Gateway's: no canary, no method settings.

A canary set in the console sends a share of requests to another deployment (one shoehorn never
made or checked); method settings throttle, cache or log the app's requests. shoehorn.toml
cannot express either, so, as for the function's settings (function_pinned.py), ``status`` and
``plan`` report them and ``up`` removes them. Both come from the GetStage answer ``observe``
reads anyway. Removing is one UpdateStage: ``remove /canarySettings`` ("Turn off a canary
release", API Gateway developer guide) and ``remove /{resource path}/{method}`` for each
method-settings entry (the key GetStage gives, e.g. ``*/*`` or ``~1{proxy+}/GET``).
"""

from __future__ import annotations

from typing import Any, Mapping

from shoehorn.deploy import actions as a
from shoehorn.deploy.context import Context


def edits(stage: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """(patch path that removes it, what it is in words) for each stage setting made outside shoehorn."""
    found = []
    canary = stage.get("canarySettings")
    if canary:
        share = float(canary.get("percentTraffic") or 0)
        found.append(("/canarySettings", f"a canary ({share:g}% of requests to deployment "
                                         f"{canary.get('deploymentId', '?')})"))
    for key in sorted(stage.get("methodSettings") or {}):  # GetStage lists every field of an entry, set or not
        found.append((f"/{key}", f"method settings (throttling, caching, logging, metrics) for "
                                 f"{key.replace('~1', '/')}"))
    return tuple(found)


def diff(stage: str, found: tuple[tuple[str, str], ...]) -> tuple[a.Action, ...]:
    if not found:
        return ()
    return (a.ResetStage(reason="set outside shoehorn, which shoehorn.toml cannot express: "
                         + "; ".join(words for _, words in found), stage=stage,
                         removes=tuple(path for path, _ in found)),)


def _reset(action: a.ResetStage, ctx: Context) -> None:
    ctx.aws.call("apigateway", "update_stage", restApiId=ctx.api_id, stageName=action.stage,
                 patchOperations=[{"op": "remove", "path": path} for path in action.removes])


EXECUTORS = {a.ResetStage: _reset}
