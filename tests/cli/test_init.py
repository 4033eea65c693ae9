"""`shoehorn init`: a commented shoehorn.toml that loads back to what was discovered."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from shoehorn.cli import main
from shoehorn.config import load
from shoehorn.errors import ConfigError


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "Notes Site"
    directory.mkdir()
    (directory / "main.py").write_text("from fastapi import FastAPI\napp = FastAPI()\n")
    (directory / "requirements.txt").write_text("fastapi\n")
    return directory


def test_writes_what_it_discovered_and_loads_back_the_same(app_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = load(app_dir)
    assert main(["init", "-C", str(app_dir)]) == 0
    written = app_dir / "shoehorn.toml"
    text = written.read_text()
    assert "#" in text and 'app = "main:app"' in text and 'name = "notes-site"' in text
    data = tomllib.loads(text)
    assert data["requirements"] == "requirements.txt"
    after = load(app_dir)
    assert after.source_file == written
    for field in ("name", "app", "runtime", "architecture", "requirements", "memory", "timeout", "environment"):
        assert getattr(after, field) == getattr(before, field), field
    assert "wrote" in capsys.readouterr().out
    for key in ("ephemeral_storage", "prime", "snapstart"):  # the newer keys are shown, commented out
        assert f"# {key} = " in text, key


def test_refuses_to_overwrite_without_force(app_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (app_dir / "shoehorn.toml").write_text('memory = 1024\n[environment]\nAB = "1"\n')
    assert main(["init", "-C", str(app_dir)]) == ConfigError.exit_code
    assert "--force" in capsys.readouterr().err
    assert main(["init", "-C", str(app_dir), "--force"]) == 0
    config = load(app_dir)
    assert config.memory == 1024 and dict(config.environment) == {"AB": "1"}  # settings kept


def test_no_app_found_is_an_error_with_the_way_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "-C", str(tmp_path)]) == ConfigError.exit_code
    assert 'app = "' in capsys.readouterr().err
    assert not (tmp_path / "shoehorn.toml").exists()


def test_comments_are_aligned_and_name_the_other_sources(app_dir: Path) -> None:
    assert main(["init", "-C", str(app_dir)]) == 0
    settings = [line for line in (app_dir / "shoehorn.toml").read_text().splitlines()
                if " # " in line and not line.startswith("# shoehorn")]
    assert len(settings) >= 10
    assert len({line.index("# ", 2 if line.startswith("#") else 0) for line in settings}) == 1
    assert "or pyproject.toml" in (app_dir / "shoehorn.toml").read_text()


def test_a_pyproject_project_is_not_told_to_use_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1"\ndependencies = ["flask"]\n')
    (tmp_path / "app.py").write_text("app = object()\n")
    assert main(["init", "-C", str(tmp_path)]) == 0
    text = (tmp_path / "shoehorn.toml").read_text()
    assert 'requirements = "pyproject.toml"' in text and "or pyproject.toml" not in text


def test_init_accepts_stage(app_dir: Path) -> None:
    assert main(["init", "-C", str(app_dir), "--stage", "staging"]) == 0
    assert "# [stages.staging]" in (app_dir / "shoehorn.toml").read_text()


def test_factories_and_django_projects_are_written_with_a_database_note(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "manage.py").write_text("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n")
    (tmp_path / "proj").mkdir()
    for name in ("__init__", "settings", "wsgi", "asgi"):
        (tmp_path / "proj" / f"{name}.py").write_text("application = None\n")
    assert main(["init", "-C", str(tmp_path)]) == 0
    data = tomllib.loads((tmp_path / "shoehorn.toml").read_text())
    assert data["app"] == "proj.wsgi:application"
    assert data["environment"] == {"DJANGO_SETTINGS_MODULE": "proj.settings"}
    out = capsys.readouterr().out
    assert "network database" in out and "shoehorn run" in out


def test_init_writes_the_django_configurations_class_wsgi_py_names(tmp_path: Path) -> None:
    setdefault = ("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n"
                  "os.environ.setdefault('DJANGO_CONFIGURATION', '{}')\n")
    (tmp_path / "manage.py").write_text(setdefault.format("Dev"))
    (tmp_path / "proj").mkdir()
    for name in ("__init__", "settings"):
        (tmp_path / "proj" / f"{name}.py").write_text("")
    (tmp_path / "proj" / "wsgi.py").write_text(setdefault.format("Production") + "application = None\n")
    assert main(["init", "-C", str(tmp_path)]) == 0
    data = tomllib.loads((tmp_path / "shoehorn.toml").read_text())
    assert data["environment"] == {"DJANGO_SETTINGS_MODULE": "proj.settings", "DJANGO_CONFIGURATION": "Production"}


def test_init_says_which_of_two_django_settings_modules_deploys(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    # cookiecutter-django: manage.py defaults to config.settings.local, wsgi.py to config.settings.production;
    # init wrote manage.py's and said nothing
    setdefault = "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.{}')\n"
    (tmp_path / "manage.py").write_text(setdefault.format("local"))
    (tmp_path / "config" / "settings").mkdir(parents=True)
    for name in ("__init__", "settings/__init__"):
        (tmp_path / "config" / f"{name}.py").write_text("")
    for name in ("base", "local", "production"):
        (tmp_path / "config" / "settings" / f"{name}.py").write_text("DEBUG = False\n")
    (tmp_path / "config" / "wsgi.py").write_text(setdefault.format("production") + "application = None\n")
    assert main(["init", "-C", str(tmp_path)]) == 0
    data = tomllib.loads((tmp_path / "shoehorn.toml").read_text())
    assert data["environment"] == {"DJANGO_SETTINGS_MODULE": "config.settings.production"}
    said = " ".join(capsys.readouterr().out.split())
    assert "config.settings.production, the default of config/wsgi.py" in said
    assert "manage.py's default, config.settings.local" in said and "DJANGO_SETTINGS_MODULE in [environment]" in said
    assert main(["init", "--force", "-C", str(tmp_path)]) == 0  # the file chose: nothing more to say
    assert "manage.py's default" not in capsys.readouterr().out


def test_a_syntax_error_in_the_app_names_file_and_line_and_exits_2(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "wsgi.py").write_text("import os\n\napp = (\n")
    assert main(["init", "-C", str(tmp_path)]) == 2
    assert "wsgi.py:3: SyntaxError" in capsys.readouterr().err
    assert not (tmp_path / "shoehorn.toml").exists()


def test_a_flask_style_factory_package_is_written_as_a_call(tmp_path: Path) -> None:
    (tmp_path / "blog").mkdir()
    (tmp_path / "blog" / "__init__.py").write_text("def create_app(test_config=None):\n    pass\n")
    assert main(["init", "-C", str(tmp_path)]) == 0
    assert tomllib.loads((tmp_path / "shoehorn.toml").read_text())["app"] == "blog:create_app()"


def test_an_app_using_sqlite_gets_the_database_note(app_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "-C", str(app_dir)]) == 0
    assert "network database" not in capsys.readouterr().out
    (app_dir / "db.py").write_text("import sqlite3\n")
    assert main(["init", "-C", str(app_dir), "--force"]) == 0
    assert "network database" in " ".join(capsys.readouterr().out.split())


def test_the_database_note_names_the_file_it_found(app_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # QA (datasette): the note said `include = ["data.db"]` beside a fixtures.db
    (app_dir / "fixtures.db").write_bytes(b"")
    assert main(["init", "-C", str(app_dir)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert 'include = ["fixtures.db"]' in out and "file:fixtures.db?mode=ro" in out and "data.db" not in out


@pytest.mark.parametrize("settings", [
    "[tool.shoehorn]\nmemory = 256\n",
    "[tool.shoehorn.stages.prod]\nmemory = 256\n",
    "[tool]\nshoehorn = { memory = 256 }\n",
    "[tool.shoehorn]\n",
])
def test_settings_in_pyproject_are_found_however_they_are_written(app_dir: Path, settings: str,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (app_dir / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1"\n\n' + settings)
    assert main(["init", "-C", str(app_dir)]) == ConfigError.exit_code
    assert "already holds [tool.shoehorn]" in " ".join(capsys.readouterr().err.split())
    assert not (app_dir / "shoehorn.toml").exists()


def test_tool_shoehorn_in_a_comment_or_a_string_is_no_setting(app_dir: Path) -> None:
    (app_dir / "pyproject.toml").write_text('# we used to have [tool.shoehorn] here, now removed\n'
                                            '[project]\nname = "x"\nversion = "1"\n'
                                            'description = "settings once lived in [tool.shoehorn]"\n')
    assert main(["init", "-C", str(app_dir)]) == 0
    assert load(app_dir).source_file == app_dir / "shoehorn.toml"


def test_an_invalid_pyproject_is_a_config_error(app_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (app_dir / "pyproject.toml").write_text("[project\nname = 'x'\n")
    assert main(["init", "-C", str(app_dir)]) == ConfigError.exit_code
    assert "pyproject.toml is not valid TOML" in " ".join(capsys.readouterr().err.split())
    assert not (app_dir / "shoehorn.toml").exists()


def test_force_beside_tool_shoehorn_says_both_and_writes_nothing(app_dir: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (app_dir / "pyproject.toml").write_text("[tool.shoehorn.stages.prod]\nmemory = 256\n")
    (app_dir / "shoehorn.toml").write_text("memory = 1024\n")
    assert main(["init", "-C", str(app_dir), "--force"]) == ConfigError.exit_code
    assert "in both shoehorn.toml and pyproject.toml" in " ".join(capsys.readouterr().err.split())
    assert (app_dir / "shoehorn.toml").read_text() == "memory = 1024\n"
