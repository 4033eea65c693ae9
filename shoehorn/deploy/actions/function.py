"""Actions on the Lambda function, its versions, the `live` alias and reserved concurrency."""

from __future__ import annotations

from dataclasses import dataclass, field

from shoehorn.deploy.actions.base import Action, Code, FunctionSettings


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
        from shoehorn.deploy.naming import sha256_hex

        return f"upload new code to {self.name} (sha256 {sha256_hex(self.code.code_sha256)[:12]}…)"


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


@dataclass(frozen=True)
class TagFunction(Action):
    name: str = ""
    tags: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        return f"tag Lambda function {self.name} with " + ", ".join(f"{k}={v}" for k, v in self.tags)
