"""Actions on the log group."""

from __future__ import annotations

from dataclasses import dataclass

from shoehorn.deploy.actions.base import Action
from shoehorn.words import plural


@dataclass(frozen=True, kw_only=True)
class CreateLogGroup(Action):
    name: str
    tags: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        return f"create log group {self.name}"


@dataclass(frozen=True, kw_only=True)
class TagLogGroup(Action):
    name: str
    tags: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        return f"tag log group {self.name} with " + ", ".join(f"{k}={v}" for k, v in self.tags)


@dataclass(frozen=True, kw_only=True)
class PutRetention(Action):
    name: str
    days: int

    def describe(self) -> str:
        return f"set retention of {self.name} to {plural(self.days, 'day')}"


@dataclass(frozen=True, kw_only=True)
class DeleteLogGroup(Action):
    name: str

    def describe(self) -> str:
        return f"delete log group {self.name}"
