"""Which plan actions wait for which (pure: no AWS)."""

from __future__ import annotations

from deploy.kit import make_bundle, make_config
from shoehorn.deploy import actions as a
from shoehorn.deploy.order import LANE_OF, LANES, needs
from shoehorn.deploy.observed import Observed
from shoehorn.deploy.planner import plan


def test_every_action_type_belongs_to_exactly_one_lane() -> None:
    listed = [cls for members in LANES.values() for cls in members]
    assert len(listed) == len(set(listed))
    assert sorted(cls.__name__ for cls in a.all_action_types()) == sorted(cls.__name__ for cls in LANE_OF)


def _first_deploy(tmp_path) -> a.Plan:
    nothing = Observed(account="123456789012", region="us-east-1", role=None, logs=None, function=None, api=None,
                       statements=())
    return plan(make_config(warm="5m"), make_bundle(tmp_path), nothing)


def _named(steps: a.Plan, cls: type, **match) -> int:
    found = [i for i, s in enumerate(steps) if type(s) is cls and all(getattr(s, k) == v for k, v in match.items())]
    assert len(found) == 1, (cls.__name__, match)
    return found[0]


def test_a_first_deploy_waits_only_for_what_each_action_uses(tmp_path) -> None:
    steps = _first_deploy(tmp_path)
    wait = needs(steps)
    role, function = _named(steps, a.CreateRole), _named(steps, a.CreateFunction)
    alias, api = _named(steps, a.CreateAlias), _named(steps, a.CreateApi)
    resource, logs = _named(steps, a.CreateProxyResource), _named(steps, a.CreateLogGroup)
    root, greedy = _named(steps, a.WireMethod, path="/"), _named(steps, a.WireMethod, path="/{proxy+}")
    deployment, permission = _named(steps, a.CreateDeployment), _named(steps, a.AddPermission)
    roles = {i for i, s in enumerate(steps) if LANE_OF[type(s)] == "role"}
    assert wait[role] == frozenset() and wait[api] == frozenset() and wait[logs] == frozenset()
    assert roles <= wait[function]
    assert function in wait[alias]
    assert wait[resource] == {api}
    assert {alias, resource, api} <= wait[root] and root not in wait[greedy] and greedy not in wait[root]
    assert {root, greedy} <= wait[deployment]
    assert {alias, api} <= wait[permission] and resource not in wait[permission] and root not in wait[permission]
    warm = [i for i, s in enumerate(steps) if LANE_OF[type(s)] == "schedule"]
    assert warm and all({alias, permission} <= wait[i] for i in warm)
    # dependencies only point backwards: the plan order itself is a valid order
    assert all(all(j < i for j in w) for i, w in enumerate(wait))


def test_down_deletes_the_warm_rule_then_the_function_then_its_log_group() -> None:
    why = "down"
    steps = (a.DeleteApi(reason=why, api_id="abc"), a.DeleteWarmRule(reason=why, rule="shop-dev-warm"),
             a.DeleteFunction(reason=why, name="shop-dev"), a.DeleteRole(reason=why, name="shop-dev-lambda"),
             a.DeleteLogGroup(reason=why, name="/aws/lambda/shop-dev"))
    wait = needs(steps)
    rule, function, logs = 1, 2, 4
    assert rule in wait[function]  # the schedule never fires at a missing function
    assert function in wait[logs]  # a function still logging would bring its group back after the sweep
    assert wait[0] == frozenset() and wait[rule] == frozenset()  # the API goes at once
