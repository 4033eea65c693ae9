"""The `prime` and `snapstart` keys: values, stage overrides, and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from shoehorn.config import load
from shoehorn.errors import ConfigError


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text("def app(environ, start_response):\n    pass\n")
    return tmp_path


def _load(directory: Path, text: str, stage: str | None = None):
    (directory / "shoehorn.toml").write_text(text)
    return load(directory, stage)


def test_prime_values(app_dir: Path) -> None:
    assert load(app_dir).prime == ()
    assert _load(app_dir, "prime = true\n").prime == ("/",)
    assert _load(app_dir, "prime = false\n").prime == ()
    assert _load(app_dir, 'prime = "/healthz"\n').prime == ("/healthz",)
    assert _load(app_dir, 'prime = ["/healthz", "/items?page=1"]\n').prime == ("/healthz", "/items?page=1")
    assert _load(app_dir, 'prime = ["/a"]\n[stages.prod]\nprime = ["/b"]\n', "prod").prime == ("/b",)


@pytest.mark.parametrize("value", ['["healthz"]', "1", '[["/a"]]', '{path = "/a"}'])
def test_a_bad_prime_names_the_key_and_the_fix(app_dir: Path, value: str) -> None:
    with pytest.raises(ConfigError) as raised:
        _load(app_dir, f"prime = {value}\n")
    assert "'prime'" in raised.value.message and 'prime = ["/healthz"]' in raised.value.hint


def test_snapstart_on_a_runtime_that_offers_it(app_dir: Path) -> None:
    assert load(app_dir).snapstart is False
    config = _load(app_dir, 'runtime = "python3.12"\nsnapstart = true\n')
    assert config.snapstart is True and config.runtime == "python3.12"


@pytest.mark.parametrize("runtime", ["python3.10", "python3.11"])
def test_snapstart_is_refused_where_aws_does_not_offer_it(app_dir: Path, runtime: str) -> None:
    with pytest.raises(ConfigError) as raised:
        _load(app_dir, f'runtime = "{runtime}"\nsnapstart = true\n')
    assert "'snapstart'" in raised.value.message and runtime in raised.value.message
    assert "python3.12" in raised.value.hint


def test_snapstart_must_be_a_boolean(app_dir: Path) -> None:
    with pytest.raises(ConfigError, match="'snapstart' .* must be true or false"):
        _load(app_dir, 'runtime = "python3.12"\nsnapstart = "yes"\n')


def test_snapstart_with_more_than_512_mb_of_tmp_is_refused(app_dir: Path) -> None:
    assert _load(app_dir, 'runtime = "python3.12"\nsnapstart = true\nephemeral_storage = 512\n').snapstart
    with pytest.raises(ConfigError) as raised:
        _load(app_dir, 'runtime = "python3.12"\nsnapstart = true\nephemeral_storage = 1024\n')
    assert "'snapstart'" in raised.value.message and "ephemeral_storage = 1024" in raised.value.message
