"""`up`, `plan` and `down` never touch a resource that is not this app's and stage's (issue 11, item 1).

Through the CLI against the moto server: resources are made by hand under the app's names
(untagged, or tagged for another app), and the commands must refuse before any write.
"""

from __future__ import annotations

import io
import json
import zipfile

from deployapp import tiny_app
from opskit import run
from shoehorn.deploy.aws import Aws

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return 'theirs'\n")
    return buffer.getvalue()


def hand_made_function(aws: Aws, name: str, role: str, tags: dict[str, str] | None = None) -> str:
    """A function (and its role) someone made without shoehorn; returns the function's CodeSha256."""
    arn = aws.call("iam", "create_role", RoleName=role, AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    made = aws.call("lambda", "create_function", FunctionName=name, Runtime="python3.12", Role=arn,
                    Handler="index.handler", Code={"ZipFile": _zip()}, Tags=tags or {})
    return made["CodeSha256"]


def test_two_apps_whose_names_would_collide_cannot_both_be_configured(aws_env_shared, unique_name, tmp_path) -> None:
    """The issue's case: app `X-api` stage `dev` and app `X` stage `api-dev` both map to `X-api-dev`."""
    first = tiny_app(tmp_path / "a", f"{unique_name}-api")
    code, _, err = run("up", "-C", str(first), "--no-check")
    assert code == 0, err
    second = tiny_app(tmp_path / "b", unique_name)
    for command in (("down", "--yes"), ("plan",), ("up", "--no-check")):
        code, _, err = run(*command, "-C", str(second), "--stage", "api-dev")
        assert code == 2, err
        assert "stage name 'api-dev' is not allowed" in err and "'api_dev'" in err
    aws = Aws()
    assert aws.call("lambda", "get_function", FunctionName=f"{unique_name}-api-dev")["Configuration"]
    assert aws.call("iam", "get_role", RoleName=f"{unique_name}-api-dev-lambda")["Role"]


def test_a_function_made_by_hand_under_the_name_is_never_touched_without_adopt(aws_env_shared, unique_name,
                                                                                tmp_path) -> None:
    aws = Aws()
    function = f"{unique_name}-dev"
    sha = hand_made_function(aws, function, f"{unique_name}-handmade")
    app = tiny_app(tmp_path / "app", unique_name)
    for command in (("plan",), ("up", "--no-check"), ("down", "--yes")):
        code, out, err = run(*command, "-C", str(app))
        assert code == 8, (command, out, err)
        assert f"Lambda function {function} exists but was not created by shoehorn" in err
        assert "nothing was changed" in err and "--adopt" in err
    got = aws.call("lambda", "get_function", FunctionName=function)
    assert got["Configuration"]["CodeSha256"] == sha and not got.get("Tags")
    assert aws.call("iam", "get_role", RoleName=f"{unique_name}-handmade")["Role"]
    # nothing else was created either: the check runs before the first write
    assert not [r for r in aws.call("iam", "list_roles")["Roles"] if r["RoleName"] == f"{unique_name}-dev-lambda"]

    code, out, err = run("plan", "--adopt", "-C", str(app))
    assert code == 0, err
    assert "tag Lambda function" in out and "--adopt" in out
    code, _, err = run("up", "--no-check", "--adopt", "-C", str(app))
    assert code == 0, err
    tags = aws.call("lambda", "get_function", FunctionName=function)["Tags"]
    assert tags["shoehorn:app"] == unique_name and tags["shoehorn:stage"] == "dev"
    code, _, err = run("up", "--no-check", "-C", str(app))  # adopted: ours from now on, no flag needed
    assert code == 0, err


def test_a_resource_tagged_for_another_app_is_refused_even_with_adopt(aws_env_shared, unique_name, tmp_path) -> None:
    aws = Aws()
    function = f"{unique_name}-dev"
    hand_made_function(aws, function, f"{unique_name}-other",
                       tags={"shoehorn:app": "someone-else", "shoehorn:stage": "prod"})
    app = tiny_app(tmp_path / "app", unique_name)
    for command in (("up", "--no-check", "--adopt"), ("plan", "--adopt"), ("down", "--yes")):
        code, _, err = run(*command, "-C", str(app))
        assert code == 8, err
        assert f"Lambda function {function} belongs to app 'someone-else' stage 'prod'" in err
        assert "another `name`" in err
    assert aws.call("lambda", "get_function", FunctionName=function)["Tags"]["shoehorn:app"] == "someone-else"


def test_an_untagged_role_made_by_a_person_blocks_up(aws_env_shared, unique_name, tmp_path) -> None:
    aws = Aws()
    aws.call("iam", "create_role", RoleName=f"{unique_name}-dev-lambda", AssumeRolePolicyDocument=TRUST,
             Description="our CI deploy role")
    app = tiny_app(tmp_path / "app", unique_name)
    code, _, err = run("up", "--no-check", "-C", str(app))
    assert code == 8 and f"IAM role {unique_name}-dev-lambda exists but was not created by shoehorn" in err
    assert aws.call("iam", "list_attached_role_policies", RoleName=f"{unique_name}-dev-lambda")["AttachedPolicies"] == []
