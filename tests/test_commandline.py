"""``suggest``: the command a hint names, with the invocation's --local, --stage and -C."""

from __future__ import annotations

import pytest

from shoehorn import commandline


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("SHOEHORN_LOCAL_CLOUD", raising=False)
    commandline.forget()
    yield
    commandline.forget()


def test_options_as_given_go_before_a_double_dash_and_paths_are_quoted() -> None:
    assert commandline.suggest("start") == "shoehorn start"
    commandline.record("directory", "my app")
    commandline.record("stage", "qa")
    commandline.record("local", True)
    assert commandline.suggest("start") == "shoehorn start --local --stage qa -C 'my app'"
    assert commandline.suggest("run -- python -v x.py") == "shoehorn run --local --stage qa -C 'my app' -- python -v x.py"
    assert commandline.suggest("dev --lambda", local_cloud=False) == "shoehorn dev --lambda --stage qa -C 'my app'"


def test_a_known_stage_is_written_unless_it_is_the_default_dev_not_given() -> None:
    assert commandline.suggest("up", stage="dev") == "shoehorn up"
    assert commandline.suggest("up", stage="prod") == "shoehorn up --stage prod"
    commandline.record("stage", "dev")  # given: a config whose default stage is another one must not win
    assert commandline.suggest("up", stage="dev") == "shoehorn up --stage dev"
