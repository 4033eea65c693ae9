"""Dispatch is by action class: every action type has an executor, and nothing else is registered."""

from __future__ import annotations

from shoehorn.deploy import actions as a
from shoehorn.deploy.apply import EXECUTORS


def test_every_action_type_has_an_executor() -> None:
    missing = [cls.__name__ for cls in a.all_action_types() if cls not in EXECUTORS]
    assert missing == []


def test_executors_are_keyed_by_action_classes_only() -> None:
    assert all(isinstance(key, type) and issubclass(key, a.Action) and key is not a.Action for key in EXECUTORS)
    assert len(EXECUTORS) == len(a.all_action_types())


def test_every_action_describes_itself() -> None:
    for cls in a.all_action_types():
        assert cls.describe is not a.Action.describe, f"{cls.__name__} has no describe()"
