"""The base of every action, and the data actions carry (function settings, code location)."""

from __future__ import annotations

from dataclasses import dataclass
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
    ephemeral_storage: int = 512  # MB of /tmp
    snapstart: bool = False  # SnapStart ApplyOn: PublishedVersions
    # Settings shoehorn.toml cannot express, at shoehorn's values (resources/function_pinned.py).
    layers: tuple[str, ...] = ()  # layer version ARNs: none
    vpc: tuple[str, ...] = ()  # subnet and security group ids: none, no VPC
    logging: tuple[str, str] = ("Text", "")  # (LogFormat, LogGroup): "" is /aws/lambda/<function>, Lambda's default
    dead_letter: str = ""  # the dead-letter queue's ARN: none
    tracing: str = "PassThrough"  # X-Ray tracing mode

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
    content: str = ""  # the bundle's content digest (Bundle.content), recorded in a tag beside the code


@dataclass(frozen=True, kw_only=True)
class Action:
    """Every field is named at construction and none has a stand-in default: a half-built action fails
    at once. (No slots=True: dataclass would replace the class, and the discarded original would stay
    listed in Action.__subclasses__(), which the every-action-has-an-executor test reads.)"""

    reason: str

    def describe(self) -> str:  # overridden by each action: what will be done, in words
        return type(self).__name__

Plan = tuple[Action, ...]


def all_action_types() -> tuple[type[Action], ...]:
    """Every concrete action class (subclasses of Action, at any depth), sorted by name."""
    found, todo = set(), list(Action.__subclasses__())
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo += cls.__subclasses__()
    return tuple(sorted(found, key=lambda cls: cls.__name__))
