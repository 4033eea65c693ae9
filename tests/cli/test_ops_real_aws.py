"""The ops commands against real AWS (``SHOEHORN_REAL_AWS=1`` and credentials; skipped otherwise).

moto cannot run a function without Docker and does not write Lambda's own log lines, so only
real Lambda proves the whole path: the event ``shoehorn invoke`` sends, the adapter running in
the Lambda runtime, the proxy response decoded, the request's lines in ``shoehorn logs``.
This module uses no moto fixture, so the standard AWS chain (profile, env) is left intact.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

try:
    from . import opskit
except ImportError:
    import opskit


@pytest.mark.aws
@pytest.mark.skipif(os.environ.get("SHOEHORN_REAL_AWS") != "1", reason="needs SHOEHORN_REAL_AWS=1 and AWS credentials")
def test_real_aws_invoke_logs_and_status(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    directory = opskit.make_app(tmp_path / "app", "shoehorn-invoke-check")
    opskit.up(directory)
    try:
        code, out, err = opskit.run("invoke", "GET", "/hello?x=1", "-C", str(directory))
        assert code == 0, err
        seen = json.loads(out)
        assert seen["path"] == "/hello" and seen["query"] == "x=1"
        # The same request's log lines reach CloudWatch within seconds (delivery is asynchronous).
        deadline = time.monotonic() + 90
        while True:
            code, out, _ = opskit.run("logs", "--since", "10m", "-C", str(directory))
            if "handling GET /hello" in out or time.monotonic() > deadline:
                break
            time.sleep(5)
        assert "handling GET /hello" in out and "REPORT RequestId" in out
        status = json.loads(opskit.run("status", "-C", str(directory), "--json")[1])
        assert status["drift"] == [] and status["live_version"] == "1"
    finally:
        opskit.run("down", "--yes", "-C", str(directory))
