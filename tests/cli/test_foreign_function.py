"""Every day-2 command refuses a function under the app's name that is not the app's (QA day 2, bug 1).

`status`, `down`, `stop` and `env` refused a hand-made function (exit 8) while `invoke` and `run`
executed it and `url`, `logs` and `rollback --list` read it. Here a function is made by hand under
the app's name, with a `live` alias, on the moto server; Lambda Invoke goes through LambdaRunner
(tests/cli/test_invoke.py), which records every invocation, so "nothing was invoked" is checked
on the wire.
"""

from __future__ import annotations

import pytest

from shoehorn.deploy.aws import Aws

from deployapp import tiny_app
from opskit import run
from test_invoke import LambdaRunner
from test_ownership import hand_made_function

# Every command that reads or acts on the deployment, as a user types it after `shoehorn`.
COMMANDS = [
    ("invoke", "POST", "/delete-everything", "-C", "APP"),
    ("run", "-C", "APP", "--", "echo", "hi"),
    ("url", "-C", "APP"),
    ("logs", "--since", "1h", "-C", "APP"),
    ("rollback", "--list", "-C", "APP"),
    ("rollback", "-C", "APP"),
    ("status", "-C", "APP"),
    ("stop", "-C", "APP"),
    ("env", "list", "-C", "APP"),
]


def _theirs(event, context) -> dict:
    return {"statusCode": 200, "body": "the hand-made function ran"}


@pytest.mark.parametrize("tags", [None, {"shoehorn:app": "someone-else", "shoehorn:stage": "prod"}],
                         ids=["untagged", "another-apps"])
def test_no_command_reads_invokes_or_runs_a_function_that_is_not_the_apps(aws_env_shared, unique_name, tmp_path,
                                                                        monkeypatch, tags) -> None:
    aws = Aws()
    function = f"{unique_name}-dev"
    hand_made_function(aws, function, f"{unique_name}-handmade", tags=tags)
    version = aws.call("lambda", "publish_version", FunctionName=function)["Version"]
    aws.call("lambda", "create_alias", FunctionName=function, Name="live", FunctionVersion=version)
    aws.call("logs", "create_log_group", logGroupName=f"/aws/lambda/{function}")
    app = tiny_app(tmp_path / "app", unique_name)
    with LambdaRunner(aws_env_shared, _theirs) as runner:
        monkeypatch.setenv("AWS_ENDPOINT_URL", runner.url)
        for command in COMMANDS:
            code, out, err = run(*(str(app) if arg == "APP" else arg for arg in command))
            assert code == 8, (command, out, err)
            if tags is None:
                assert f"Lambda function {function} exists but was not created by shoehorn" in err, command
                assert "--adopt" in err, command  # the same hint `up`, `status` and `stop` give
            else:
                assert f"Lambda function {function} belongs to app 'someone-else' stage 'prod'" in err, command
            assert "hand-made function ran" not in out
        assert runner.invocations == []
    # `stop` wrote nothing either
    assert "ReservedConcurrentExecutions" not in aws.call("lambda", "get_function_concurrency", FunctionName=function)
