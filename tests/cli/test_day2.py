"""`env set/unset`, `rollback`, `stop` and `start` run as plans of the deploy actions (issue 11, item 5):
`--dry-run` prints the plan and changes nothing, a real run shows apply's progress, and a function
that is not this app's is refused before any write."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shoehorn.deploy.aws import Aws

try:
    from . import opskit
except ImportError:
    import opskit

NAME = "dayapp-dev"


def live(aws: Aws) -> str:
    return aws.call("lambda", "get_alias", FunctionName=NAME, Name="live")["FunctionVersion"]


@pytest.fixture(scope="module")
def app_dir(moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as mp:
        opskit.point_at(mp, moto_server, tmp_path_factory.mktemp("aws-home"))
        opskit.reset(moto_server)
        directory = opskit.make_app(tmp_path_factory.mktemp("day2") / "app", "dayapp")
        opskit.up(directory)
        yield directory


def test_dry_runs_print_the_plan_and_change_nothing(app_dir: Path) -> None:
    aws = Aws()
    versions = len(aws.call("lambda", "list_versions_by_function", FunctionName=NAME)["Versions"])
    code, out, err = opskit.run("env", "set", "DEBUG=1", "--dry-run", "-C", str(app_dir))
    assert code == 0, err
    flat = " ".join(out.split())
    assert "3 actions `shoehorn env` would take" in flat and "(nothing changed)" in flat
    for step in ("update configuration of dayapp-dev: environment", "publish a new version of dayapp-dev",
                 "move alias live of dayapp-dev from version 1 to the new version"):
        assert step in flat, step
    code, out, err = opskit.run("stop", "--dry-run", "-C", str(app_dir))
    assert code == 0 and "set reserved concurrency of dayapp-dev to 0" in " ".join(out.split()), err
    assert "DEBUG" not in (aws.call("lambda", "get_function_configuration", FunctionName=NAME)
                           .get("Environment") or {}).get("Variables", {})
    assert len(aws.call("lambda", "list_versions_by_function", FunctionName=NAME)["Versions"]) == versions
    assert aws.call("lambda", "get_function_concurrency", FunctionName=NAME).get("ReservedConcurrentExecutions") is None


def test_real_runs_go_through_apply_with_its_progress(app_dir: Path) -> None:
    aws = Aws()
    code, out, err = opskit.run("env", "set", "DEBUG=1", "-C", str(app_dir))
    assert code == 0, err
    assert "✓ publish a new version of dayapp-dev" in err and "✓ move alias live" in err  # apply's StepDone lines
    assert live(aws) == "2"
    code, out, err = opskit.run("rollback", "--dry-run", "-C", str(app_dir))
    assert code == 0 and "from version 2 to version 1" in " ".join(out.split()) and live(aws) == "2"
    code, out, err = opskit.run("rollback", "-C", str(app_dir))
    assert code == 0 and "✓ move alias live of dayapp-dev from version 2 to version 1" in err and live(aws) == "1"


def test_a_function_not_tagged_for_this_app_is_refused(app_dir: Path) -> None:
    aws = Aws()
    arn = aws.call("lambda", "get_function", FunctionName=NAME)["Configuration"]["FunctionArn"]
    aws.call("lambda", "tag_resource", Resource=arn, Tags={"shoehorn:app": "someone-else"})
    try:
        for command in (("stop",), ("env", "set", "X1=1"), ("rollback", "2")):
            code, _, err = opskit.run(*command, "-C", str(app_dir))
            assert code == 8, (command, err)
            assert "belongs to app 'someone-else'" in err
        assert aws.call("lambda", "get_function_concurrency", FunctionName=NAME).get("ReservedConcurrentExecutions") is None
    finally:
        aws.call("lambda", "tag_resource", Resource=arn, Tags={"shoehorn:app": "dayapp"})
