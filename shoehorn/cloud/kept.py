"""Lambda settings moto drops, kept by the front: SnapStart, and EphemeralStorage on update.

moto (5.2.5, moto/awslambda/models.py) ignores ``SnapStart`` in CreateFunction and
UpdateFunctionConfiguration and answers ``{"ApplyOn": "None", "OptimizationStatus": "Off"}`` for
every function and version (``LambdaFunction.get_configuration``), and its
``update_configuration`` ignores ``EphemeralStorage``. A function deployed with SnapStart, or
whose /tmp size changed, looked like drift to every later ``up --local``, which published a
version each time. As with FilterLogEvents, the front mends moto's answers over HTTP rather
than reaching into its models: it keeps the values from the requests that set them and writes
them into each function configuration moto answers with (the data plane reads those too).

As Lambda does (https://docs.aws.amazon.com/lambda/latest/api/API_SnapStartResponse.html and
https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html): a published version keeps
the settings ``$LATEST`` had when it was published; SnapStart's ``OptimizationStatus`` is ``On``
only for a published version with ``ApplyOn: PublishedVersions`` (``$LATEST`` is never snapshotted).
"""

from __future__ import annotations

from typing import Any

LATEST = "$LATEST"
ON = "PublishedVersions"
# What a function has when its CreateFunction does not say: Lambda's defaults.
DEFAULTS = {"SnapStart": "None", "EphemeralStorage": 512}


def _sent(field: str, value: Any) -> Any:
    """A request's value as kept: SnapStart's ApplyOn, EphemeralStorage's Size."""
    if field == "SnapStart":
        return str((value or {}).get("ApplyOn") or "None")
    return int((value or {}).get("Size") or DEFAULTS[field])


def _answered(field: str, kept: Any, version: str) -> dict[str, Any]:
    if field == "SnapStart":
        return {"ApplyOn": kept, "OptimizationStatus": "On" if version != LATEST and kept == ON else "Off"}
    return {"Size": kept}


class KeptSettings:
    """Per (region, function name) and version, the settings moto drops. Only the front's event loop uses it."""

    def __init__(self) -> None:
        self._kept: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}

    def set_latest(self, region: str, answer: dict[str, Any], sent: dict[str, Any], created: bool = False) -> None:
        """CreateFunction (``created``: what it does not say is Lambda's default) or UpdateFunctionConfiguration
        (what it does not say is unchanged) succeeded with this answer; ``sent`` is its request. CreateFunction
        with ``Publish`` answers with version 1."""
        name = answer.get("FunctionName")
        if not name:
            return
        if created:  # a new function under an old name starts with no versions
            self._kept[(region, name)] = {}
        latest = self._kept.setdefault((region, name), {}).setdefault(LATEST, dict(DEFAULTS))
        for field in DEFAULTS:
            if field in sent:
                latest[field] = _sent(field, sent[field])
        self.published(region, answer)

    def published(self, region: str, answer: dict[str, Any]) -> None:
        """A configuration naming a version: a new one takes $LATEST's settings. PublishVersion answers
        with the last version when nothing changed: a version already known keeps its own."""
        versions = self._kept.get((region, str(answer.get("FunctionName"))))
        version = str(answer.get("Version") or LATEST)
        if versions is not None and LATEST in versions and version != LATEST and version not in versions:
            versions[version] = dict(versions[LATEST])

    def forget(self, region: str, name: str, qualifier: str | None) -> None:
        """DeleteFunction: the function, or one version of it."""
        if qualifier in (None, LATEST):
            self._kept.pop((region, name), None)
        else:
            self._kept.get((region, name), {}).pop(qualifier, None)

    def reset(self) -> None:
        self._kept.clear()

    def fill(self, region: str, answer: Any) -> bool:
        """Write the kept settings into every function configuration in a Lambda answer (a configuration,
        GetFunction's ``Configuration``, ``Functions``/``Versions`` lists); True when one changed."""
        if not isinstance(answer, dict):
            return False
        changed = False
        for conf in [answer, answer.get("Configuration")] + list(answer.get("Functions") or []) + list(
                answer.get("Versions") or []):
            if isinstance(conf, dict) and "SnapStart" in conf:  # moto puts it in every function configuration
                changed |= self._fill_one(region, conf)
        return changed

    def _fill_one(self, region: str, conf: dict[str, Any]) -> bool:
        versions = self._kept.get((region, str(conf.get("FunctionName"))))
        version = str(conf.get("Version") or LATEST)
        if versions is None or version not in versions:
            return False
        before = {field: conf.get(field) for field in DEFAULTS}
        for field, kept in versions[version].items():
            conf[field] = _answered(field, kept, version)
        return before != {field: conf.get(field) for field in DEFAULTS}
