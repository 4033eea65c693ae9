"""EventBridge ``rate(...)`` rules fire their Lambda targets in the local cloud (the keep-warm rule).

Each enabled rule with a rate expression fires one period after the cloud first sees it, then
every period, as EventBridge does; each Lambda target is invoked asynchronously with the
target's ``Input`` (or the "Scheduled Event" document) once the function's resource policy lets
``events.amazonaws.com`` invoke it for that rule (EventBridge docs: "Schedule expressions for
rules", "Using resource-based policies for Amazon EventBridge"). ``cron(...)`` rules are accepted
and shown but not fired. ``SHOEHORN_CLOUD_MINUTE_S`` (default 60) sets how many seconds a
schedule minute lasts here, so a demo or a test sees ``rate(5 minutes)`` fire in seconds.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
import uuid

from shoehorn.cloud import permissions
from shoehorn.cloud.control import Control, Missing
from shoehorn.cloud.lambdas import Lambdas, split_name
from shoehorn.errors import ShoehornError

MINUTE_ENV = "SHOEHORN_CLOUD_MINUTE_S"
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_MINUTES = {"minute": 1, "hour": 60, "day": 1440}


def period_minutes(expression: str) -> int | None:
    found = _RATE.match(expression or "")
    return int(found[1]) * _MINUTES[found[2].rstrip("s")] if found else None


def scheduled_event(region: str, rule_arn: str) -> dict:
    account = rule_arn.split(":")[4] if rule_arn.count(":") >= 5 else ""
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
            "account": account, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "region": region,
            "resources": [rule_arn], "detail": {}}


class Scheduler:
    def __init__(self, control: Control, lambdas: Lambdas) -> None:
        self._control = control
        self._lambdas = lambdas
        self.minute_s = float(os.environ.get(MINUTE_ENV) or 60)
        self._due: dict[tuple[str, str, str], float] = {}  # (region, rule ARN, expression) -> next firing
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="schedules", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        tick = max(0.5, min(5.0, self.minute_s / 12))
        while not self._stop.wait(tick):
            try:
                self.check(time.monotonic())
            except ShoehornError as error:  # the control plane refused a read: try again next tick
                print(f"SCHEDULES\t{error.message}", file=sys.stderr, flush=True)

    def check(self, now: float) -> None:
        seen = set()
        for region in self._control.regions:
            rules = self._control.call(region, "events", "list_rules").get("Rules", [])
            for rule in rules:
                minutes = period_minutes(rule.get("ScheduleExpression", ""))
                if rule.get("State") != "ENABLED" or minutes is None:
                    continue
                key = (region, rule["Arn"], rule["ScheduleExpression"])
                seen.add(key)
                period = minutes * self.minute_s
                due = self._due.setdefault(key, now + period)
                if now >= due:
                    self._due[key] = due + period * max(1, int((now - due) // period) + 1)
                    self._fire(region, rule)
        for gone in set(self._due) - seen:  # deleted or disabled: start afresh if it comes back
            del self._due[gone]

    def _fire(self, region: str, rule: dict) -> None:
        targets = self._control.call(region, "events", "list_targets_by_rule", Rule=rule["Name"]).get("Targets", [])
        for target in targets:
            arn = target.get("Arn", "")
            if ":lambda:" not in arn:
                continue
            name, qualifier = split_name(arn, None)
            policy = self._control.read(region, "lambda", "get_policy", FunctionName=name,
                                        **({"Qualifier": qualifier} if qualifier else {}))
            if isinstance(policy, Missing) or not permissions.allows(policy.get("Policy"), [rule["Arn"]],
                                                                     principal=permissions.EVENTS):
                print(f"SCHEDULES\t{rule['Name']}: {arn} does not let {permissions.EVENTS} invoke it: not fired",
                      file=sys.stderr, flush=True)
                continue
            event = json.loads(target["Input"]) if target.get("Input") else scheduled_event(region, rule["Arn"])
            # EventBridge invokes asynchronously (InvocationType Event): nobody waits for the answer.
            threading.Thread(target=self._lambdas.invoke, args=(region, name, qualifier, event), daemon=True,
                             name="schedule-invoke").start()
