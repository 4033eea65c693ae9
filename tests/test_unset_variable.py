"""The environment variable an app's traceback says is unset, and where shoehorn takes it from."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from shoehorn.unset_variable import hint, settings_file, unset_variable

DJANGO_ENVIRON = '''Traceback (most recent call last):
  File "/app/config/settings/base.py", line 27, in <module>
    SECRET_KEY = env("DJANGO_SECRET_KEY")
  File "/deps/environ/environ.py", line 413, in get_value
    raise ImproperlyConfigured(error_msg) from exc
django.core.exceptions.ImproperlyConfigured: Set the DJANGO_SECRET_KEY environment variable
'''


def _traceback_of(code: str) -> str:
    """The traceback this interpreter prints for ``code`` (os.environ's own frames, as this Python shows them)."""
    done = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, env={})
    assert done.returncode == 1
    return done.stderr


def test_django_environ_names_the_variable() -> None:
    assert unset_variable(DJANGO_ENVIRON) == "DJANGO_SECRET_KEY"
    said = hint(DJANGO_ENVIRON)
    assert 'DJANGO_SECRET_KEY = "..."' in said and "shoehorn.toml's [environment]" in said and "shell" in said


def test_os_environ_subscript_names_the_variable() -> None:
    text = _traceback_of("import os\nDATABASE_URL = os.environ['DATABASE_URL']\n")
    assert unset_variable(text) == "DATABASE_URL"


def test_a_key_error_of_the_app_s_own_dict_is_not_a_variable() -> None:
    assert unset_variable(_traceback_of("{}['DATABASE_URL']\n")) is None
    assert hint("ImproperlyConfigured: the STATICFILES_DIRS setting should not contain STATIC_ROOT") is None


def test_other_readers_and_the_last_failure_wins() -> None:
    assert unset_variable('environs.EnvError: Environment variable "API_KEY" not set') == "API_KEY"
    assert unset_variable("decouple.UndefinedValueError: REDIS_URL not found. Declare it as envvar or define "
                          "a default value.") == "REDIS_URL"
    chained = DJANGO_ENVIRON + "\nDuring handling...\nImproperlyConfigured: Set the DATABASE_URL environment variable"
    assert unset_variable(chained) == "DATABASE_URL"


def test_an_empty_secret_key_points_at_the_environment() -> None:
    said = hint("django.core.exceptions.ImproperlyConfigured: The SECRET_KEY setting must not be empty.",
                "pyproject.toml")
    assert "SECRET_KEY" in said and "pyproject.toml's [tool.shoehorn.environment]" in said


def test_the_settings_file_is_pyproject_only_when_it_holds_shoehorn_s_table(tmp_path: Path) -> None:
    assert settings_file(tmp_path) == "shoehorn.toml"
    (tmp_path / "pyproject.toml").write_text("[tool.shoehorn]\nmemory = 1024\n")
    assert settings_file(tmp_path) == "pyproject.toml"
    (tmp_path / "shoehorn.toml").write_text("")
    assert settings_file(tmp_path) == "shoehorn.toml"
