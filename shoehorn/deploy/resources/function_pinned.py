"""Function settings shoehorn.toml cannot express, held at shoehorn's values: no layers, no VPC,
text logs in the function's own log group, no dead-letter queue, PassThrough tracing.

Set in the console they would otherwise go unseen into every version published after them: a
layer that shadows a bundled package, a VPC without a NAT gateway (no more internet), logs sent
to a group the role may not write to. As CloudFormation, SAM or Terraform do for a property
left out of the template, ``up`` puts them back (and ``status``/``plan`` report them as drift):
what the config does not say is the default, not whatever someone set. Everything is read from
GetFunction / GetFunctionConfiguration, which ``observe`` makes anyway: no extra read.
"""

from __future__ import annotations

from typing import Any, Mapping

from shoehorn.deploy import actions as a

PINNED = ("layers", "vpc", "logging", "dead_letter", "tracing")
TEXT, PASS_THROUGH = "Text", "PassThrough"
# What `up` does about each, in the reason a plan line gives.
WORDS = {
    "layers": "layers (removed)", "vpc": "VPC (detached)",
    "logging": "logging (back to text logs in the function's own log group, the one its role may write to)",
    "dead_letter": "dead-letter queue (removed)", "tracing": f"tracing (back to {PASS_THROUGH})",
}


def observed(conf: Mapping[str, Any]) -> dict[str, Any]:
    """The pinned settings in a GetFunctionConfiguration answer, absent and empty read alike."""
    vpc = conf.get("VpcConfig") or {}
    logging = conf.get("LoggingConfig") or {}
    group = logging.get("LogGroup") or ""
    if group == f"/aws/lambda/{conf.get('FunctionName', '')}":
        group = ""  # Lambda's default: the function's own log group, which shoehorn makes
    return {
        "layers": tuple(str(layer.get("Arn", "")) for layer in conf.get("Layers") or ()),
        "vpc": tuple(sorted(vpc.get("SubnetIds") or ())) + tuple(sorted(vpc.get("SecurityGroupIds") or ())),
        "logging": (str(logging.get("LogFormat") or TEXT), group),
        "dead_letter": str((conf.get("DeadLetterConfig") or {}).get("TargetArn") or ""),
        "tracing": str((conf.get("TracingConfig") or {}).get("Mode") or PASS_THROUGH),
    }


def reason(changed: tuple[str, ...], config_reason: str) -> str:
    """A configuration update's reason: ``config_reason`` (what the config changes), and what is put back."""
    pinned = [WORDS[name] for name in changed if name in PINNED]
    if not pinned:
        return config_reason
    text = f"set outside shoehorn, which shoehorn.toml cannot express: {', '.join(pinned)}"
    return text if all(name in PINNED for name in changed) else f"{config_reason}; {text}"


def params(settings: a.FunctionSettings, changed: tuple[str, ...], function_name: str) -> dict[str, Any]:
    """UpdateFunctionConfiguration parameters putting back the pinned settings that changed (only
    those: the others are left as they are, and a no-op stays without a write). Empty values
    remove a setting, as Terraform sends them (UpdateFunctionConfiguration API reference)."""
    out: dict[str, Any] = {}
    if "layers" in changed:
        out["Layers"] = list(settings.layers)
    if "vpc" in changed:
        out["VpcConfig"] = {"SubnetIds": [], "SecurityGroupIds": []}
    if "logging" in changed:
        log_format, group = settings.logging
        out["LoggingConfig"] = {"LogFormat": log_format, "LogGroup": group or f"/aws/lambda/{function_name}"}
    if "dead_letter" in changed:
        out["DeadLetterConfig"] = {"TargetArn": settings.dead_letter}
    if "tracing" in changed:
        out["TracingConfig"] = {"Mode": settings.tracing}
    return out
