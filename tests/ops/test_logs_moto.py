"""Logs written to the moto log group come back through ``page_reader`` in order, grouped."""

from __future__ import annotations

import time

from shoehorn.deploy.aws import Aws
from shoehorn.ops.loglines import group
from shoehorn.ops.logs import LogQuery, page_reader, read_all

# CloudWatch (and moto) reject events older than 14 days: stamp them around now.
T0 = int(time.time() * 1000) - 60_000
REQ = "11111111-2222-3333-4444-555555555555"


def test_events_from_two_streams_come_back_ordered_and_grouped(aws_env: str) -> None:
    aws = Aws()
    # Before the group exists (deleted out of band): empty, not an error.
    assert read_all(page_reader(aws, LogQuery("/aws/lambda/shop-dev", T0)), T0) == []
    aws.call("logs", "create_log_group", logGroupName="/aws/lambda/shop-dev")
    for stream in ("2024/01/01/[1]aaa", "2024/01/01/[1]bbb"):
        aws.call("logs", "create_log_stream", logGroupName="/aws/lambda/shop-dev", logStreamName=stream)
    aws.call("logs", "put_log_events", logGroupName="/aws/lambda/shop-dev", logStreamName="2024/01/01/[1]bbb",
             logEvents=[{"timestamp": T0 + 500, "message": "INIT_START Runtime Version: python:3.11"}])
    aws.call("logs", "put_log_events", logGroupName="/aws/lambda/shop-dev", logStreamName="2024/01/01/[1]aaa",
             logEvents=[{"timestamp": T0 + 100, "message": f"START RequestId: {REQ} Version: 1"},
                        {"timestamp": T0 + 200, "message": "hello"},
                        {"timestamp": T0 + 900, "message": f"REPORT RequestId: {REQ}\tDuration: 1 ms"}])
    read = page_reader(aws, LogQuery("/aws/lambda/shop-dev", T0))
    events = read_all(read, T0)
    assert [e.timestamp for e in events] == sorted(e.timestamp for e in events)
    groups = group(events)
    assert [g.request_id for g in groups] == [REQ, None]
    assert [line.text for line in groups[0].lines][1] == "hello"
    later = [e.message.split()[0] for e in read_all(read, T0 + 400)]  # startTime honoured
    assert later == ["INIT_START", "REPORT"]
