"""``shoehorn plan`` as a subprocess: prints what `up` would do, changes nothing, masks values."""

from __future__ import annotations

from deployapp import shoehorn, tiny_app
from shoehorn.deploy.aws import Aws


def test_plan_prints_the_actions_and_changes_nothing(aws_env_shared, unique_name, tmp_path) -> None:
    app = tiny_app(tmp_path / "app", unique_name, extra_toml='\n[environment]\nTOKEN = "s3cr3t-value"\n')
    result = shoehorn("plan", "-C", str(app))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "actions for" in out
    for words in ("create IAM role", "create Lambda function", "create alias live", "create REST API",
                  "create the greedy resource /{proxy+}", "deploy the API to stage dev", "to invoke"):
        assert words in out
    assert "TOKEN=********" in out and "s3cr3t-value" not in out + result.stderr
    assert "(the function does not exist)" in out  # every action says why
    aws = Aws()
    assert f"{unique_name}-dev" not in [f["FunctionName"] for f in aws.call("lambda", "list_functions")["Functions"]]

    assert shoehorn("up", "-C", str(app)).returncode == 0
    quiet = shoehorn("plan", "-C", str(app))
    assert quiet.returncode == 0 and "no changes" in quiet.stdout

    tiny_app(app, unique_name, marker="v2", extra_toml='\n[environment]\nTOKEN = "s3cr3t-value"\n')
    changed = shoehorn("plan", "-C", str(app))
    assert "upload new code" in changed.stdout and "publish a new version" in changed.stdout
    assert "move alias live" in changed.stdout and "3 actions" in changed.stdout
