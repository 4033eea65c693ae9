"""A renamed app: `up` and `plan` name the stack its old name left (found by the project tag), with no
read on a no-op deploy; `down` of that name (named=True, as `down --app`) never takes another project's."""

from __future__ import annotations

import dataclasses

import pytest

from deploy.kit import make_config
from shoehorn import deploy
from shoehorn.deploy import actions as a
from shoehorn.deploy import renamed
from shoehorn.errors import NotOursError
from shoehorn.progress import Recorder, Warn

TAGGING = ("resourcegroupstaggingapi", "get_resources")


@pytest.fixture
def old(unique_name):
    return make_config(name=f"{unique_name}-old", project=f"p-{unique_name}")


@pytest.fixture
def new(old, unique_name):
    return dataclasses.replace(old, name=f"{unique_name}-new")


def warnings(recorder: Recorder) -> list[str]:
    return [e.message for e in recorder.of(Warn)]


def test_the_first_up_under_a_new_name_names_the_old_stack_and_a_no_op_up_asks_nothing(
        new_aws, old, new, app_bundle) -> None:
    deploy.up(old, app_bundle, new_aws())
    tags = new_aws().call("lambda", "get_function", FunctionName=old.function_name)["Tags"]
    assert tags["shoehorn:project"] == old.project

    planned = Recorder()
    deploy.plan(new, app_bundle, new_aws(), planned)
    [said] = warnings(planned)
    assert f"as app {old.name!r} (function {old.function_name})" in said and f"not as {new.name!r}" in said
    assert f"`shoehorn down --app {old.name}`" in said and f'name = "{old.name}"' in said

    created = deploy.up(new, app_bundle, new_aws())  # the CLI prints it last, after the URL
    assert [renamed.words(new.name, other) for other in created.other_names] == [said]
    noop = new_aws()
    again = deploy.up(new, app_bundle, noop)
    assert again.actions == () and again.other_names == ()
    assert TAGGING not in noop.log and noop.writes == 0 and noop.reads <= 15

    assert renamed.find(new_aws(), new) == (renamed.OtherName(old.name, "dev", old.function_name),)
    deploy.down(old, new_aws(), named=True)
    assert renamed.find(new_aws(), new) == ()
    deploy.down(new, new_aws())


def test_other_projects_other_stages_and_the_apps_own_name_are_not_named(new_aws, old, new, app_bundle) -> None:
    stranger = dataclasses.replace(old, name=f"{old.name}-x", project="another-project")
    prod = dataclasses.replace(old, stage="prod")
    for config in (stranger, prod, new):
        deploy.up(config, app_bundle, new_aws())
    assert renamed.find(new_aws(), new) == ()
    # prod's old name is prod's business
    assert deploy.up(dataclasses.replace(new, stage="qa"), app_bundle, new_aws()).other_names == ()
    for config in (stranger, prod, new, dataclasses.replace(new, stage="qa")):
        deploy.down(config, new_aws())


def test_without_a_project_nothing_is_asked(new_aws, old, app_bundle) -> None:
    loose = dataclasses.replace(old, project=None)
    aws = new_aws()
    deploy.up(loose, app_bundle, aws)
    assert TAGGING not in aws.log
    assert "shoehorn:project" not in new_aws().call("lambda", "get_function", FunctionName=loose.function_name)["Tags"]
    # the project known later (a remote added): one tag write, then quiet again
    assert [type(s) for s in deploy.plan(old, app_bundle, new_aws())] == [a.TagFunction]
    deploy.up(old, app_bundle, new_aws())
    assert deploy.plan(old, app_bundle, new_aws()) == ()
    deploy.down(old, new_aws())


def test_a_refused_tagging_read_does_not_stop_a_deploy(new_aws, old, new, app_bundle, proxy) -> None:
    deploy.up(old, app_bundle, new_aws())
    proxy.fail("GetResources", "access-denied-tagging")
    result = deploy.up(new, app_bundle, new_aws())
    assert result.version == "1" and result.other_names == ()
    assert ("GetResources", "access-denied-tagging") in proxy.injected
    deploy.down(old, new_aws())
    deploy.down(new, new_aws())


def test_down_of_a_named_app_refuses_another_projects_function(new_aws, old, app_bundle) -> None:
    deploy.up(old, app_bundle, new_aws())
    elsewhere = dataclasses.replace(old, project="another-project")  # this directory is another project
    with pytest.raises(NotOursError, match="deployed from another project") as refused:
        deploy.down(elsewhere, new_aws(), named=True)
    assert "nothing was deleted" in refused.value.message
    assert new_aws().call("lambda", "get_function", FunctionName=old.function_name)
    # the app's own `down` (its name from its config) is not that check's business; nor is a function
    # deployed before the tag existed
    untagged = dataclasses.replace(old, project=None)
    deploy.up(untagged, app_bundle, new_aws())
    arn = new_aws().call("lambda", "get_function", FunctionName=old.function_name)["Configuration"]["FunctionArn"]
    new_aws().call("lambda", "untag_resource", Resource=arn, TagKeys=["shoehorn:project"])
    deploy.down(elsewhere, new_aws(), named=True)
    assert renamed.find(new_aws(), old) == ()


def test_down_of_a_named_app_never_suggests_adopting_into_this_directorys_app(new_aws, old) -> None:
    # `up --adopt` acts on the directory's own app name: for another name's leftover it would be the wrong fix
    new_aws().call("logs", "create_log_group", logGroupName=old.log_group)  # made by hand: no shoehorn tags
    try:
        with pytest.raises(NotOursError) as named:
            deploy.down(old, new_aws(), named=True)
        assert "up --adopt" not in named.value.hint and "delete it yourself" in named.value.hint
        with pytest.raises(NotOursError) as own:
            deploy.down(old, new_aws())
        assert "up --adopt" in own.value.hint
    finally:
        new_aws().call("logs", "delete_log_group", logGroupName=old.log_group)
