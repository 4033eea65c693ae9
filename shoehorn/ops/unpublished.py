"""What ``$LATEST`` holds that the version ``live`` runs does not.

PublishVersion snapshots ``$LATEST``'s code and its whole configuration ("Lambda function versions",
https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html), so whatever differs here
goes live with the next published version: after a rollback, the newer code and settings; after an
edit in the console, that edit. ``env`` publishes only when nothing but the environment differs.
"""

from __future__ import annotations

from typing import Any, Mapping

# GetFunctionConfiguration fields a published version copies from $LATEST, with the words a user
# knows them by. Not compared: what describes the version itself (Version, FunctionArn, LastModified,
# RevisionId, State...), the environment (compared per variable by `environment_difference`), and
# RuntimeVersionConfig (Lambda may update the runtime of $LATEST and of versions apart).
SETTINGS = {
    "CodeSha256": "code", "Runtime": "runtime", "Handler": "handler", "MemorySize": "memory",
    "Timeout": "timeout", "Role": "role", "EphemeralStorage": "ephemeral storage", "Architectures": "architecture",
    "Layers": "layers", "VpcConfig": "VPC", "DeadLetterConfig": "dead-letter queue", "TracingConfig": "tracing",
    "KMSKeyArn": "KMS key", "FileSystemConfigs": "file systems", "LoggingConfig": "logging",
    "ImageConfigResponse": "image configuration", "SnapStart": "SnapStart", "PackageType": "package type",
}
SHOWN = {"MemorySize": "{} MB", "Timeout": "{} s"}  # small values worth printing side by side


def _normal(key: str, value: Any) -> Any:
    """The part of a field that is configuration, with "absent" and "empty" read alike."""
    if key == "Layers":  # CodeSize etc. follow from the ARN
        return tuple(layer.get("Arn") for layer in value or ())
    if key == "SnapStart":  # OptimizationStatus is On for versions, Off for $LATEST: not a setting
        return (value or {}).get("ApplyOn", "None")
    if key == "Role":
        return str(value or "").rsplit("/", 1)[-1]
    if key == "Architectures":  # Lambda's default when a (stand-in) answer leaves it out
        return tuple(value or ("x86_64",))
    if key == "EphemeralStorage":
        return int((value or {}).get("Size") or 512)
    if isinstance(value, dict):
        return tuple(sorted((k, _normal(k, v)) for k, v in value.items() if v not in (None, "", [], {})))
    if isinstance(value, list):
        return tuple(_normal(key, item) for item in value)
    return None if value in ("", [], {}) else value


def settings_difference(latest: Mapping[str, Any], live: Mapping[str, Any]) -> tuple[str, ...]:
    """The settings other than the environment in which ``$LATEST`` differs from ``live``, in words."""
    found = []
    for key, words in SETTINGS.items():
        mine, theirs = _normal(key, latest.get(key)), _normal(key, live.get(key))
        if mine != theirs:
            shown = SHOWN.get(key)
            found.append(f"{words} ({shown.format(mine)} on $LATEST, {shown.format(theirs)} live)" if shown else words)
    return tuple(found)


def variables(conf: Mapping[str, Any]) -> dict[str, str]:
    return dict((conf.get("Environment") or {}).get("Variables") or {})


def environment_difference(latest: Mapping[str, Any], live: Mapping[str, Any]) -> tuple[str, ...]:
    """The names of the variables whose value (or presence) differs between ``$LATEST`` and ``live``."""
    mine, theirs = variables(latest), variables(live)
    return tuple(sorted(key for key in mine.keys() | theirs.keys() if mine.get(key) != theirs.get(key)))
