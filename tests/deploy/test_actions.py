"""Actions are whole at construction: every field named, no stand-in defaults, all in one package (issue 11, item 5)."""

from __future__ import annotations

import ast
import dataclasses
import pathlib

import pytest

import shoehorn
from shoehorn.deploy import actions as a

# Defaults that mean something: the one alias, "the API/version made earlier in this plan", no guard.
MEANINGFUL_DEFAULTS = {"alias", "qualifier", "api_id", "to_version", "revision_id", "put_method"}


def test_a_half_built_action_is_refused() -> None:
    with pytest.raises(TypeError):
        a.CreateFunction(reason="x")  # used to build silently with name "" and settings None
    with pytest.raises(TypeError):
        a.DeleteRole("x", "name")  # type: ignore[misc]  # positional: fields must be named


def test_no_action_field_has_a_stand_in_default() -> None:
    for cls in a.all_action_types():
        defaulted = {f.name for f in dataclasses.fields(cls)
                     if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING}
        assert defaulted <= MEANINGFUL_DEFAULTS, (cls.__name__, defaulted - MEANINGFUL_DEFAULTS)


def test_every_action_lives_in_the_actions_package() -> None:
    homes = {cls.__module__ for cls in a.all_action_types()}
    assert all(home.startswith("shoehorn.deploy.actions.") for home in homes), homes
    assert set(a.__all__) >= {cls.__name__ for cls in a.all_action_types()}


def test_no_two_classes_share_a_name() -> None:
    seen: dict[str, str] = {}
    root = pathlib.Path(shoehorn.__file__).parent
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                where = str(path.relative_to(root))
                assert node.name not in seen, f"{node.name} in {seen.get(node.name)} and {where}"
                seen[node.name] = where


def test_the_plan_function_no_longer_hides_its_module() -> None:
    import shoehorn.deploy
    import shoehorn.deploy.planner

    assert callable(shoehorn.deploy.plan) and shoehorn.deploy.planner.plan is not shoehorn.deploy.plan
    assert not hasattr(shoehorn.deploy.planner, "Observed") or shoehorn.deploy.planner.Observed.__module__ == (
        "shoehorn.deploy.observed")


def test_a_retention_of_one_day_reads_in_the_singular() -> None:
    from shoehorn.deploy.actions.logs import PutRetention

    assert PutRetention(reason="r", name="/aws/lambda/a-dev", days=1).describe().endswith("to 1 day")
    assert PutRetention(reason="r", name="/aws/lambda/a-dev", days=30).describe().endswith("to 30 days")
