"""Actions on the REST API, its resources, methods and deployments."""

from __future__ import annotations

from dataclasses import dataclass

from shoehorn.deploy.actions.base import Action


@dataclass(frozen=True, kw_only=True)
class CreateApi(Action):
    name: str
    endpoint_type: str
    binary_media_types: tuple[str, ...]
    tags: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        return f"create REST API {self.name} ({self.endpoint_type}, binary media types {', '.join(self.binary_media_types)})"


@dataclass(frozen=True, kw_only=True)
class UpdateApi(Action):
    api_id: str
    patches: tuple[tuple[str, str, str], ...]  # (op, path, value)

    def describe(self) -> str:
        return f"update REST API {self.api_id}: " + ", ".join(f"{op} {path}" for op, path, _ in self.patches)


@dataclass(frozen=True, kw_only=True)
class CreateProxyResource(Action):
    def describe(self) -> str:
        return "create the greedy resource /{proxy+}"


@dataclass(frozen=True, kw_only=True)
class DeleteResource(Action):
    resource_id: str
    path: str

    def describe(self) -> str:
        return f"delete API resource {self.path} (shoehorn routes everything through /{{proxy+}})"


@dataclass(frozen=True, kw_only=True)
class WireMethod(Action):
    """ANY method + AWS_PROXY integration to the alias on ``/`` or ``/{proxy+}``."""

    path: str
    uri: str
    put_method: bool = True  # False: the method exists and only the integration is wrong

    def describe(self) -> str:
        what = "method ANY and its integration" if self.put_method else "the integration of ANY"
        return f"wire {what} on {self.path} to the live alias"


@dataclass(frozen=True, kw_only=True)
class DeleteMethod(Action):
    """A method beside ANY on ``/`` or ``/{proxy+}``, added by hand: it shadows ANY for its verb."""

    path: str
    http_method: str

    def describe(self) -> str:
        return f"delete method {self.http_method} on {self.path} (ANY sends every verb to the app)"


@dataclass(frozen=True, kw_only=True)
class CreateDeployment(Action):
    stage: str
    fingerprint: str  # stored in the deployment's description: tells the next run the stage is current

    def describe(self) -> str:
        return f"deploy the API to stage {self.stage}"


@dataclass(frozen=True, kw_only=True)
class ResetStage(Action):
    """Remove what was set on the stage outside shoehorn (a canary, method settings)."""

    stage: str
    removes: tuple[str, ...]  # UpdateStage patch paths, each removed

    def describe(self) -> str:
        return f"remove {', '.join(self.removes)} from stage {self.stage}"


@dataclass(frozen=True, kw_only=True)
class DeleteApi(Action):
    api_id: str

    def describe(self) -> str:
        return f"delete REST API {self.api_id}"
