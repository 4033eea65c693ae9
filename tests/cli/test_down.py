"""``shoehorn down`` as a subprocess: refuses without --yes off a terminal; deletes everything tagged."""

from __future__ import annotations

import time

from deployapp import shoehorn, tiny_app
from opskit import run
from shoehorn.deploy.aws import Aws


def _tagged(name: str) -> list[str]:
    aws = Aws()
    found = aws.call("resourcegroupstaggingapi", "get_resources",
                     TagFilters=[{"Key": "shoehorn:app", "Values": [name]}])["ResourceTagMappingList"]
    apis = [i["id"] for i in aws.call("apigateway", "get_rest_apis")["items"]
            if (i.get("tags") or {}).get("shoehorn:app") == name]
    roles = [r["RoleName"] for r in aws.call("iam", "list_roles", MaxItems=1000)["Roles"] if r["RoleName"].startswith(name)]
    return [f["ResourceARN"] for f in found] + apis + roles


def test_down_needs_yes_without_a_terminal_then_leaves_nothing(aws_env_shared, unique_name, tmp_path) -> None:
    app = tiny_app(tmp_path / "app", unique_name)
    assert shoehorn("up", "-C", str(app)).returncode == 0
    assert len(_tagged(unique_name)) >= 4  # function, log group, API, role

    typo = shoehorn("down", "-C", str(app), "--yes", "--stage", "dve")  # nothing to do, but say what is deployed
    assert typo.returncode == 0 and "nothing to delete" in typo.stderr and "deployed stages" in typo.stderr
    assert "dev" in typo.stderr.split("deployed stages")[1]

    refused = shoehorn("down", "-C", str(app))
    assert refused.returncode == 2
    assert "stdin is not a terminal" in refused.stderr and "--yes" in refused.stderr
    assert len(_tagged(unique_name)) >= 4  # nothing was deleted

    done = shoehorn("down", "-C", str(app), "--yes")
    assert done.returncode == 0, done.stderr
    assert "nothing of it remains" in done.stderr
    assert _tagged(unique_name) == []

    again = shoehorn("down", "-C", str(app), "--yes")
    assert again.returncode == 0 and "nothing to delete" in again.stderr


def test_down_keep_logs(aws_env_shared, unique_name, tmp_path) -> None:
    app = tiny_app(tmp_path / "app", unique_name)
    assert shoehorn("up", "-C", str(app)).returncode == 0
    group = f"/aws/lambda/{unique_name}-dev"
    aws = Aws()
    aws.call("logs", "create_log_stream", logGroupName=group, logStreamName="s")
    aws.call("logs", "put_log_events", logGroupName=group, logStreamName="s",
             logEvents=[{"timestamp": int(time.time() * 1000) - 5000, "message": "handled /kept"}])
    done = shoehorn("down", "-C", str(app), "--yes", "--keep-logs")
    assert done.returncode == 0, done.stderr
    # QA day 2, bug 10: it said "nothing tagged for it remains" while the tagged log group remained
    assert f"its log group {group} was kept" in done.stderr and "nothing of it remains" not in done.stderr
    groups = aws.call("logs", "describe_log_groups", logGroupNamePrefix=group)
    assert len(groups["logGroups"]) == 1

    # ... and `shoehorn logs` said "nothing deployed" (exit 6) instead of reading them
    code, out, err = run("logs", "--since", "1h", "-C", str(app))
    assert code == 0, err
    assert "handled /kept" in out and f"the function {unique_name}-dev is gone" in err

    again = shoehorn("down", "-C", str(app), "--yes", "--keep-logs")
    assert again.returncode == 0 and "nothing to delete" in again.stderr and "was kept" in again.stderr
    assert shoehorn("down", "-C", str(app), "--yes").returncode == 0  # without --keep-logs: the log group goes
    assert aws.call("logs", "describe_log_groups", logGroupNamePrefix=group)["logGroups"] == []
    code, _, err = run("logs", "--since", "1h", "-C", str(app))
    assert code == 6 and "nothing deployed" in err


def test_logs_do_not_read_an_untagged_log_group_without_the_function(aws_env_shared, unique_name, tmp_path) -> None:
    app = tiny_app(tmp_path / "app", unique_name)
    Aws().call("logs", "create_log_group", logGroupName=f"/aws/lambda/{unique_name}-dev")  # anyone's
    code, _, err = run("logs", "--since", "1h", "-C", str(app))
    assert code == 6 and "nothing deployed" in err


def test_declining_the_prompt_deletes_nothing_and_exits_0(aws_env_shared, unique_name, tmp_path) -> None:
    """A real terminal (a pty) answers "n": the user's choice, not an error (issue 11 item 6)."""
    import os
    import pty
    import subprocess
    import sys

    app = tiny_app(tmp_path / "app", unique_name)
    assert shoehorn("up", "--no-check", "-C", str(app)).returncode == 0
    main, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "shoehorn", "down", "-C", str(app)], stdin=terminal,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    os.close(terminal)
    os.write(main, b"n\n")
    out, err = process.communicate(timeout=60)
    os.close(main)
    assert process.returncode == 0, err
    assert "nothing deleted" in err
    assert len(_tagged(unique_name)) >= 4


def test_ctrl_c_at_the_prompt_exits_130(tmp_path) -> None:
    """click turns Ctrl-C at a prompt into Abort; it is still an interruption (issue 11 item 2)."""
    import os
    import pty
    import signal
    import subprocess
    import sys
    import time

    app = tiny_app(tmp_path / "app", "promptapp")
    main, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "shoehorn", "down", "-C", str(app)], stdin=terminal,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, AWS_REGION="us-east-1"))
    os.close(terminal)
    try:
        seen, deadline = b"", time.monotonic() + 60
        while b"Delete every AWS resource" not in seen and time.monotonic() < deadline:
            seen += os.read(process.stdout.fileno(), 1024)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        os.close(main)
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, err
    assert b"interrupted (SIGINT)" in err and b"again to finish" in err


def test_one_deleted_resource_is_one_action(aws_env_shared, unique_name, tmp_path) -> None:
    """QA: "deleted dn (stage dev): 1 actions"."""
    app = tiny_app(tmp_path / "app", unique_name)
    Aws().call("logs", "create_log_group", logGroupName=f"/aws/lambda/{unique_name}-dev",
               tags={"shoehorn:app": unique_name, "shoehorn:stage": "dev"})  # all that is left of a deploy
    code, _, err = run("down", "-C", str(app), "--yes")
    assert code == 0, err
    assert "1 action in" in err and "1 actions" not in err


def test_down_without_tag_get_resources_exits_0_with_a_note(aws_env_shared, unique_name, tmp_path,
                                                            monkeypatch) -> None:
    """QA: a teardown that succeeded exited 4 because the check for other tagged resources was denied."""
    from deploy.faultproxy import FaultProxy

    app = tiny_app(tmp_path / "app", unique_name)
    Aws().call("logs", "create_log_group", logGroupName=f"/aws/lambda/{unique_name}-dev",
               tags={"shoehorn:app": unique_name, "shoehorn:stage": "dev"})
    with FaultProxy(aws_env_shared) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        proxy.fail("GetResources", "access-denied-tagging", times=10)
        code, _, err = run("down", "-C", str(app), "--yes")
    assert code == 0, err
    assert "deleted" in err and "could not check for other resources tagged" in err and "tag:GetResources" in err


def test_down_does_not_say_nothing_remains_while_an_untagged_bucket_of_the_apps_name_does(
        aws_env_shared, unique_name, tmp_path) -> None:
    from shoehorn.config import load
    from shoehorn.deploy.resources.bucket import bucket_name

    app = tiny_app(tmp_path / "app", unique_name)
    aws = Aws()
    aws.call("logs", "create_log_group", logGroupName=f"/aws/lambda/{unique_name}-dev",
             tags={"shoehorn:app": unique_name, "shoehorn:stage": "dev"})
    name = bucket_name(load(app, "dev"), "123456789012", "us-east-1")
    aws.call("s3", "create_bucket", Bucket=name)  # what a first upload interrupted before its tag left
    try:
        code, _, err = run("down", "-C", str(app), "--yes")
    finally:
        aws.call("s3", "delete_bucket", Bucket=name)
    assert code == 0, err
    assert "nothing of it remains" not in err and f"S3 bucket {name} was left" in err and "aws s3 rb" in err
