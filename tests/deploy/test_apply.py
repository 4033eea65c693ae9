"""Dispatch is by action class: every action type has an executor, and nothing else is registered."""

from __future__ import annotations

from shoehorn.deploy import actions as a
from shoehorn.deploy.apply import EXECUTORS


def test_every_action_type_has_an_executor() -> None:
    missing = [cls.__name__ for cls in a.all_action_types() if cls not in EXECUTORS]
    assert missing == []


def test_executors_are_keyed_by_action_classes_only() -> None:
    assert all(isinstance(key, type) and issubclass(key, a.Action) and key is not a.Action for key in EXECUTORS)
    assert len(EXECUTORS) == len(a.all_action_types())


def test_every_action_describes_itself() -> None:
    for cls in a.all_action_types():
        assert cls.describe is not a.Action.describe, f"{cls.__name__} has no describe()"


# --- concurrent apply, against moto behind a proxy that makes every call slow --------------

import threading  # noqa: E402
import time  # noqa: E402

import pytest  # noqa: E402

from shoehorn import deploy  # noqa: E402
from shoehorn.errors import ShoehornError  # noqa: E402
from shoehorn.progress import StepDone, StepStarted  # noqa: E402


class Timeline:
    """A progress sink that notes when each step started and finished."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.started: dict[str, float] = {}
        self.done: dict[str, float] = {}

    def __call__(self, event) -> None:
        with self._lock:
            if isinstance(event, StepStarted):
                self.started[event.step] = time.monotonic()
            elif isinstance(event, StepDone):
                self.done[event.step] = time.monotonic()

    def step(self, actions, cls, **match) -> str:
        found = [s for s in actions if type(s) is cls and all(getattr(s, k) == v for k, v in match.items())]
        assert len(found) == 1, (cls.__name__, match, found)
        return found[0].describe()

    def after(self, later: str, earlier: str) -> bool:
        return self.started[later] >= self.done[earlier]

    def overlapped(self, one: str, other: str) -> bool:
        return self.started[one] < self.done[other] and self.started[other] < self.done[one]


@pytest.mark.slow
def test_a_first_deploy_runs_independent_actions_together_and_never_before_what_they_need(
        proxy, new_aws, app_config, app_bundle) -> None:
    proxy.delay = 0.05  # every AWS call takes at least 50 ms, so overlaps are wide and visible
    timeline = Timeline()
    result = deploy.up(app_config, app_bundle, new_aws(), timeline)
    assert deploy.plan(app_config, app_bundle, new_aws()) == ()  # converged: nothing left to do
    steps = result.actions
    role, policy = timeline.step(steps, a.CreateRole), timeline.step(steps, a.PutRolePolicy)
    create_function, alias = timeline.step(steps, a.CreateFunction), timeline.step(steps, a.CreateAlias)
    create_api, proxy_resource = timeline.step(steps, a.CreateApi), timeline.step(steps, a.CreateProxyResource)
    wire_root, wire_proxy = timeline.step(steps, a.WireMethod, path="/"), timeline.step(steps, a.WireMethod, path="/{proxy+}")
    deployment, permission = timeline.step(steps, a.CreateDeployment), timeline.step(steps, a.AddPermission)
    assert set(timeline.done) == {s.describe() for s in steps}  # every step finished
    # what one needs from another
    assert timeline.after(policy, role)
    assert timeline.after(create_function, role) and timeline.after(create_function, policy)
    assert timeline.after(alias, create_function)
    assert timeline.after(proxy_resource, create_api)
    for wire in (wire_root, wire_proxy):
        assert timeline.after(wire, alias) and timeline.after(wire, proxy_resource)
        assert timeline.after(deployment, wire)
    assert timeline.after(permission, alias) and timeline.after(permission, create_api)
    # and what it does not: side by side
    assert timeline.overlapped(role, create_api)
    assert timeline.overlapped(wire_root, wire_proxy)


def test_a_failed_action_starts_nothing_that_needs_it_and_lets_the_rest_finish(
        proxy, new_aws, app_config, app_bundle) -> None:
    proxy.delay = 0.02
    proxy.fail("CreateRestApi", "access-denied")
    timeline = Timeline()
    with pytest.raises(ShoehornError, match="AWS denied apigateway"):
        deploy.up(app_config, app_bundle, new_aws(), timeline)
    started = set(timeline.started)
    assert any(step.startswith("create REST API") for step in started)
    assert not any(step.startswith(("create the greedy", "wire ", "deploy the API", "allow API")) for step in started)
    assert any(step.startswith("create IAM role") for step in timeline.done)  # running beside it: finished
    resumed = deploy.up(app_config, app_bundle, new_aws())  # and the next run carries on from there
    assert a.CreateApi in {type(s) for s in resumed.actions} and a.CreateRole not in {type(s) for s in resumed.actions}
