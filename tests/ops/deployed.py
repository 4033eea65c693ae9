"""A minimal stand-in for what ``shoehorn up`` leaves in AWS, made through our own ``Aws`` door.

The core ops tests use it to get a function with N published versions, the ``live`` alias
and a log group in a few moto calls; the CLI tests (tests/cli/test_*.py) deploy with the
real ``shoehorn up`` instead.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from shoehorn.config import Config
from shoehorn.deploy.aws import Aws

TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}  # fmt: skip


def config(name: str = "shop", stage: str = "dev", **overrides) -> Config:
    return Config(directory=Path("/nonexistent"), name=name, stage=stage, app="app:app", **overrides)


def _zip(marker: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("shoehorn_handler.py", f"# {marker}\ndef handler(event, context):\n    return event\n")
    return buffer.getvalue()


def deploy(aws: Aws, cfg: Config, versions: int = 2, environment: dict | None = None) -> list[str]:
    """Create the function with ``versions`` published versions (different code each) and point
    ``live`` at the newest; return the version numbers."""
    role = aws.call("iam", "create_role", RoleName=cfg.role_name, AssumeRolePolicyDocument=json.dumps(TRUST))
    aws.call(
        "lambda", "create_function", FunctionName=cfg.function_name, Runtime=cfg.runtime, Role=role["Role"]["Arn"],
        Handler="shoehorn_handler.handler", Code={"ZipFile": _zip("v1")}, Tags=cfg.tags, MemorySize=cfg.memory,
        Timeout=cfg.timeout, Environment={"Variables": dict(environment or {})},
        EphemeralStorage={"Size": cfg.ephemeral_storage},
    )  # fmt: skip
    numbers = [aws.call("lambda", "publish_version", FunctionName=cfg.function_name)["Version"]]
    for n in range(2, versions + 1):
        aws.call("lambda", "update_function_code", FunctionName=cfg.function_name, ZipFile=_zip(f"v{n}"))
        numbers.append(aws.call("lambda", "publish_version", FunctionName=cfg.function_name)["Version"])
    aws.call("lambda", "create_alias", FunctionName=cfg.function_name, Name="live", FunctionVersion=numbers[-1])
    aws.call("logs", "create_log_group", logGroupName=cfg.log_group)
    return [str(n) for n in numbers]


def alias_version(aws: Aws, cfg: Config) -> str:
    return aws.call("lambda", "get_alias", FunctionName=cfg.function_name, Name="live")["FunctionVersion"]


def weight_live(aws: Aws, cfg: Config, version: str, other: str, share: float) -> None:
    """A canary set in the console: ``live`` on ``version`` with ``share`` of the requests to ``other``."""
    aws.call("lambda", "update_alias", FunctionName=cfg.function_name, Name="live", FunctionVersion=version,
             RoutingConfig={"AdditionalVersionWeights": {other: share}})
