"""Small valid bundles and configs for deploy tests (the real packager is exercised by the CLI tests)."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import zipfile
from pathlib import Path

from shoehorn.bundle.artifact import Bundle
from shoehorn.config import Config


def make_config(name: str = "shop", stage: str = "dev", **overrides) -> Config:
    return Config(directory=Path("/nonexistent"), name=name, stage=stage, app="app:app", **overrides)


def make_bundle(directory: Path, marker: str = "v1", *, architecture: str = "x86_64", content: str = "",
                date_time: tuple = (1980, 1, 1, 0, 0, 0)) -> Bundle:
    """``content``: the bundle's content digest (its files whatever their dates: tests name it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("shoehorn_handler.py", date_time=date_time)
        archive.writestr(info, f"# {marker}\ndef handler(event, context):\n    return {{'statusCode': 200}}\n")
    data = buffer.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    path = directory / f"bundle-{digest[:12]}.zip"
    path.write_bytes(data)
    return Bundle(path=path, sha256=digest, zipped_bytes=len(data), unzipped_bytes=len(data), runtime="python3.11",
                  architecture=architecture, content=content)


def lambda_code_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def redeploy_until_quiet(new_aws, config: Config, bundle: Bundle):
    """Run `up` (which must repair something), then `up` again, which must find nothing to do."""
    from shoehorn import deploy

    repaired = deploy.up(config, bundle, new_aws())
    again = new_aws()
    assert deploy.plan(config, bundle, again) == (), "a second run still found work: the repair did not converge"
    assert again.writes == 0
    return repaired


def wait_for_alias(aws, function_name: str, seconds: float = 60) -> None:
    """Until the function's `live` alias exists: a deploy held at one action (by the fault proxy)
    still makes the function side by side with it."""
    import time

    from shoehorn.deploy.aws import AwsError

    deadline = time.monotonic() + seconds
    while True:
        try:
            aws.call("lambda", "get_alias", expect=("ResourceNotFoundException",), FunctionName=function_name, Name="live")
            return
        except AwsError:
            assert time.monotonic() < deadline, f"{function_name} never got its alias"
            time.sleep(0.1)


def real_aws_ready() -> bool:
    """SHOEHORN_REAL_AWS=1 and credentials in the standard chain: the opt-in real-AWS tests may run."""
    from shoehorn.deploy.aws import Aws

    if os.environ.get("SHOEHORN_REAL_AWS") != "1":
        return False
    try:
        return Aws().has_credentials()
    except Exception:  # noqa: BLE001 - no region, bad profile...: cannot run here
        return False
