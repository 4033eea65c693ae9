"""Configuration: shoehorn.toml or [tool.shoehorn] -> one frozen Config per stage.

The ``Config`` fields below are the contract every other room reads (bundle,
deploy, local, cli). Loading, validation and app discovery live beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

# Lambda runtimes shoehorn can target (AWS "Supported runtimes" page, Python rows).
SUPPORTED_RUNTIMES = ("python3.10", "python3.11", "python3.12", "python3.13", "python3.14")
ARCHITECTURES = ("x86_64", "arm64")
ENDPOINT_TYPES = ("REGIONAL", "EDGE")
DEFAULT_STAGE = "dev"


def _frozen(mapping: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Config:
    directory: Path  # the app directory, absolute
    name: str  # AWS-safe app name: [a-z0-9-], starts with a letter
    stage: str  # the stage this config was resolved for
    app: str  # "module:attribute" of the WSGI/ASGI app inside ``directory``
    runtime: str = "python3.11"
    architecture: str = "x86_64"
    requirements: Path | None = None  # a requirements file, or None for "no dependencies"
    requirements_kind: str = "requirements"  # "requirements" | "pyproject" | "uv.lock" | "none"
    include: tuple[str, ...] = ()  # gitignore-style; forces files in (incl. secret-looking ones)
    exclude: tuple[str, ...] = ()  # gitignore-style; keeps files out
    memory: int = 512  # MB
    timeout: int = 30  # seconds
    environment: Mapping[str, str] = field(default_factory=_frozen)
    log_retention_days: int = 30
    concurrency: int | None = None  # reserved concurrency (a cost cap); None = uncapped
    policies: tuple[str, ...] = ()  # managed policy ARNs attached to the role
    statements: tuple[Mapping[str, Any], ...] = ()  # inline IAM statements
    endpoint_type: str = "REGIONAL"
    warm: str | None = None  # e.g. "5m": EventBridge warm-up schedule
    source_file: Path | None = None  # where the settings came from (None: all defaults)

    @property
    def function_name(self) -> str:
        return f"{self.name}-{self.stage}"

    @property
    def role_name(self) -> str:
        return f"{self.name}-{self.stage}-lambda"

    @property
    def log_group(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def tags(self) -> dict[str, str]:
        return {"shoehorn:app": self.name, "shoehorn:stage": self.stage}

    @property
    def python_version(self) -> str:
        """"3.11" for runtime "python3.11"."""
        return self.runtime.removeprefix("python")
