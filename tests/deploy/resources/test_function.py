"""Function drift on moto: deleted function, deleted alias, configuration changed by hand, concurrency."""

from __future__ import annotations

import dataclasses

from deploy.kit import make_bundle, redeploy_until_quiet
from shoehorn import deploy
from shoehorn.deploy import actions as a


def test_function_deleted_out_of_band_is_recreated_and_rewired(deployed, new_aws, app_config, app_bundle) -> None:
    new_aws().call("lambda", "delete_function", FunctionName=app_config.function_name)
    result = redeploy_until_quiet(new_aws, app_config, app_bundle)
    kinds = {type(s) for s in result.actions}
    assert {a.CreateFunction, a.PublishVersion, a.CreateAlias, a.AddPermission} <= kinds
    assert a.CreateApi not in kinds  # the API survives and is reused
    assert result.api_id == deployed.api_id


def test_alias_deleted_out_of_band_is_recreated(deployed, new_aws, app_config, app_bundle) -> None:
    new_aws().call("lambda", "delete_alias", FunctionName=app_config.function_name, Name="live")
    result = redeploy_until_quiet(new_aws, app_config, app_bundle)
    assert {type(s) for s in result.actions} == {a.PublishVersion, a.CreateAlias, a.AddPermission}
    alias = new_aws().call("lambda", "get_alias", FunctionName=app_config.function_name, Name="live")
    assert alias["FunctionVersion"] == result.version


def test_configuration_changed_by_hand_is_reset(deployed, new_aws, app_config, app_bundle) -> None:
    new_aws().call("lambda", "update_function_configuration", FunctionName=app_config.function_name, MemorySize=128,
                   Environment={"Variables": {"SECRET": "changed-in-console"}})
    result = redeploy_until_quiet(new_aws, app_config, app_bundle)
    [update] = [s for s in result.actions if isinstance(s, a.UpdateFunctionConfiguration)]
    assert update.changed == ("memory", "environment")
    # which variables, never their values: SECRET's console value is set back
    assert "environment: changes SECRET" in update.reason and "changed-in-console" not in update.reason
    conf = new_aws().call("lambda", "get_function_configuration", FunctionName=app_config.function_name,
                          Qualifier="live")
    assert conf["MemorySize"] == 512 and conf["Environment"]["Variables"] == {"SECRET": "hunter2"}


def test_reserved_concurrency_is_set_and_removed(deployed, new_aws, app_config, app_bundle) -> None:
    capped = dataclasses.replace(app_config, concurrency=3)
    redeploy_until_quiet(new_aws, capped, app_bundle)
    got = new_aws().call("lambda", "get_function", FunctionName=app_config.function_name)
    assert got["Concurrency"]["ReservedConcurrentExecutions"] == 3
    result = redeploy_until_quiet(new_aws, app_config, app_bundle)
    assert [type(s) for s in result.actions] == [a.DeleteConcurrency]


def test_ephemeral_storage_is_created_with_the_function_and_converges(new_aws, app_config, app_bundle) -> None:
    from shoehorn import deploy

    config = dataclasses.replace(app_config, ephemeral_storage=4096)
    [create] = [s for s in deploy.plan(config, app_bundle, new_aws()) if isinstance(s, a.CreateFunction)]
    assert "/tmp 4096 MB" in create.describe()  # what `shoehorn plan` prints
    deploy.up(config, app_bundle, new_aws())
    conf = new_aws().call("lambda", "get_function_configuration", FunctionName=config.function_name, Qualifier="live")
    assert conf["EphemeralStorage"] == {"Size": 4096}
    assert deploy.plan(config, app_bundle, new_aws()) == ()


def test_a_changed_ephemeral_storage_is_planned_and_sent(deployed, new_aws, app_config, app_bundle) -> None:
    from shoehorn import deploy

    bigger = dataclasses.replace(app_config, ephemeral_storage=2048)
    steps = deploy.plan(bigger, app_bundle, new_aws())  # what `plan` prints and `status` reports as drift
    [update] = [s for s in steps if isinstance(s, a.UpdateFunctionConfiguration)]
    assert update.changed == ("ephemeral_storage",) and any(isinstance(s, a.PublishVersion) for s in steps)
    aws, sent = new_aws(), []
    aws.client("lambda").meta.events.register("provide-client-params.lambda.UpdateFunctionConfiguration",
                                              lambda params, **_: sent.append(dict(params)))
    deploy.up(bigger, app_bundle, aws)
    # moto (5.2.5) keeps EphemeralStorage only from CreateFunction and ignores it here, so the request is
    # what can be checked: Lambda's UpdateFunctionConfiguration takes EphemeralStorage.Size (API reference).
    assert [params["EphemeralStorage"] for params in sent] == [{"Size": 2048}]


def test_the_same_files_dated_anew_are_not_uploaded_again(new_aws, app_config, tmp_path) -> None:
    # a fresh checkout dates every file anew: another zip (sha256), the same code (content digest)
    first = make_bundle(tmp_path, "v1", content="c1", date_time=(2020, 1, 1, 0, 0, 0))
    deploy.up(app_config, first, new_aws())
    redated = make_bundle(tmp_path, "v1", content="c1", date_time=(2021, 6, 1, 0, 0, 0))
    assert redated.sha256 != first.sha256
    aws = new_aws()
    assert deploy.plan(app_config, redated, aws) == () and aws.writes == 0

    edited = make_bundle(tmp_path, "v2", content="c2", date_time=(2021, 6, 1, 0, 0, 0))
    kinds = {type(s) for s in deploy.plan(app_config, edited, new_aws())}
    assert {a.UpdateFunctionCode, a.PublishVersion, a.UpdateAlias} == kinds  # the code tag goes with the code
    redeploy_until_quiet(new_aws, app_config, edited)
    conf = new_aws().call("lambda", "get_function_configuration", FunctionName=app_config.function_name)
    assert conf["CodeSha256"] == edited.code_sha256


def test_the_code_tag_proves_nothing_once_other_code_was_uploaded(new_aws, app_config, tmp_path) -> None:
    first = make_bundle(tmp_path, "v1", content="c1", date_time=(2020, 1, 1, 0, 0, 0))
    deploy.up(app_config, first, new_aws())
    other = make_bundle(tmp_path, "by hand")  # uploaded from the console: the tag stays as it was
    new_aws().call("lambda", "update_function_code", FunctionName=app_config.function_name,
                   ZipFile=other.path.read_bytes())
    redated = make_bundle(tmp_path, "v1", content="c1", date_time=(2021, 6, 1, 0, 0, 0))
    assert a.UpdateFunctionCode in {type(s) for s in deploy.plan(app_config, redated, new_aws())}
    redeploy_until_quiet(new_aws, app_config, redated)


def test_a_bundle_of_unknown_content_is_compared_by_its_zip(new_aws, app_config, tmp_path) -> None:
    # (a build remembered from before content digests; status's stand-in bundle)
    first = make_bundle(tmp_path, "v1", content="c1", date_time=(2020, 1, 1, 0, 0, 0))
    deploy.up(app_config, first, new_aws())
    unknown = make_bundle(tmp_path, "v1", date_time=(2021, 6, 1, 0, 0, 0))
    assert {type(s) for s in deploy.plan(app_config, unknown, new_aws())} == {
        a.UpdateFunctionCode, a.PublishVersion, a.UpdateAlias}
    same_zip = make_bundle(tmp_path, "v1", date_time=(2020, 1, 1, 0, 0, 0))
    assert deploy.plan(app_config, same_zip, new_aws()) == ()


def test_another_architecture_uploads_its_own_zip_even_with_the_same_files(new_aws, app_config, tmp_path) -> None:
    # (through S3 too: the plan must upload the key UpdateFunctionCode reads)
    first = make_bundle(tmp_path, "v1", content="c1", date_time=(2020, 1, 1, 0, 0, 0))
    deploy.up(app_config, first, new_aws(), upload_limit=10)
    arm = dataclasses.replace(app_config, architecture="arm64")
    other = make_bundle(tmp_path, "v1", content="c1", date_time=(2021, 6, 1, 0, 0, 0), architecture="arm64")
    steps = deploy.plan(arm, other, new_aws(), upload_limit=10)
    [update] = [s for s in steps if isinstance(s, a.UpdateFunctionCode)]
    assert update.code.code_sha256 == other.code_sha256 and a.UploadBundle in {type(s) for s in steps}
    deploy.up(arm, other, new_aws(), upload_limit=10)
    # (moto keeps the first architecture through UpdateFunctionCode, so it never converges here)
    conf = new_aws().call("lambda", "get_function_configuration", FunctionName=app_config.function_name)
    assert conf["CodeSha256"] == other.code_sha256


def test_a_missing_code_tag_is_written_again(new_aws, app_config, tmp_path) -> None:
    # an `up` stopped between the upload and its tag: the next one records which files are deployed
    first = make_bundle(tmp_path, "v1", content="c1")
    result = deploy.up(app_config, first, new_aws())
    arn = new_aws().call("lambda", "get_function_configuration", FunctionName=app_config.function_name)["FunctionArn"]
    new_aws().call("lambda", "untag_resource", Resource=arn, TagKeys=["shoehorn:code"])
    assert [type(s) for s in deploy.plan(app_config, first, new_aws())] == [a.TagFunction]
    redeploy_until_quiet(new_aws, app_config, first)
    tags = new_aws().call("lambda", "list_tags", Resource=arn)["Tags"]
    assert tags["shoehorn:code"] == f"c1/{first.sha256}" and result.version


def test_a_code_tag_on_a_function_made_by_hand_is_not_trusted(new_aws, app_config, tmp_path) -> None:
    # `up --adopt` of a hand-made function whose tag claims the bundle's files: its code is replaced
    by_hand = make_bundle(tmp_path, "by hand")
    aws = new_aws()
    deploy.up(app_config, make_bundle(tmp_path, "v0"), aws)  # the role and API exist; then the function is replaced
    aws.call("lambda", "delete_function", FunctionName=app_config.function_name)
    role = aws.call("iam", "get_role", RoleName=app_config.role_name)["Role"]["Arn"]
    aws.call("lambda", "create_function", FunctionName=app_config.function_name, Runtime="python3.11", Role=role,
             Handler="shoehorn_handler.handler", Code={"ZipFile": by_hand.path.read_bytes()},
             Tags={"shoehorn:code": f"c1/{by_hand.sha256}"})
    ours = make_bundle(tmp_path, "v1", content="c1")
    deploy.up(app_config, ours, new_aws(), adopt=True)
    conf = new_aws().call("lambda", "get_function_configuration", FunctionName=app_config.function_name)
    assert conf["CodeSha256"] == ours.code_sha256


def test_a_variable_set_outside_the_config_is_named_before_up_removes_it(deployed, new_aws, app_config,
                                                                        app_bundle) -> None:
    # `shoehorn env set API_TOKEN=...` without adding it to shoehorn.toml: the next `up` drops it
    new_aws().call("lambda", "update_function_configuration", FunctionName=app_config.function_name,
                   Environment={"Variables": {"SECRET": "hunter2", "API_TOKEN": "abc"}})
    [update] = [s for s in deploy.plan(app_config, app_bundle, new_aws()) if isinstance(s, a.UpdateFunctionConfiguration)]
    assert "environment: removes API_TOKEN (not in shoehorn.toml's [environment]" in update.reason
    assert "abc" not in update.reason


def test_weighted_routing_set_by_hand_is_planned_away_by_up(deployed, new_aws, app_config, app_bundle, tmp_path) -> None:
    # moto 5 keeps RoutingConfig through an UpdateAlias that leaves it out, as Lambda does
    aws = new_aws()
    name = app_config.function_name
    second = make_bundle(tmp_path, "v2")
    deploy.up(app_config, second, new_aws())  # version 2
    aws.call("lambda", "update_alias", FunctionName=name, Name="live", FunctionVersion="2",
             RoutingConfig={"AdditionalVersionWeights": {"1": 0.25}})
    [move] = deploy.plan(app_config, second, new_aws())
    assert isinstance(move, a.UpdateAlias) and move.clears == (("1", 0.25),) and move.to_version == "2"
    result = deploy.up(app_config, second, new_aws())
    alias = aws.call("lambda", "get_alias", FunctionName=name, Name="live")
    assert alias["FunctionVersion"] == "2" == result.version
    assert not (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights")
    assert deploy.plan(app_config, second, new_aws()) == ()

    # a new version moves `live` with every request, not with the split kept
    aws.call("lambda", "update_alias", FunctionName=name, Name="live", FunctionVersion="2",
             RoutingConfig={"AdditionalVersionWeights": {"1": 0.25}})
    third = make_bundle(tmp_path, "v3")
    result = deploy.up(app_config, third, new_aws())
    alias = aws.call("lambda", "get_alias", FunctionName=name, Name="live")
    assert alias["FunctionVersion"] == result.version == "3"
    assert not (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights")


def test_live_on_latest_set_by_hand_is_drift_and_moved_to_a_published_version(deployed, new_aws, app_config,
                                                                              app_bundle) -> None:
    """QA: `live` pointed at $LATEST in the console was no drift (its settings are $LATEST's), and `up`
    said "up to date" while invoke refused it for want of a published version."""
    from shoehorn.ops.status import collect

    new_aws().call("lambda", "update_alias", FunctionName=app_config.function_name, Name="live",
                   FunctionVersion="$LATEST")
    steps = deploy.plan(app_config, app_bundle, new_aws())
    assert [type(s) for s in steps] == [a.PublishVersion, a.UpdateAlias]
    assert "$LATEST" in steps[0].reason
    [drift] = [d for d in collect(new_aws(), app_config).drift if "alias live" in d.what]
    assert "rollback" not in drift.fix
    result = redeploy_until_quiet(new_aws, app_config, app_bundle)
    alias = new_aws().call("lambda", "get_alias", FunctionName=app_config.function_name, Name="live")
    assert alias["FunctionVersion"] == result.version and result.version.isdigit()
