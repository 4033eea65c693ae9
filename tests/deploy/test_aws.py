"""The AWS door: retries through a real fault-injecting HTTP hop, error mapping, setup errors."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from shoehorn.deploy.aws import RULES, Aws, AwsError, is_iam_propagation, is_throttling, is_update_in_progress
from shoehorn.errors import AwsSetupError, ConfigError, ConflictError, DeployError
from shoehorn.progress import Waiting

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("shoehorn_handler.py", "def handler(event, context):\n    return {}\n")
    return buffer.getvalue()


def _create_function(aws: Aws, name: str) -> dict:
    role = aws.call("iam", "create_role", RoleName=f"{name}-lambda", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    return aws.call("lambda", "create_function", FunctionName=name, Runtime="python3.11", Role=role,
                    Handler="shoehorn_handler.handler", Code={"ZipFile": _zip()})


# --- predicates are named and distinct -----------------------------------------------------

@pytest.mark.parametrize("code,status,message,expected", [
    ("TooManyRequestsException", 429, "Rate exceeded", "throttling"),
    ("ThrottlingException", 400, "slow down", "throttling"),
    ("Throttling", 400, "Rate exceeded", "throttling"),
    ("RequestLimitExceeded", 400, "", "throttling"),
    ("SomethingElse", 429, "", "throttling"),
    ("InvalidParameterValueException", 400, "The role defined for the function cannot be assumed by Lambda.", "iam"),
    ("InvalidParameterValueException", 400, "Memory must be a multiple of 1 MB", None),
    ("ResourceConflictException", 409, "An update is in progress for resource: arn:...", "update"),
    ("ResourceConflictException", 409, "The statement id (x) provided already exists.", None),
    ("ValidationException", 400, "bad", None),
])
def test_predicates(code: str, status: int, message: str, expected: str | None) -> None:
    error = AwsError("lambda", "create_function", code, message, status)
    found = {"throttling": is_throttling(error), "iam": is_iam_propagation(error), "update": is_update_in_progress(error)}
    assert [name for name, hit in found.items() if hit] == ([expected] if expected else [])
    assert any(rule.predicate(error) for rule in RULES) == (expected is not None)


# --- retries through the fault proxy -------------------------------------------------------

def test_lambda_throttling_is_retried_with_backoff_and_announced(proxy, aws, clock, recorder, unique_name) -> None:
    proxy.fail("CreateFunction", "throttle", times=3)
    conf = _create_function(aws, unique_name)
    assert conf["FunctionName"] == unique_name
    assert proxy.injected == [("CreateFunction", "throttle")] * 3
    assert len(clock.sleeps) == 3
    # full jitter: each delay lies in [0, base * 2**(attempt-1)]
    assert all(0 <= delay <= 0.5 * 2 ** n for n, delay in enumerate(clock.sleeps))
    waits = recorder.of(Waiting)
    assert [w.attempt for w in waits] == [1, 2, 3]
    assert all("throttled" in w.what and "TooManyRequestsException" in w.reason for w in waits)
    assert aws.log.count(("lambda", "create_function")) == 4  # each attempt counted


def test_iam_query_protocol_throttling_is_retried(proxy, aws, clock, unique_name) -> None:
    proxy.fail("CreateRole", "throttle-iam", times=2)
    aws.call("iam", "create_role", RoleName=unique_name, AssumeRolePolicyDocument=TRUST)
    assert aws.call("iam", "get_role", RoleName=unique_name)["Role"]["RoleName"] == unique_name
    assert len(clock.sleeps) == 2


def test_iam_propagation_on_create_function_is_retried(proxy, aws, recorder, unique_name) -> None:
    proxy.fail("CreateFunction", "iam-propagation", times=2)
    _create_function(aws, unique_name)
    assert [w.what for w in recorder.of(Waiting)] == ["the new IAM role to propagate to Lambda"] * 2


def test_update_in_progress_waits_then_succeeds(proxy, aws, recorder, unique_name) -> None:
    _create_function(aws, unique_name)
    proxy.fail("UpdateFunctionConfiguration", "update-in-progress", times=2)
    aws.call("lambda", "update_function_configuration", FunctionName=unique_name, MemorySize=256)
    assert aws.wait_function_updated(unique_name)["MemorySize"] == 256
    assert [w.what for w in recorder.of(Waiting)] == ["the previous Lambda update to finish"] * 2
    # between attempts it polls LastUpdateStatus instead of retrying blindly
    calls = [op for _, op in aws.log]
    first = calls.index("update_function_configuration")
    assert calls[first:first + 5] == ["update_function_configuration", "get_function_configuration"] * 2 + [
        "update_function_configuration"]


def test_retries_stop_at_the_deadline_with_a_clear_error(proxy, aws_env_shared, clock, unique_name) -> None:
    aws = Aws(sleep=clock.sleep, clock=clock, deadline=5.0)
    proxy.fail("CreateRole", "throttle-iam", times=1000)
    with pytest.raises(DeployError) as caught:
        aws.call("iam", "create_role", RoleName=unique_name, AssumeRolePolicyDocument=TRUST)
    assert "gave up waiting for AWS to accept more requests" in caught.value.message
    assert sum(clock.sleeps) <= 5.0
    assert caught.value.hint


def test_other_errors_fail_at_once_with_the_aws_message(proxy, aws, clock, unique_name) -> None:
    with pytest.raises(DeployError) as caught:
        aws.call("lambda", "get_function", FunctionName="missing")
    assert "ResourceNotFoundException" in caught.value.message and caught.value.hint
    assert clock.sleeps == [] and aws.log == [("lambda", "get_function")]


def test_expected_codes_come_back_as_data(aws, unique_name) -> None:
    with pytest.raises(AwsError) as caught:
        aws.call("lambda", "get_function", expect=("ResourceNotFoundException",), FunctionName="missing")
    assert caught.value.code == "ResourceNotFoundException"


def test_reads_and_writes_are_counted(aws, unique_name) -> None:
    aws.call("iam", "create_role", RoleName=unique_name, AssumeRolePolicyDocument=TRUST)
    aws.call("iam", "get_role", RoleName=unique_name)
    aws.call("iam", "list_role_policies", RoleName=unique_name)
    assert (aws.reads, aws.writes) == (2, 1)


# --- errors that carry the fix -------------------------------------------------------------

def test_access_denied_names_the_permission_to_add(proxy, aws, unique_name) -> None:
    proxy.fail("CreateFunction", "access-denied")
    with pytest.raises(AwsSetupError) as caught:
        _create_function(aws, unique_name)
    assert "lambda:CreateFunction" in caught.value.message
    assert "Add lambda:CreateFunction" in caught.value.hint
    assert caught.value.exit_code == 4


def test_concurrency_above_the_account_limit_is_explained(proxy, aws, unique_name) -> None:
    _create_function(aws, unique_name)
    proxy.fail("PutFunctionConcurrency", "concurrency-limit")
    with pytest.raises(DeployError) as caught:
        aws.call("lambda", "put_function_concurrency", FunctionName=unique_name, ReservedConcurrentExecutions=5000)
    assert "more than this account can spare" in caught.value.message
    assert "Lower `concurrency`" in caught.value.hint


def test_snapstart_refused_in_a_region_is_reported_as_the_config_choice(proxy, aws, unique_name) -> None:
    _create_function(aws, unique_name)
    proxy.fail("UpdateFunctionConfiguration", "snapstart-region")
    with pytest.raises(ConfigError) as caught:
        aws.call("lambda", "update_function_configuration", FunctionName=unique_name,
                 SnapStart={"ApplyOn": "PublishedVersions"})
    assert "refused SnapStart" in caught.value.message and caught.value.exit_code == 2
    assert "snapstart = false" in caught.value.hint


def test_revision_conflict_is_another_deploy_in_progress(proxy, aws, unique_name) -> None:
    _create_function(aws, unique_name)
    proxy.fail("UpdateFunctionCode", "revision-conflict")
    with pytest.raises(ConflictError) as caught:
        aws.call("lambda", "update_function_code", FunctionName=unique_name, ZipFile=_zip(), RevisionId="stale")
    assert "another deploy is in progress" in caught.value.message


def test_missing_credentials(aws_env_shared, monkeypatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(AwsSetupError) as caught:
        Aws().call("sts", "get_caller_identity")
    assert caught.value.message == "no AWS credentials found."
    assert "aws configure" in caught.value.hint and "AWS_PROFILE" in caught.value.hint
    assert "AWS_ACCESS_KEY_ID" in caught.value.hint


def test_missing_region(aws_env_shared, monkeypatch) -> None:
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    with pytest.raises(AwsSetupError) as caught:
        Aws()
    assert "no AWS region" in caught.value.message
    assert "AWS_REGION" in caught.value.hint and "--region" in caught.value.hint


def test_region_argument_and_aws_region_are_honoured(aws_env_shared, monkeypatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")  # botocore alone would not see AWS_REGION
    assert Aws().region == "us-east-1"
    assert Aws(region="eu-west-1").region == "eu-west-1"


def test_unknown_profile(aws_env_shared) -> None:
    with pytest.raises(AwsSetupError) as caught:
        Aws(profile="nope")
    assert "nope" in caught.value.message


def test_a_dropped_connection_is_a_deploy_error_not_a_crash(proxy, aws, unique_name) -> None:
    rule = proxy.stall("CreateRole")
    rule.release.set()  # answer nothing and drop the connection at once
    with pytest.raises(DeployError) as caught:
        aws.call("iam", "create_role", RoleName=unique_name, AssumeRolePolicyDocument=TRUST)
    assert "connection to AWS broke" in caught.value.message and "again" in caught.value.hint


def test_a_read_whose_connection_drops_is_sent_once_more_a_write_is_not(proxy, aws, unique_name) -> None:
    # A read changes nothing, so a kept-alive connection the server closed as the request went out costs
    # nothing (the local cloud's scheduler logged such breaks every minute); a write may have been applied.
    rule = proxy.stall("GetRole")
    rule.release.set()
    with pytest.raises(DeployError):  # the role does not exist: the second attempt reached AWS
        aws.call("iam", "get_role", RoleName=unique_name)
    assert proxy.seen.count(("iam", "GetRole")) == 2
    twice = proxy.fail("GetRole", "stall", times=2)
    twice.release.set()
    with pytest.raises(DeployError, match="connection to AWS broke"):
        aws.call("iam", "get_role", RoleName=unique_name)


def test_an_endpoint_that_is_not_an_aws_api_is_named_as_such(monkeypatch) -> None:
    """A bare 404 (no AWS error body) used to read `lambda.get_function failed: 404:` (issue 11 item 6)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class NotAws(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = do_PUT = _answer

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), NotAws)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_port}"
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        with pytest.raises(AwsSetupError) as caught:
            Aws(region="us-east-1").call("lambda", "get_function", FunctionName="shop-dev")
    finally:
        server.shutdown()
        server.server_close()
    assert f"got HTTP 404 from {endpoint}" in caught.value.message and "not an AWS API" in caught.value.message
    assert "AWS_ENDPOINT_URL" in (caught.value.hint or "")


def test_a_bodiless_s3_head_denial_names_the_permission(proxy, aws, unique_name) -> None:
    """QA: S3 answers a refused HEAD with a bare 403 (botocore: Code "403", Message "Forbidden"); it was
    `AWS s3.head_bucket failed: 403: Forbidden`, exit 5, with no permission named."""
    proxy.fail("HeadBucket", "bare-403")
    with pytest.raises(AwsSetupError) as caught:
        aws.call("s3", "head_bucket", Bucket=f"shoehorn-{unique_name}")
    assert caught.value.exit_code == 4
    assert "s3:ListBucket" in caught.value.message and "Add s3:ListBucket" in caught.value.hint
    assert "another AWS account" in caught.value.hint


@pytest.mark.parametrize(("service", "operation", "permission"), [
    ("s3", "head_bucket", "s3:ListBucket"),
    ("s3", "list_objects_v2", "s3:ListBucket"),
    ("s3", "head_object", "s3:GetObject"),
    ("s3", "delete_objects", "s3:DeleteObject"),
    ("s3", "put_bucket_tagging", "s3:PutBucketTagging"),
    ("lambda", "create_function", "lambda:CreateFunction"),
    ("resourcegroupstaggingapi", "get_resources", "tag:GetResources"),
])
def test_the_permission_named_is_one_iam_has(service, operation, permission) -> None:
    from shoehorn.deploy.aws import iam_action

    assert iam_action(service, operation) == permission
