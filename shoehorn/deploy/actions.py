"""Actions: the steps of a plan, as frozen data with a human reason.

A plan is a tuple of these; ``shoehorn plan`` prints them and ``apply`` runs them through a
dict keyed by action class. Values that only exist once an earlier action ran (the new API's
id, the version just published) are not stored here: executors read them from the apply
``Context``, and ``describe()`` says "new" for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

MASK = "********"  # environment values never reach a terminal or a CI log


@dataclass(frozen=True)
class FunctionSettings:
    """The Lambda configuration shoehorn owns (compared field by field with GetFunction)."""

    runtime: str
    handler: str
    memory: int
    timeout: int
    role_name: str
    environment: tuple[tuple[str, str], ...] = ()  # sorted (key, value) pairs

    def masked_environment(self) -> str:
        return ", ".join(f"{k}={MASK}" for k, _ in self.environment) or "(none)"


@dataclass(frozen=True)
class Code:
    """Where the zip comes from: uploaded directly, or from S3 when over the direct-upload limit."""

    path: Path
    code_sha256: str  # base64, as Lambda reports CodeSha256
    architecture: str
    bucket: str | None = None
    key: str | None = None


@dataclass(frozen=True)
class Action:
    reason: str

    def describe(self) -> str:  # overridden by each action: what will be done, in words
        return type(self).__name__


# --- role --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CreateRole(Action):
    name: str = ""
    trust_policy: str = ""  # JSON, sort_keys
    tags: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        return f"create IAM role {self.name}"


@dataclass(frozen=True)
class UpdateTrustPolicy(Action):
    name: str = ""
    trust_policy: str = ""

    def describe(self) -> str:
        return f"reset the trust policy of role {self.name} to lambda.amazonaws.com"


@dataclass(frozen=True)
class AttachRolePolicy(Action):
    role: str = ""
    policy_arn: str = ""

    def describe(self) -> str:
        return f"attach {self.policy_arn} to role {self.role}"


@dataclass(frozen=True)
class DetachRolePolicy(Action):
    role: str = ""
    policy_arn: str = ""

    def describe(self) -> str:
        return f"detach {self.policy_arn} from role {self.role}"


@dataclass(frozen=True)
class PutRolePolicy(Action):
    role: str = ""
    policy_name: str = ""
    document: str = ""

    def describe(self) -> str:
        return f"put inline policy {self.policy_name} on role {self.role}"


@dataclass(frozen=True)
class DeleteRolePolicy(Action):
    role: str = ""
    policy_name: str = ""

    def describe(self) -> str:
        return f"delete inline policy {self.policy_name} from role {self.role}"


@dataclass(frozen=True)
class DeleteRole(Action):
    name: str = ""

    def describe(self) -> str:
        return f"delete IAM role {self.name}"


# --- bundle bucket -------------------------------------------------------------------------

@dataclass(frozen=True)
class CreateBucket(Action):
    bucket: str = ""
    tags: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        return f"create S3 bucket {self.bucket} for bundles over the direct-upload limit"


@dataclass(frozen=True)
class UploadBundle(Action):
    code: Code = field(default=None)  # type: ignore[assignment]

    def describe(self) -> str:
        return f"upload the bundle to s3://{self.code.bucket}/{self.code.key}"


@dataclass(frozen=True)
class DeleteBundleObjects(Action):
    bucket: str = ""
    prefix: str = ""

    def describe(self) -> str:
        return f"delete s3://{self.bucket}/{self.prefix}*"


# --- function ----------------------------------------------------------------------------

@dataclass(frozen=True)
class CreateFunction(Action):
    name: str = ""
    settings: FunctionSettings = field(default=None)  # type: ignore[assignment]
    code: Code = field(default=None)  # type: ignore[assignment]
    tags: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        s = self.settings
        return (f"create Lambda function {self.name} ({s.runtime}, {self.code.architecture}, {s.memory} MB, "
                f"{s.timeout} s, env: {s.masked_environment()})")


@dataclass(frozen=True)
class UpdateFunctionCode(Action):
    name: str = ""
    code: Code = field(default=None)  # type: ignore[assignment]

    def describe(self) -> str:
        return f"upload new code to {self.name} (sha256 {self.code.code_sha256[:12]}…)"


@dataclass(frozen=True)
class UpdateFunctionConfiguration(Action):
    name: str = ""
    settings: FunctionSettings = field(default=None)  # type: ignore[assignment]
    changed: tuple[str, ...] = ()  # names of the settings that differ

    def describe(self) -> str:
        return f"update configuration of {self.name}: {', '.join(self.changed)}"


@dataclass(frozen=True)
class PublishVersion(Action):
    name: str = ""

    def describe(self) -> str:
        return f"publish a new version of {self.name}"


@dataclass(frozen=True)
class CreateAlias(Action):
    name: str = ""
    alias: str = "live"

    def describe(self) -> str:
        return f"create alias {self.alias} on {self.name} pointing to the new version"


@dataclass(frozen=True)
class UpdateAlias(Action):
    name: str = ""
    alias: str = "live"
    from_version: str = ""
    revision_id: str | None = None  # guards against a concurrent deploy moving it too

    def describe(self) -> str:
        return f"move alias {self.alias} of {self.name} from version {self.from_version} to the new version"


@dataclass(frozen=True)
class PutConcurrency(Action):
    name: str = ""
    concurrency: int = 0

    def describe(self) -> str:
        return f"set reserved concurrency of {self.name} to {self.concurrency}"


@dataclass(frozen=True)
class DeleteConcurrency(Action):
    name: str = ""

    def describe(self) -> str:
        return f"remove the reserved concurrency cap of {self.name}"


@dataclass(frozen=True)
class DeleteFunction(Action):
    name: str = ""

    def describe(self) -> str:
        return f"delete Lambda function {self.name} with its versions, alias and permissions"


# --- logs --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CreateLogGroup(Action):
    name: str = ""
    tags: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        return f"create log group {self.name}"


@dataclass(frozen=True)
class PutRetention(Action):
    name: str = ""
    days: int = 30

    def describe(self) -> str:
        return f"set retention of {self.name} to {self.days} days"


@dataclass(frozen=True)
class DeleteLogGroup(Action):
    name: str = ""

    def describe(self) -> str:
        return f"delete log group {self.name}"


# --- REST API ----------------------------------------------------------------------------

@dataclass(frozen=True)
class CreateApi(Action):
    name: str = ""
    endpoint_type: str = "REGIONAL"
    binary_media_types: tuple[str, ...] = ("*/*",)
    tags: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        return f"create REST API {self.name} ({self.endpoint_type}, binary media types {', '.join(self.binary_media_types)})"


@dataclass(frozen=True)
class UpdateApi(Action):
    api_id: str = ""
    patches: tuple[tuple[str, str, str], ...] = ()  # (op, path, value)

    def describe(self) -> str:
        return f"update REST API {self.api_id}: " + ", ".join(f"{op} {path}" for op, path, _ in self.patches)


@dataclass(frozen=True)
class CreateProxyResource(Action):
    def describe(self) -> str:
        return "create the greedy resource /{proxy+}"


@dataclass(frozen=True)
class DeleteResource(Action):
    resource_id: str = ""
    path: str = ""

    def describe(self) -> str:
        return f"delete API resource {self.path} (shoehorn routes everything through /{{proxy+}})"


@dataclass(frozen=True)
class WireMethod(Action):
    """ANY method + AWS_PROXY integration to the alias on ``/`` or ``/{proxy+}``."""

    path: str = "/"
    uri: str = ""
    put_method: bool = True  # False when the method exists and only the integration is wrong

    def describe(self) -> str:
        what = "method ANY and its integration" if self.put_method else "the integration of ANY"
        return f"wire {what} on {self.path} to the live alias"


@dataclass(frozen=True)
class CreateDeployment(Action):
    stage: str = ""
    fingerprint: str = ""  # stored as a stage variable: tells the next run the stage is current

    def describe(self) -> str:
        return f"deploy the API to stage {self.stage}"


@dataclass(frozen=True)
class DeleteApi(Action):
    api_id: str = ""

    def describe(self) -> str:
        return f"delete REST API {self.api_id}"


# --- permission --------------------------------------------------------------------------

@dataclass(frozen=True)
class AddPermission(Action):
    name: str = ""
    qualifier: str = "live"
    api_id: str | None = None  # None: the API created earlier in this plan

    def describe(self) -> str:
        api = self.api_id or "(new API)"
        return f"allow API {api} to invoke {self.name}:{self.qualifier}"


@dataclass(frozen=True)
class RemovePermission(Action):
    name: str = ""
    qualifier: str = "live"
    statement_id: str = ""

    def describe(self) -> str:
        return f"remove stale invoke permission {self.statement_id} from {self.name}:{self.qualifier}"


Plan = tuple[Action, ...]


def all_action_types() -> tuple[type[Action], ...]:
    return tuple(sorted(Action.__subclasses__(), key=lambda cls: cls.__name__))
