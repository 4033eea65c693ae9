"""Actions on the Lambda function, its versions, the `live` alias and reserved concurrency."""

from __future__ import annotations

from dataclasses import dataclass

from shoehorn.deploy.actions.base import Action, Code, FunctionSettings
from shoehorn.deploy.naming import ALIAS


@dataclass(frozen=True, kw_only=True)
class CreateFunction(Action):
    name: str
    settings: FunctionSettings
    code: Code
    tags: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        s = self.settings
        return (f"create Lambda function {self.name} ({s.runtime}, {self.code.architecture}, {s.memory} MB, "
                f"{s.timeout} s, /tmp {s.ephemeral_storage} MB, env: {s.masked_environment()}"
                f"{', SnapStart' if s.snapstart else ''})")


@dataclass(frozen=True, kw_only=True)
class UpdateFunctionCode(Action):
    name: str
    code: Code

    def describe(self) -> str:
        from shoehorn.deploy.naming import sha256_hex

        return f"upload new code to {self.name} (sha256 {sha256_hex(self.code.code_sha256)[:12]}…)"


@dataclass(frozen=True, kw_only=True)
class UpdateFunctionConfiguration(Action):
    name: str
    settings: FunctionSettings
    changed: tuple[str, ...]  # names of the settings that differ

    def describe(self) -> str:
        return f"update configuration of {self.name}: {', '.join(self.changed)}"


@dataclass(frozen=True, kw_only=True)
class PublishVersion(Action):
    name: str

    def describe(self) -> str:
        return f"publish a new version of {self.name}"


@dataclass(frozen=True, kw_only=True)
class CreateAlias(Action):
    name: str
    alias: str = ALIAS

    def describe(self) -> str:
        return f"create alias {self.alias} on {self.name} pointing to the new version"


@dataclass(frozen=True, kw_only=True)
class UpdateAlias(Action):
    name: str
    alias: str = ALIAS
    from_version: str
    to_version: str | None = None  # None: the version published earlier in this plan (a rollback names one)
    revision_id: str | None = None  # the alias's, as read: Lambda refuses the move if another run moved it since
    # The alias's weighted routing as read ((version, share of requests), ...; () for none): every move sends
    # all requests to the one version, so a canary split set outside shoehorn is removed, and said. No
    # default: each plan that moves the alias says what it read.
    clears: tuple[tuple[str, float], ...]

    def describe(self) -> str:
        to = f"version {self.to_version}" if self.to_version else "the new version"
        if self.to_version == self.from_version:
            text = f"send every request of alias {self.alias} of {self.name} to version {self.from_version}"
        else:
            text = f"move alias {self.alias} of {self.name} from version {self.from_version} to {to}"
        if self.clears:
            text += f" (removes the weighted routing: {weights_text(self.clears)})"
        return text


def weights_text(weights: tuple[tuple[str, float], ...]) -> str:
    """``50% to version 2``: an alias's additional version weights, in words."""
    return ", ".join(f"{round(share * 100, 2):g}% to version {version}" for version, share in weights)


@dataclass(frozen=True, kw_only=True)
class PutConcurrency(Action):
    name: str
    concurrency: int

    def describe(self) -> str:
        return f"set reserved concurrency of {self.name} to {self.concurrency}"


@dataclass(frozen=True, kw_only=True)
class DeleteConcurrency(Action):
    name: str

    def describe(self) -> str:
        return f"remove the reserved concurrency cap of {self.name}"


@dataclass(frozen=True, kw_only=True)
class DeleteFunction(Action):
    name: str

    def describe(self) -> str:
        return f"delete Lambda function {self.name} with its versions, alias and permissions"


@dataclass(frozen=True, kw_only=True)
class TagFunction(Action):
    name: str
    tags: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        return f"tag Lambda function {self.name} with " + ", ".join(f"{k}={v}" for k, v in self.tags)
