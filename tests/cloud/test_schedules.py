import json
import threading

from shoehorn.cloud.control import Missing
from shoehorn.cloud.schedules import Scheduler, period_minutes

RULE = {"Name": "app-dev-warm", "Arn": "arn:aws:events:us-east-1:123456789012:rule/app-dev-warm",
        "State": "ENABLED", "ScheduleExpression": "rate(5 minutes)"}
TARGET = {"Id": "warm", "Arn": "arn:aws:lambda:us-east-1:123456789012:function:app-dev:live",
          "Input": json.dumps({"shoehorn": "warm"})}
ALLOWED = json.dumps({"Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction",
                                     "Principal": {"Service": "events.amazonaws.com"},
                                     "Condition": {"ArnLike": {"AWS:SourceArn": RULE["Arn"]}}}]})


class FakeControl:
    regions = ["us-east-1"]

    def __init__(self, policy) -> None:
        self.policy = policy

    def call(self, region, service, operation, **params):
        return {"list_rules": {"Rules": [RULE]}, "list_targets_by_rule": {"Targets": [TARGET]}}[operation]

    def read(self, region, service, operation, **params):
        assert (operation, params) == ("get_policy", {"FunctionName": "app-dev", "Qualifier": "live"})
        return self.policy


class FakeLambdas:
    def __init__(self) -> None:
        self.calls = []
        self.done = threading.Event()

    def invoke(self, region, name, qualifier, event):
        self.calls.append((region, name, qualifier, event))
        self.done.set()


def test_rate_expressions() -> None:
    assert period_minutes("rate(5 minutes)") == 5
    assert period_minutes("rate(1 hour)") == 60
    assert period_minutes("rate(2 days)") == 2880
    assert period_minutes("cron(0 12 * * ? *)") is None


def test_a_rule_fires_its_target_once_per_period_after_the_first_period(monkeypatch) -> None:
    monkeypatch.setenv("SHOEHORN_CLOUD_MINUTE_S", "1")
    lambdas = FakeLambdas()
    scheduler = Scheduler(FakeControl({"Policy": ALLOWED}), lambdas)
    scheduler.check(100.0)  # first seen: due one period (5 s) later
    scheduler.check(104.9)
    assert lambdas.calls == []
    scheduler.check(105.0)
    assert lambdas.done.wait(5)
    assert lambdas.calls == [("us-east-1", "app-dev", "live", {"shoehorn": "warm"})]
    scheduler.check(109.0)
    assert len(lambdas.calls) == 1


def test_no_events_permission_no_invocation(monkeypatch) -> None:
    monkeypatch.setenv("SHOEHORN_CLOUD_MINUTE_S", "1")
    lambdas = FakeLambdas()
    missing = Missing(Exception("no policy"))
    scheduler = Scheduler(FakeControl(missing), lambdas)
    scheduler.check(0.0)
    scheduler.check(5.0)
    assert not lambdas.done.wait(0.2) and lambdas.calls == []
