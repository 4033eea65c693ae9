"""Lambda SnapStart settings, kept by the front: moto drops them.

moto (5.2.5, ``LambdaFunction.get_configuration`` in moto/awslambda/models.py) ignores
``SnapStart`` in CreateFunction and UpdateFunctionConfiguration and answers
``{"ApplyOn": "None", "OptimizationStatus": "Off"}`` for every function and version, so a
function deployed with SnapStart looked like drift to every later ``up --local``. As with
FilterLogEvents, the front mends moto's answers over HTTP rather than reaching into its models:
it keeps ``ApplyOn`` from the requests that set it and writes it into each function
configuration moto answers with.

As Lambda does (https://docs.aws.amazon.com/lambda/latest/api/API_SnapStartResponse.html and
https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html): a published version keeps
the setting ``$LATEST`` had when it was published; ``OptimizationStatus`` is ``On`` only for a
published version with ``ApplyOn: PublishedVersions`` (``$LATEST`` is never snapshotted).
"""

from __future__ import annotations

from typing import Any

LATEST = "$LATEST"
ON = "PublishedVersions"


class SnapStarts:
    """``ApplyOn`` per (region, function name) and version. Only the front's event loop uses it."""

    def __init__(self) -> None:
        self._applied: dict[tuple[str, str], dict[str, str]] = {}

    def set_latest(self, region: str, answer: dict[str, Any], snapstart: dict[str, Any] | None,
                   created: bool = False) -> None:
        """CreateFunction (``created``) or UpdateFunctionConfiguration succeeded with this answer;
        ``snapstart`` is the request's (None: unchanged). CreateFunction with ``Publish`` answers
        with version 1."""
        name = answer.get("FunctionName")
        if not name:
            return
        if created:  # a new function under an old name starts with no versions
            self._applied[(region, name)] = {}
        versions = self._applied.setdefault((region, name), {})
        if snapstart is not None:
            versions[LATEST] = str(snapstart.get("ApplyOn") or "None")
        versions.setdefault(LATEST, "None")
        self.published(region, answer)

    def published(self, region: str, answer: dict[str, Any]) -> None:
        """A configuration naming a version: a new one takes $LATEST's setting. PublishVersion answers
        with the last version when nothing changed: a version already known keeps its own."""
        versions = self._applied.get((region, str(answer.get("FunctionName"))))
        version = str(answer.get("Version") or LATEST)
        if versions is not None and version != LATEST and version not in versions:
            versions[version] = versions.get(LATEST, "None")

    def forget(self, region: str, name: str, qualifier: str | None) -> None:
        """DeleteFunction: the function, or one version of it."""
        if qualifier in (None, LATEST):
            self._applied.pop((region, name), None)
        else:
            self._applied.get((region, name), {}).pop(qualifier, None)

    def reset(self) -> None:
        self._applied.clear()

    def fill(self, region: str, answer: Any) -> bool:
        """Write the kept setting into every function configuration in a Lambda answer (a configuration,
        GetFunction's ``Configuration``, ``Functions``/``Versions`` lists); True when one changed."""
        if not isinstance(answer, dict):
            return False
        changed = False
        for conf in [answer, answer.get("Configuration")] + list(answer.get("Functions") or []) + list(
                answer.get("Versions") or []):
            if isinstance(conf, dict) and "SnapStart" in conf:
                changed |= self._fill_one(region, conf)
        return changed

    def _fill_one(self, region: str, conf: dict[str, Any]) -> bool:
        versions = self._applied.get((region, str(conf.get("FunctionName"))))
        version = str(conf.get("Version") or LATEST)
        if versions is None or version not in versions:
            return False
        apply_on = versions[version]
        status = "On" if version != LATEST and apply_on == ON else "Off"
        before = conf["SnapStart"]
        conf["SnapStart"] = {"ApplyOn": apply_on, "OptimizationStatus": status}
        return conf["SnapStart"] != before
