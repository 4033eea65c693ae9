"""What the local API Gateway answers when the integration times out or the function fails,
and the keep-warm schedule in the local cloud (created, shown, and fired)."""

from __future__ import annotations

import json
import time

import httpx
import pytest

pytestmark = pytest.mark.slow

APP = '''import os
import time

if os.environ.get("BREAK"):
    raise RuntimeError("broken on purpose")


def app(environ, start_response):
    if environ["PATH_INFO"] == "/slow":
        time.sleep(4)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
'''


def test_timeout_504_function_error_502_and_warm_schedule(cloud, tmp_path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "app.py").write_text(APP)
    (app / "requirements.txt").write_text("")
    (app / "shoehorn.toml").write_text('name = "clouderrors"\nwarm = "5m"\n')
    done = cloud.run("up", "--local", "--no-check", "-C", str(app))
    assert done.returncode == 0, done.stderr
    url = done.stdout.strip()
    api = url.split("/restapis/")[1].split("/")[0]

    # no request yet: only the keep-warm rule can invoke the function (a schedule minute is 0.2 s here)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        ran = [f for f in httpx.get(cloud.url + "/_shoehorn/cloud").json()["functions"] if f["function"] == "clouderrors-dev"]
        if ran:
            break
        time.sleep(0.3)
    assert ran and ran[0]["version"] == "1", "the keep-warm rule never fired"
    assert httpx.get(url, timeout=60).text == "ok"

    status = cloud.run("status", "--local", "-C", str(app))
    assert "rate(5 minutes)" in status.stdout.split("warm-up")[1].splitlines()[0], status.stdout
    assert "no drift" in status.stdout
    rules = cloud.boto3("events").list_rules(NamePrefix="clouderrors-dev")["Rules"]
    assert [r["ScheduleExpression"] for r in rules] == ["rate(5 minutes)"]

    # a 1 s integration timeout (instead of 29 s), deployed to the stage: /slow takes 4 s -> 504
    gateway = cloud.boto3("apigateway")
    for resource in gateway.get_resources(restApiId=api)["items"]:
        wired = gateway.get_integration(restApiId=api, resourceId=resource["id"], httpMethod="ANY")
        gateway.put_integration(restApiId=api, resourceId=resource["id"], httpMethod="ANY", type="AWS_PROXY",
                                integrationHttpMethod="POST", uri=wired["uri"], timeoutInMillis=1000)
    gateway.create_deployment(restApiId=api, stageName="dev")
    slow = httpx.get(url + "slow", timeout=60)
    assert slow.status_code == 504 and slow.json() == {"message": "Endpoint request timed out"}

    # the function cannot start: 502 at the gateway, FunctionError from Invoke
    assert cloud.run("env", "set", "--local", "-C", str(app), "BREAK=1").returncode == 0
    failed = httpx.get(url, timeout=60)
    assert failed.status_code == 502 and failed.json() == {"message": "Internal server error"}
    answer = cloud.boto3("lambda").invoke(FunctionName="clouderrors-dev", Qualifier="live", Payload=b"{}",
                                          LogType="Tail")
    assert answer["FunctionError"] == "Unhandled"
    assert "broken on purpose" in json.loads(answer["Payload"].read())["errorMessage"]
    down = cloud.run("down", "--local", "--yes", "-C", str(app))
    assert down.returncode == 0, down.stderr + down.stdout
