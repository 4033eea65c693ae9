"""The deployed wiring, end to end: what `up`, `rollback`, `env set`, `stop`/`start`, a deleted
permission, `status`, `logs`, `invoke` and `down` change for a client of the printed URL."""

from __future__ import annotations

import json
import re
import time

import httpx
import pytest

from cloud.conftest import tiny_app

pytestmark = pytest.mark.slow


def _get(url: str) -> httpx.Response:
    return httpx.get(url, timeout=60)


def _logs_with(cloud, app, *needles: str, tries: int = 20):
    """`logs --local` once the writer thread has put the lines (it batches every 0.2 s)."""
    for _ in range(tries):
        shown = cloud.run("logs", "--local", "-C", str(app))
        if all(n in shown.stdout for n in needles):
            return shown
        time.sleep(0.3)
    return shown


def test_tiny_app_through_every_command(cloud, tmp_path) -> None:
    app = tiny_app(tmp_path / "app", "cloudtiny")
    first = cloud.run("up", "--local", "-C", str(app))
    assert first.returncode == 0, first.stderr
    url = first.stdout.strip()
    assert url.startswith(cloud.url + "/restapis/") and url.endswith("/dev/_user_request_/")
    assert f"GET {url} -> 200 OK" in first.stderr  # `up --local` checks the URL it prints
    hello = _get(url + "hello")
    assert hello.text == "v1 GREETING=unset"
    assert len(hello.headers.get_list("date")) == 1 and "server" not in hello.headers  # as API Gateway answers
    assert cloud.run("url", "--local", "-C", str(app)).stdout.strip() == url

    # logs: the platform lines and the app's own line, in CloudWatch Logs of the local cloud
    shown = _logs_with(cloud, app, "hello from the app /hello", "REPORT RequestId:")
    assert "START RequestId:" in shown.stdout and "Version: 1" in shown.stdout, shown.stdout + shown.stderr
    assert "hello from the app /hello" in shown.stdout and "REPORT RequestId:" in shown.stdout
    groups = cloud.boto3("logs").describe_log_streams(logGroupName="/aws/lambda/cloudtiny-dev")["logStreams"]
    assert groups and all("/[1]" in s["logStreamName"] for s in groups)  # YYYY/MM/DD/[version]id
    # status: the cold start the container's REPORT line gave (Init Duration)
    assert re.search(r"last cold start +Init Duration \d+ ms", cloud.run("status", "--local", "-C", str(app)).stdout)

    # invoke: through Lambda's real Invoke API
    invoked = cloud.run("invoke", "--local", "-C", str(app), "GET", "/direct")
    assert invoked.returncode == 0, invoked.stderr
    assert invoked.stdout.strip() == "v1 GREETING=unset" and "version 1" in invoked.stderr

    # a code change is served after `up`; `rollback` serves the old code again
    tiny_app(app, "cloudtiny", marker="v2")
    second = cloud.run("up", "--local", "-C", str(app))
    assert second.returncode == 0 and second.stdout.strip() == url, second.stderr
    assert _get(url).text == "v2 GREETING=unset"
    warm = {f["version"]: f["containers"] for f in _get(cloud.url + "/_shoehorn/cloud").json()["functions"]
            if f["function"] == "cloudtiny-dev"}
    assert warm == {"1": 0, "2": 1}  # version 1's idle container stopped once version 2 ran
    back = cloud.run("rollback", "--local", "-C", str(app))
    assert back.returncode == 0 and "live 2 -> 1" in back.stdout, back.stderr
    assert _get(url).text == "v1 GREETING=unset"

    assert cloud.run("rollback", "--local", "-C", str(app), "2").returncode == 0  # roll forward again

    # env set: a new version with the variable, live at once
    changed = cloud.run("env", "set", "--local", "-C", str(app), "GREETING=hi")
    assert changed.returncode == 0, changed.stderr
    assert _get(url).text == "v2 GREETING=hi"

    # stop: Lambda throttles (Invoke answers 429), API Gateway answers 500; start: served again
    assert cloud.run("stop", "--local", "-C", str(app)).returncode == 0
    stopped = _get(url)
    assert stopped.status_code == 500 and stopped.json() == {"message": "Internal server error"}
    lam = cloud.boto3("lambda")
    with pytest.raises(lam.exceptions.TooManyRequestsException):
        lam.invoke(FunctionName="cloudtiny-dev", Qualifier="live", Payload=b"{}")
    assert cloud.run("start", "--local", "-C", str(app)).returncode == 0
    assert _get(url).status_code == 200

    # the invoke permission deleted behind shoehorn's back: 500, drift shown, `up` repairs it
    policy = json.loads(lam.get_policy(FunctionName="cloudtiny-dev", Qualifier="live")["Policy"])
    for statement in policy["Statement"]:
        lam.remove_permission(FunctionName="cloudtiny-dev", Qualifier="live", StatementId=statement["Sid"])
    broken = _get(url)
    assert broken.status_code == 500 and broken.json() == {"message": "Internal server error"}
    status = cloud.run("status", "--local", "-C", str(app))
    assert "to invoke cloudtiny-dev:live (API Gateway may not invoke the alias)" in status.stdout, status.stdout
    assert url in status.stdout
    repaired = cloud.run("up", "--local", "-C", str(app))
    assert repaired.returncode == 0 and "allow API" in repaired.stderr, repaired.stderr
    assert _get(url).status_code == 200

    # down: the URL answers as execute-api does for an API that does not exist, nothing tagged remains
    gone = cloud.run("down", "--local", "--yes", "-C", str(app))
    assert gone.returncode == 0, gone.stderr
    after = _get(url)
    assert after.status_code == 403 and after.json() == {"message": "Forbidden"}
    tagged = cloud.boto3("resourcegroupstaggingapi").get_resources(
        TagFilters=[{"Key": "shoehorn:app", "Values": ["cloudtiny"]}])["ResourceTagMappingList"]
    assert tagged == []
    # the deleted function's environments stop with it (they kept running, listed by `cloud status`)
    left = [f for f in _get(cloud.url + "/_shoehorn/cloud").json()["functions"] if f["function"] == "cloudtiny-dev"]
    assert left == []


def test_unknown_stage_and_api_answer_as_execute_api(cloud, tmp_path) -> None:
    app = tiny_app(tmp_path / "app", "cloudstage")
    url = cloud.run("up", "--local", "--no-check", "-C", str(app)).stdout.strip()
    api = url.split("/restapis/")[1].split("/")[0]
    wrong_stage = _get(f"{cloud.url}/restapis/{api}/prod/_user_request_/")
    assert wrong_stage.status_code == 403 and wrong_stage.json() == {"message": "Forbidden"}
    assert wrong_stage.headers["x-amzn-ErrorType"] == "ForbiddenException"
    no_api = _get(f"{cloud.url}/restapis/nosuchapi1/dev/_user_request_/")
    assert no_api.status_code == 403
    # a method ANY does not stand for (WebDAV's PROPFIND) matches no method: execute-api's 403, the function
    # is not called (the cloud answered Starlette's 405 "Method Not Allowed", which AWS never sends)
    webdav = httpx.request("PROPFIND", url + "calendars/", headers={"Depth": "1"}, timeout=60)
    assert webdav.status_code == 403 and webdav.json() == {"message": "Missing Authentication Token"}
    assert webdav.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
    assert _get(url).status_code == 200  # the seven it does forward still reach the app
    assert cloud.run("down", "--local", "--yes", "-C", str(app)).returncode == 0
