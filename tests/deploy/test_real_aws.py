"""What only real AWS can prove: IAM propagation timing and a real GET through API Gateway.

Runs only with SHOEHORN_REAL_AWS=1 and credentials in the standard chain (it creates and then
deletes a role, a function, a log group and a REST API named shoehorn-realtest-<pid>; cost: cents).
Why it exists: moto accepts a role the instant it is created, whereas Lambda rejects a role for
seconds after CreateRole ("eventual consistency", IAM User Guide, troubleshoot_general.html
#troubleshoot_general_eventual-consistency), and moto does not serve execute-api URLs, so the
invoke permission's effect (API Gateway returns 500 without it, Lambda developer guide,
"Using AWS Lambda with Amazon API Gateway") can only be checked here.
"""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from deploy.kit import real_aws_ready

pytestmark = pytest.mark.aws


@pytest.mark.skipif(not real_aws_ready(),
                    reason="needs SHOEHORN_REAL_AWS=1 and AWS credentials (creates real resources)")
def test_real_deploy_answers_through_api_gateway_then_down(tmp_path: Path, monkeypatch) -> None:
    from deploy.kit import make_bundle, make_config
    from shoehorn import deploy
    from shoehorn.deploy.aws import Aws
    from shoehorn.progress import Recorder, Waiting

    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    config = make_config(name=f"shoehorn-realtest-{os.getpid()}")
    recorder = Recorder()
    try:
        result = deploy.up(config, make_bundle(tmp_path), Aws(progress=recorder))
        # a brand-new role is usually refused for a few seconds: the retry must have absorbed it
        print("waited:", [w.what for w in recorder.of(Waiting)])
        status = None
        for _ in range(30):  # a new stage can take a few seconds to serve
            try:
                with urllib.request.urlopen(result.url, timeout=30) as response:
                    status = response.status
                    break
            except urllib.error.HTTPError as error:
                status = error.code
            time.sleep(2)
        assert status == 200
        assert deploy.plan(config, make_bundle(tmp_path), Aws()) == ()
        # A code update: UpdateFunctionCode, the shoehorn:code tag (TagResource), then PublishVersion
        # guarded by the RevisionId read after both. Whether tagging changes a function's RevisionId
        # is not documented (API_TagResource.html, API_PublishVersion.html "RevisionId"): this proves
        # the order works; then a re-dated zip of the same files uploads nothing.
        second = make_bundle(tmp_path, "v2", content="real-v2", date_time=(2020, 1, 1, 0, 0, 0))
        deploy.up(config, second, Aws())
        redated = make_bundle(tmp_path, "v2", content="real-v2", date_time=(2021, 1, 1, 0, 0, 0))
        assert deploy.plan(config, redated, Aws()) == ()
        # Least privilege (issue 11 item 4): the inline policy alone lets Lambda write the invocation's
        # START/END/REPORT lines (Lambda docs, "Sending Lambda function logs to CloudWatch Logs").
        streams = []
        for _ in range(30):
            streams = Aws().call("logs", "describe_log_streams", logGroupName=config.log_group).get("logStreams", [])
            if streams:
                break
            time.sleep(2)
        assert streams, "no log stream: the role may not write to its log group"
    finally:
        deploy.down(config, Aws())
