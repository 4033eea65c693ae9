"""The local cloud's execution environments as Lambda's: the code directory is read-only and each
container has its own /tmp, sized by the function's EphemeralStorage; each container logs to its
own CloudWatch stream. Driven with plain boto3 against a running local cloud (tests/cloud/conftest.py)."""

from __future__ import annotations

import base64
import io
import json
import re
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest

from shoehorn.cloud.lambdas import RUNTIME  # (the local cloud runs only its own Python)

pytestmark = pytest.mark.slow

CODE = '''
import os, tempfile, time

def handler(event, context):
    if event.get("sleep"):
        time.sleep(event["sleep"])
        return {"stream": context.log_stream_name}
    if event.get("sparse_mb"):  # a sparse file: its size counts, no disk is used
        with open(os.path.join(tempfile.gettempdir(), "big"), "wb") as f:
            f.truncate(event["sparse_mb"] * 1024 * 1024)
        return {}
    outcomes = {}
    for name, path in (("code_dir", os.path.join(os.environ["LAMBDA_TASK_ROOT"], "notes.txt")),
                       ("cwd", "log.txt"),
                       ("tmp", os.path.join(tempfile.gettempdir(), "notes.txt"))):
        try:
            with open(path, "w") as f:
                f.write("x")
            outcomes[name] = "ok"
        except OSError as error:
            outcomes[name] = f"{type(error).__name__}: {error}"
    return {"outcomes": outcomes, "tmp": tempfile.gettempdir(), "root": os.environ["LAMBDA_TASK_ROOT"]}
'''


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("main.py", CODE)
    return buffer.getvalue()


def _function(cloud, name: str, **extra) -> None:
    iam, lam = cloud.boto3("iam"), cloud.boto3("lambda")
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "lambda.amazonaws.com"}}]}))["Role"]["Arn"]
    lam.create_function(FunctionName=name, Runtime=RUNTIME, Role=role, Handler="main.handler", Timeout=30,
                        Code={"ZipFile": _zip()}, **extra)


def _invoke(cloud, name: str, event: dict) -> tuple[dict, str]:
    answer = cloud.boto3("lambda").invoke(FunctionName=name, Payload=json.dumps(event), LogType="Tail")
    assert "FunctionError" not in answer
    return json.loads(answer["Payload"].read()), base64.b64decode(answer["LogResult"]).decode()


def test_code_is_read_only_and_tmp_is_writable(cloud) -> None:
    _function(cloud, "disk")
    answer, _ = _invoke(cloud, "disk", {})
    outcomes = answer["outcomes"]
    # what Lambda answers for a write under /var/task: [Errno 30] Read-only file system
    assert outcomes["code_dir"].startswith("OSError: [Errno 30] Read-only file system"), outcomes
    assert outcomes["cwd"].startswith("OSError: [Errno 30] Read-only file system"), outcomes
    assert outcomes["tmp"] == "ok"
    assert not answer["tmp"].startswith(answer["root"])


def test_tmp_size_follows_the_functions_ephemeral_storage(cloud) -> None:
    _function(cloud, "small-tmp")
    _function(cloud, "big-tmp", EphemeralStorage={"Size": 1024})
    _, tail = _invoke(cloud, "small-tmp", {"sparse_mb": 600})
    assert "/tmp holds 600 MB" in tail and "is 512 MB here" in tail
    _, tail = _invoke(cloud, "big-tmp", {"sparse_mb": 600})
    assert "/tmp holds" not in tail
    _, tail = _invoke(cloud, "big-tmp", {"sparse_mb": 1100})
    assert "/tmp holds 1100 MB" in tail and "is 1024 MB here" in tail


def test_two_concurrent_cold_starts_log_to_two_streams(cloud) -> None:
    _function(cloud, "streams")
    with ThreadPoolExecutor(2) as both:
        answers = list(both.map(lambda _: _invoke(cloud, "streams", {"sleep": 1.5})[0], range(2)))
    named = {answer["stream"] for answer in answers}
    assert len(named) == 2 and all(re.fullmatch(r"\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}", s) for s in named)
    logs, deadline, found = cloud.boto3("logs"), time.monotonic() + 10, set()
    while found != named and time.monotonic() < deadline:  # lines are written in batches every 0.2 s
        time.sleep(0.3)
        found = {s["logStreamName"] for s in logs.describe_log_streams(logGroupName="/aws/lambda/streams")["logStreams"]}
    assert found == named
    for stream in named:
        lines = [e["message"] for e in logs.get_log_events(logGroupName="/aws/lambda/streams",
                                                           logStreamName=stream)["events"]]
        assert sum(line.startswith("START RequestId:") for line in lines) == 1
        assert sum(line.startswith("REPORT RequestId:") for line in lines) == 1


def test_files_keep_their_zip_dates_as_in_lambdas_var_task(cloud) -> None:
    # Lambda keeps each entry's date (apps serving static files send it as Last-Modified:
    # serverless-http #48 saw 1980 there); zipfile's extractall would date every file "now".
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("main.py", "import os\ndef handler(event, context):\n"
                                    "    return {'mtime': os.stat(os.path.join(os.environ['LAMBDA_TASK_ROOT'], 'site.css')).st_mtime}\n")
        archive.writestr(zipfile.ZipInfo("site.css", date_time=(2021, 5, 6, 10, 20, 30)), "body {}")
    iam, lam = cloud.boto3("iam"), cloud.boto3("lambda")
    role = iam.create_role(RoleName="dated-role", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "lambda.amazonaws.com"}}]}))["Role"]["Arn"]
    lam.create_function(FunctionName="dated", Runtime=RUNTIME, Role=role, Handler="main.handler", Timeout=30,
                        Code={"ZipFile": buffer.getvalue()})
    answer, _ = _invoke(cloud, "dated", {})
    assert answer["mtime"] == 1620296430  # 2021-05-06 10:20:30 UTC


def test_a_browser_that_left_the_apis_url_gets_execute_apis_403_not_s3(cloud) -> None:
    # a redirect to "/login" that lost the /restapis/... prefix: execute-api's answer for no resource
    import httpx

    answer = httpx.get(cloud.url.rstrip("/") + "/login", timeout=10)
    assert answer.status_code == 403 and answer.json() == {"message": "Missing Authentication Token"}
    assert answer.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
    assert len(answer.headers.get_list("date")) == 1
    assert cloud.boto3("s3").list_buckets()["Buckets"] is not None  # signed calls still reach moto
