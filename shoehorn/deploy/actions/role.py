"""Actions on the Lambda execution role."""

from __future__ import annotations

from dataclasses import dataclass

from shoehorn.deploy.actions.base import Action


@dataclass(frozen=True, kw_only=True)
class CreateRole(Action):
    name: str
    trust_policy: str  # JSON, sort_keys
    tags: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        return f"create IAM role {self.name}"


@dataclass(frozen=True, kw_only=True)
class UpdateTrustPolicy(Action):
    name: str
    trust_policy: str

    def describe(self) -> str:
        return f"reset the trust policy of role {self.name} to lambda.amazonaws.com"


@dataclass(frozen=True, kw_only=True)
class AttachRolePolicy(Action):
    role: str
    policy_arn: str

    def describe(self) -> str:
        return f"attach {self.policy_arn} to role {self.role}"


@dataclass(frozen=True, kw_only=True)
class DetachRolePolicy(Action):
    role: str
    policy_arn: str

    def describe(self) -> str:
        return f"detach {self.policy_arn} from role {self.role}"


@dataclass(frozen=True, kw_only=True)
class PutRolePolicy(Action):
    role: str
    policy_name: str
    document: str

    def describe(self) -> str:
        return f"put inline policy {self.policy_name} on role {self.role}"


@dataclass(frozen=True, kw_only=True)
class DeleteRolePolicy(Action):
    role: str
    policy_name: str

    def describe(self) -> str:
        return f"delete inline policy {self.policy_name} from role {self.role}"


@dataclass(frozen=True, kw_only=True)
class DeleteRole(Action):
    name: str

    def describe(self) -> str:
        return f"delete IAM role {self.name}"


@dataclass(frozen=True, kw_only=True)
class TagRole(Action):
    name: str
    tags: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        return f"tag IAM role {self.name} with " + ", ".join(f"{k}={v}" for k, v in self.tags)
