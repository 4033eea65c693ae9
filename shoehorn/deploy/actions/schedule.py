"""Actions on the warm-up schedule: the EventBridge rule, its target, and the invoke permission it needs."""

from __future__ import annotations

from dataclasses import dataclass

from shoehorn.deploy.actions.base import Action
from shoehorn.deploy.naming import ALIAS


@dataclass(frozen=True, kw_only=True)
class PutWarmRule(Action):
    rule: str
    expression: str
    tags: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        return f"schedule warm-up rule {self.rule} at {self.expression}"


@dataclass(frozen=True, kw_only=True)
class PutWarmTarget(Action):
    rule: str
    target_arn: str

    def describe(self) -> str:
        function = self.target_arn.rsplit(":", 2)[-2]
        return f'send {{"shoehorn": "warm"}} from {self.rule} to {function}:{ALIAS}'


@dataclass(frozen=True, kw_only=True)
class AddWarmPermission(Action):
    name: str
    rule_arn: str

    def describe(self) -> str:
        return f"allow warm-up rule {self.rule_arn.rsplit('/', 1)[-1]} to invoke {self.name}:{ALIAS}"


@dataclass(frozen=True, kw_only=True)
class RemoveWarmPermission(Action):
    name: str

    def describe(self) -> str:
        return f"remove the warm-up invoke permission from {self.name}:{ALIAS}"


@dataclass(frozen=True, kw_only=True)
class TagWarmRule(Action):
    rule_arn: str
    tags: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        rule = self.rule_arn.rsplit("/", 1)[-1]
        return f"tag warm-up rule {rule} with " + ", ".join(f"{k}={v}" for k, v in self.tags)


@dataclass(frozen=True, kw_only=True)
class DeleteWarmRule(Action):
    rule: str

    def describe(self) -> str:
        return f"delete warm-up rule {self.rule} and its target"
