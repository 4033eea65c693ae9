"""The planner is pure: hand-made snapshots in, actions out (asserted by type and content, not position)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from deploy.kit import make_bundle, make_config
from shoehorn.deploy import actions as a
from shoehorn.deploy.naming import integration_uri, source_arn, statement_id
from shoehorn.deploy.observed import Observed
from shoehorn.deploy.planner import plan
from shoehorn.deploy.resources import api, function, logs, permission, role

ACCOUNT, REGION, API_ID = "123456789012", "us-east-1", "abc123"


def kinds(steps: a.Plan) -> set[type]:
    return {type(step) for step in steps}


def of(steps: a.Plan, kind: type) -> list:
    return [step for step in steps if isinstance(step, kind)]


def converged(config, bundle) -> Observed:
    """The snapshot AWS would return right after a successful `up`."""
    want_role = role.desired(config, REGION, ACCOUNT)
    want_fn = function.desired(config, bundle)
    deployed = function.Deployed(want_fn.settings, bundle.code_sha256, config.architecture, "3")
    want_api = api.desired(config, REGION, ACCOUNT)
    integration = ("AWS_PROXY", "POST", integration_uri(REGION, ACCOUNT, config.function_name))
    return Observed(
        account=ACCOUNT, region=REGION,
        role=role.RoleObserved(f"arn:aws:iam::{ACCOUNT}:role/{config.role_name}", want_role.trust_policy,
                               want_role.policies, (want_role.inline_name,) if want_role.inline_name else (),
                               want_role.tags),
        logs=logs.LogsObserved(config.log_retention_days, logs.desired(config).tags),
        function=function.FunctionObserved(dataclasses.replace(deployed, version="$LATEST"), deployed,
                                           config.concurrency, "rev-1", want_fn.tags),
        api=api.ApiObserved(API_ID, ("REGIONAL",), ("*/*",), (
            api.Route("root", "/", None, True, integration),
            api.Route("px", "/{proxy+}", "root", True, integration),
        ), want_api.fingerprint),
        statements=(permission.Statement(statement_id(API_ID), "apigateway.amazonaws.com",
                                         source_arn(REGION, ACCOUNT, API_ID)),),
    )


@pytest.fixture
def config():
    return make_config(environment={"DATABASE_URL": "postgres://user:pw@db/app"}, concurrency=5,
                       statements=({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},))


@pytest.fixture
def bundle(tmp_path: Path):
    return make_bundle(tmp_path)


def test_empty_account_plans_every_resource_in_dependency_order(config, bundle) -> None:
    empty = Observed(ACCOUNT, REGION, None, None, None, None, ())
    steps = plan(config, bundle, empty)
    assert {a.CreateRole, a.PutRolePolicy, a.CreateLogGroup, a.PutRetention, a.CreateFunction,
            a.PublishVersion, a.CreateAlias, a.PutConcurrency, a.CreateApi, a.CreateProxyResource, a.WireMethod,
            a.CreateDeployment, a.AddPermission} == kinds(steps)
    order = [type(s) for s in steps]
    assert order.index(a.CreateRole) < order.index(a.CreateFunction) < order.index(a.CreateAlias)
    assert order.index(a.CreateAlias) < order.index(a.AddPermission)
    assert order.index(a.CreateApi) < order.index(a.CreateDeployment) < order.index(a.AddPermission)
    assert {w.path for w in of(steps, a.WireMethod)} == {"/", "/{proxy+}"}
    assert all(s.reason for s in steps)


def test_converged_snapshot_plans_nothing(config, bundle) -> None:
    assert plan(config, bundle, converged(config, bundle)) == ()


def test_code_change_uploads_publishes_and_moves_the_alias_only(config, bundle, tmp_path) -> None:
    changed = make_bundle(tmp_path, "v2")
    steps = plan(config, changed, converged(config, bundle))
    assert kinds(steps) == {a.UpdateFunctionCode, a.PublishVersion, a.UpdateAlias}
    assert of(steps, a.UpdateFunctionCode)[0].code.code_sha256 == changed.code_sha256
    assert of(steps, a.UpdateAlias)[0].from_version == "3"


def test_environment_change_updates_configuration_and_masks_values(config, bundle) -> None:
    observed = converged(config, bundle)
    new = dataclasses.replace(config, environment={"DATABASE_URL": "postgres://new-secret@db/app", "DEBUG": "1"})
    steps = plan(new, bundle, observed)
    assert kinds(steps) == {a.UpdateFunctionConfiguration, a.PublishVersion, a.UpdateAlias}
    update = of(steps, a.UpdateFunctionConfiguration)[0]
    assert update.changed == ("environment",)
    text = " ".join(s.describe() + s.reason for s in steps)
    assert "new-secret" not in text and "pw@db" not in text


def test_created_function_description_masks_environment(bundle) -> None:
    config = make_config(environment={"TOKEN": "s3cr3t"})
    steps = plan(config, bundle, Observed(ACCOUNT, REGION, None, None, None, None, ()))
    text = of(steps, a.CreateFunction)[0].describe()
    assert "TOKEN=********" in text and "s3cr3t" not in text


def test_alias_behind_latest_after_an_interrupted_deploy_is_caught_up(config, bundle, tmp_path) -> None:
    newer = make_bundle(tmp_path, "v2")
    observed = converged(config, newer)  # $LATEST already has v2 ...
    old_live = dataclasses.replace(observed.function.live, code_sha256=bundle.code_sha256)  # ... but live serves v1
    observed = dataclasses.replace(observed, function=dataclasses.replace(observed.function, live=old_live))
    steps = plan(config, newer, observed)
    assert kinds(steps) == {a.PublishVersion, a.UpdateAlias}
    assert "interrupted" in of(steps, a.PublishVersion)[0].reason


def test_missing_alias_is_recreated_with_its_permission(config, bundle) -> None:
    observed = converged(config, bundle)
    observed = dataclasses.replace(observed, function=dataclasses.replace(observed.function, live=None), statements=())
    steps = plan(config, bundle, observed)
    assert kinds(steps) == {a.PublishVersion, a.CreateAlias, a.AddPermission}
    assert of(steps, a.AddPermission)[0].api_id == API_ID


def test_stale_and_tampered_permissions_are_replaced(config, bundle) -> None:
    observed = converged(config, bundle)
    observed = dataclasses.replace(observed, statements=(
        permission.Statement(statement_id("oldapi"), "apigateway.amazonaws.com", source_arn(REGION, ACCOUNT, "oldapi")),
        permission.Statement(statement_id(API_ID), "apigateway.amazonaws.com", "arn:aws:execute-api:*"),
        permission.Statement("someone-elses", "s3.amazonaws.com", ""),
    ))
    steps = plan(config, bundle, observed)
    assert {s.statement_id for s in of(steps, a.RemovePermission)} == {statement_id("oldapi"), statement_id(API_ID)}
    assert [s.api_id for s in of(steps, a.AddPermission)] == [API_ID]


def test_api_drift_is_repaired_and_redeployed(config, bundle) -> None:
    observed = converged(config, bundle)
    wrong = ("AWS_PROXY", "POST", "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/other/invocations")
    routes = (observed.api.routes[0], api.Route("px", "/{proxy+}", "root", True, wrong),
              api.Route("extra", "/admin", "root", True, None), api.Route("child", "/admin/x", "extra", False, None))
    drifted = dataclasses.replace(observed.api, routes=routes, binary_media_types=())
    steps = plan(config, bundle, dataclasses.replace(observed, api=drifted))
    assert kinds(steps) == {a.UpdateApi, a.WireMethod, a.DeleteResource, a.CreateDeployment}
    assert [w.path for w in of(steps, a.WireMethod)] == ["/{proxy+}"] and not of(steps, a.WireMethod)[0].put_method
    assert [d.path for d in of(steps, a.DeleteResource)] == ["/admin"]  # its child goes with it
    assert of(steps, a.UpdateApi)[0].patches == (("add", "/binaryMediaTypes/*~1*", "*/*"),)


def test_deleted_proxy_resource_is_recreated(config, bundle) -> None:
    observed = converged(config, bundle)
    drifted = dataclasses.replace(observed.api, routes=observed.api.routes[:1])
    steps = plan(config, bundle, dataclasses.replace(observed, api=drifted))
    assert kinds(steps) == {a.CreateProxyResource, a.WireMethod, a.CreateDeployment}


def test_undeployed_api_change_from_an_interrupted_run_is_deployed(config, bundle) -> None:
    observed = converged(config, bundle)
    for fingerprint, why in ((None, "does not exist"), ("older", "interrupted")):
        drifted = dataclasses.replace(observed.api, stage_fingerprint=fingerprint)
        steps = plan(config, bundle, dataclasses.replace(observed, api=drifted))
        assert kinds(steps) == {a.CreateDeployment}
        assert why in steps[0].reason


def test_role_drift(config, bundle) -> None:
    observed = converged(config, bundle)
    drifted = dataclasses.replace(observed.role, policies=("arn:aws:iam::aws:policy/AdministratorAccess",),
                                  inline=("shoehorn-old", "hand-made"), trust_policy="{}")
    steps = plan(config, bundle, dataclasses.replace(observed, role=drifted))
    assert of(steps, a.AttachRolePolicy) == []  # least privilege: no managed policy unless the config lists one
    assert {s.policy_arn for s in of(steps, a.DetachRolePolicy)} == {"arn:aws:iam::aws:policy/AdministratorAccess"}
    assert [s.policy_name for s in of(steps, a.DeleteRolePolicy)] == ["shoehorn-old"]  # hand-made ones stay
    assert len(of(steps, a.PutRolePolicy)) == 1 and len(of(steps, a.UpdateTrustPolicy)) == 1


def test_shoehorns_inline_policy_with_another_document_is_put_again(config, bundle) -> None:
    # its name is a hash of the document, but a console edit keeps the name: the document is compared too
    observed = converged(config, bundle)
    name = observed.role.inline[0]
    widened = '{"Statement":[{"Action":"*","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}'
    drifted = dataclasses.replace(observed.role, inline_documents=((name, widened),))
    steps = plan(config, bundle, dataclasses.replace(observed, role=drifted))
    [put] = of(steps, a.PutRolePolicy)
    assert put.policy_name == name and "changed outside shoehorn" in put.reason and '"Action":"*"' not in put.document
    assert kinds(steps) == {a.PutRolePolicy}


def test_concurrency(config, bundle) -> None:
    observed = converged(config, bundle)
    assert kinds(plan(dataclasses.replace(config, concurrency=7), bundle, observed)) == {a.PutConcurrency}
    uncapped = dataclasses.replace(config, concurrency=None)
    assert kinds(plan(uncapped, bundle, observed)) == {a.DeleteConcurrency}
    stopped = dataclasses.replace(observed, function=dataclasses.replace(observed.function, concurrency=0))
    assert plan(uncapped, bundle, stopped) == ()  # the kill switch (`shoehorn stop`) is not undone by `up`


def test_retention_change(config, bundle) -> None:
    steps = plan(dataclasses.replace(config, log_retention_days=7), bundle, converged(config, bundle))
    assert [(type(s), s.days) for s in steps] == [(a.PutRetention, 7)]


def test_big_bundle_goes_through_the_bucket(config, bundle) -> None:
    empty = Observed(ACCOUNT, REGION, None, None, None, None, ())
    steps = plan(config, bundle, empty, upload_limit=10)
    assert {a.CreateBucket, a.UploadBundle} <= kinds(steps)
    code = of(steps, a.CreateFunction)[0].code
    assert code.bucket and code.key == f"dev/{bundle.sha256}.zip"
    assert plan(config, bundle, converged(config, bundle), upload_limit=10) == ()  # unchanged: nothing uploaded


def test_a_direct_upload_deletes_what_a_big_bundle_left_only_with_a_code_update(config, bundle, tmp_path) -> None:
    from shoehorn.deploy.resources.bucket import BucketObserved

    left = BucketObserved(True, False, "shoehorn-b", (("shoehorn:app", config.name),), ("dev/old.zip",),
                          empty_after=True)
    steps = plan(config, make_bundle(tmp_path, "v2"), dataclasses.replace(converged(config, bundle), bucket=left))
    assert [s.keys for s in of(steps, a.DeleteOldBundles)] == [("dev/old.zip",)]
    assert [s.bucket for s in of(steps, a.DeleteEmptyBucket)] == ["shoehorn-b"]
    assert a.UpdateFunctionCode in kinds(steps)
    kept = dataclasses.replace(left, empty_after=False)  # another stage's bundle is in it
    steps = plan(config, make_bundle(tmp_path, "v2"), dataclasses.replace(converged(config, bundle), bucket=kept))
    assert a.DeleteOldBundles in kinds(steps) and a.DeleteEmptyBucket not in kinds(steps)
    # the code unchanged: nothing in S3 is touched (a no-op deploy does not even read it)
    assert plan(config, bundle, dataclasses.replace(converged(config, bundle), bucket=left)) == ()


def test_untagged_role_and_function_are_tagged(config, bundle) -> None:
    observed = converged(config, bundle)
    observed = dataclasses.replace(observed, role=dataclasses.replace(observed.role, tags=()),
                                   function=dataclasses.replace(observed.function, tags=(("team", "x"),)))
    steps = plan(config, bundle, observed)
    assert kinds(steps) == {a.TagRole, a.TagFunction}
    assert all(dict(s.tags).items() >= config.tags.items() for s in steps)
    assert dict(of(steps, a.TagFunction)[0].tags)["shoehorn:warm"] == "off"  # the applied warm-up, for `status`


def test_weighted_routing_on_live_is_drift_and_is_removed(config, bundle, tmp_path) -> None:
    # a canary set in the console: `live` -> 3, with half of the requests to version 2
    observed = converged(config, bundle)
    observed = dataclasses.replace(observed, function=dataclasses.replace(observed.function, weights=(("2", 0.5),)))
    [move] = plan(config, bundle, observed)
    assert isinstance(move, a.UpdateAlias) and (move.from_version, move.to_version) == ("3", "3")
    assert move.clears == (("2", 0.5),)
    assert "50% to version 2" in move.describe() and "every request" in move.describe()

    # with a new version to publish, the move to it removes the split too (and says so)
    steps = plan(config, make_bundle(tmp_path, "v2"), observed)
    [move] = of(steps, a.UpdateAlias)
    assert move.to_version is None and move.clears == (("2", 0.5),) and "50% to version 2" in move.describe()
