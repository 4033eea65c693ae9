"""FilterLogEvents through the local cloud's front: the pattern is matched as CloudWatch matches
it (moto alone matched `502`, `?A ?B` and `-X` to every event), and a pattern the local cloud
cannot read is an InvalidParameterException, as AWS answers a bad pattern."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError

GROUP = "/aws/lambda/filter-check"
MESSAGES = ["START RequestId: a1", "[ERROR] answering 502 instead", "[WARNING] slow: 2100 ms", "REPORT RequestId: a1"]


def test_filter_log_events_through_the_local_cloud(cloud) -> None:
    logs = cloud.boto3("logs")
    logs.create_log_group(logGroupName=GROUP)
    logs.create_log_stream(logGroupName=GROUP, logStreamName="s")
    now = int(time.time() * 1000)
    logs.put_log_events(logGroupName=GROUP, logStreamName="s",
                        logEvents=[{"timestamp": now + i, "message": m} for i, m in enumerate(MESSAGES)])

    def messages(pattern: str) -> list[str]:
        return [e["message"] for e in logs.filter_log_events(logGroupName=GROUP, filterPattern=pattern)["events"]]

    assert messages("502") == ["[ERROR] answering 502 instead"]
    assert messages("?ERROR ?WARNING") == ["[ERROR] answering 502 instead", "[WARNING] slow: 2100 ms"]
    assert messages("-RequestId") == ["[ERROR] answering 502 instead", "[WARNING] slow: 2100 ms"]
    assert messages("%[0-9]+ ms%") == ["[WARNING] slow: 2100 ms"]
    assert messages("") == MESSAGES
    with pytest.raises(ClientError) as refused:
        messages('{ $.level = "ERROR" }')
    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"
    assert "text patterns only" in refused.value.response["Error"]["Message"]


def test_a_request_that_is_not_a_json_object_is_moto_s_to_judge(cloud) -> None:
    import httpx

    answer = httpx.post(cloud.url + "/", content=b"[1, 2", headers={
        "X-Amz-Target": "Logs_20140328.FilterLogEvents", "Content-Type": "application/x-amz-json-1.1",
        "Authorization": "AWS4-HMAC-SHA256 Credential=local/20261130/us-east-1/logs/aws4_request, "
                         "SignedHeaders=host, Signature=0"})
    assert 400 <= answer.status_code < 500, answer.text  # a client error, never the front's 500
