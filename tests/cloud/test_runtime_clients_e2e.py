"""The local cloud gives the same answers under awslambdaric and under shoehorn's stdlib client
(what a Mac without awslambdaric runs): the page, the app's log line, Invoke, a failing init."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import httpx
import pytest

from cloud.conftest import LocalCloud, clean_env, tiny_app

pytestmark = pytest.mark.slow


def _answers(cloud: LocalCloud, app) -> dict:
    done = cloud.run("up", "--local", "--no-check", "-C", str(app))
    assert done.returncode == 0, done.stderr
    url = done.stdout.strip()
    page = httpx.get(url + "page", timeout=60)
    for _ in range(20):
        logs = cloud.run("logs", "--local", "-C", str(app)).stdout
        if "REPORT RequestId" in logs:
            break
        time.sleep(0.3)
    invoked = cloud.run("invoke", "--local", "-C", str(app), "GET", "/direct")
    assert cloud.run("env", "set", "--local", "-C", str(app), "GREETING=x", "BROKEN_SETTING=1").returncode == 0
    lam = cloud.boto3("lambda")
    lam.update_function_configuration(FunctionName="clients-dev", Handler="missing_module.handler")
    lam.publish_version(FunctionName="clients-dev")
    lam.update_alias(FunctionName="clients-dev", Name="live", FunctionVersion="3")
    failed = lam.invoke(FunctionName="clients-dev", Qualifier="live", Payload=b"{}")
    return {
        "page": (page.status_code, page.text),
        "app line in logs": "hello from the app /page" in logs,
        "platform lines": ("START RequestId" in logs, "REPORT RequestId" in logs),
        "invoke": (invoked.returncode, invoked.stdout.strip()),
        "gateway after a broken init": httpx.get(url, timeout=60).status_code,
        "init error": (failed.get("FunctionError"), json.loads(failed["Payload"].read())["errorType"]),
    }


def test_same_answers_under_each_runtime_client(cloud, tmp_path) -> None:
    """awslambdaric: the module's cloud; stdlib: a cloud of its own, started as a Mac would run it."""
    assert "awslambdaric" in cloud.run("cloud", "status").stdout
    seen = {"awslambdaric": _answers(cloud, tiny_app(tmp_path / "awslambdaric" / "app", "clients"))}
    env = clean_env(tmp_path / "stdlib" / "state", tmp_path / "missing") | {"SHOEHORN_RUNTIME_CLIENT": "stdlib"}
    started = subprocess.run([sys.executable, "-m", "shoehorn", "cloud", "start"], env=env, capture_output=True,
                             text=True, timeout=120)
    assert started.returncode == 0, started.stderr
    stdlib = LocalCloud(started.stdout.split(" on ")[1].split()[0], env)
    try:
        assert "shoehorn's stdlib client" in stdlib.run("cloud", "status").stdout  # the output says which runs
        seen["stdlib"] = _answers(stdlib, tiny_app(tmp_path / "stdlib" / "app", "clients"))
    finally:
        stdlib.run("cloud", "stop")
    assert seen["awslambdaric"] == seen["stdlib"]
    assert seen["stdlib"] == {
        "page": (200, "v1 GREETING=unset"),
        "app line in logs": True,
        "platform lines": (True, True),
        "invoke": (0, "v1 GREETING=unset"),
        "gateway after a broken init": 502,
        "init error": ("Unhandled", "Runtime.ImportModuleError"),
    }
