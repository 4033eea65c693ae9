"""The local cloud's log writer: every line the functions print reaches CloudWatch Logs, whatever it holds."""

from __future__ import annotations

import time

import boto3
import pytest
from moto import mock_aws

from shoehorn.cloud.cloudwatch import CloudWatchLog, LogWriter
from shoehorn.cloud.control import Control
from shoehorn.deploy.aws import Aws

GROUP = "/aws/lambda/demo-dev"


@pytest.fixture
def logs(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        client = boto3.client("logs", region_name="us-east-1")
        client.create_log_group(logGroupName=GROUP)
        yield client


def _messages(client) -> list[str]:
    return [event["message"] for event in client.get_log_events(logGroupName=GROUP, logStreamName="s")["events"]]


def test_an_empty_line_is_kept_and_logging_goes_on(logs) -> None:
    # PutLogEvents refuses an empty message; the writer thread died on the first bare print() and
    # no function of the cloud logged anything after it.
    writer = LogWriter(Control(lambda region: Aws(region=region)))
    log = CloudWatchLog(writer, "us-east-1", "demo-dev", "1")
    log.output(None, "", stream="s")
    log.output(None, "after", stream="s")
    writer.close()
    assert _messages(logs) == ["\n", "after"]


def test_a_batch_that_fails_is_dropped_and_the_next_ones_are_written(logs, capsys) -> None:
    control = Control(lambda region: Aws(region=region))
    calls = {"n": 0}
    real = control.call

    def flaky(region, service, operation, **kwargs):
        if operation == "put_log_events" and calls["n"] == 0:
            calls["n"] += 1
            raise RuntimeError("the connection broke")
        return real(region, service, operation, **kwargs)

    control.call = flaky
    writer = LogWriter(control)
    log = CloudWatchLog(writer, "us-east-1", "demo-dev", "1")
    log.output(None, "lost", stream="s")
    time.sleep(0.5)  # the first batch is flushed (and fails) before the next line comes
    log.output(None, "kept", stream="s")
    writer.close()
    assert _messages(logs) == ["kept"]
    assert "1 lines for /aws/lambda/demo-dev s were dropped: RuntimeError: the connection broke" in capsys.readouterr().err
