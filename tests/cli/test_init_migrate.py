"""`shoehorn init` beside another tool's file: what it carries over, what it says of the rest."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from shoehorn.cli import main
from shoehorn.config import load
from shoehorn.errors import ConfigError
from shoehorn.progress import Warn

ZAPPA = {
    "dev": {"app_function": "my_app.app", "aws_region": "eu-west-1", "memory_size": 1024, "timeout_seconds": 20,
            "runtime": "python3.12", "environment_variables": {"LOG_LEVEL": "debug",
                                                               "DATABASE_URL": "postgres://u:hunter2@db/app"}},
    "production": {"extends": "dev", "memory_size": 2048},
}


@pytest.fixture
def zappa_project(tmp_path: Path) -> Path:
    directory = tmp_path / "shop"
    directory.mkdir()
    (directory / "my_app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    (directory / "requirements.txt").write_text("flask\n")
    (directory / "zappa_settings.json").write_text(json.dumps(ZAPPA))
    return directory


def test_a_zappa_project_gets_its_app_and_settings(zappa_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # before: "no WSGI/ASGI app found" (my_app.py is no conventional module), though the file names it
    assert main(["init", "-C", str(zappa_project)]) == 0
    text = (zappa_project / "shoehorn.toml").read_text()
    config = load(zappa_project)
    assert (config.app, config.memory, config.timeout, config.runtime) == ("my_app:app", 1024, 20, "python3.12")
    assert dict(config.environment) == {"LOG_LEVEL": "debug"}
    assert "hunter2" not in text and '# DATABASE_URL = "..."' in text
    assert "Carried over from zappa_settings.json (stage dev)" in text
    out = capsys.readouterr().out
    assert "carried over from zappa_settings.json (stage dev): app my_app:app, memory 1024" in out
    assert "AWS_REGION=eu-west-1" in out and "DATABASE_URL" in out
    # Zappa's production stage: a [stages.production] table of what differs
    assert "stages (production)" in out and "other stages of zappa_settings.json (production)" in out
    assert "stage production: environment DATABASE_URL" not in out  # (the same secret as dev's: named once)
    production = load(zappa_project, stage="production")
    assert (production.memory, production.timeout, dict(production.environment)) == (2048, 20, {"LOG_LEVEL": "debug"})


def test_zappas_function_of_the_same_name_is_named(zappa_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Zappa's function is slug(project_name or the folder)-stage: shop-dev, as shoehorn's
    assert main(["init", "-C", str(zappa_project)]) == 0
    assert "Zappa's function for this stage is named shop-dev too" in capsys.readouterr().out
    assert main(["init", "-C", str(zappa_project), "--force"]) == 0  # a file of its own: not read again
    assert "carried over" not in capsys.readouterr().out


def test_without_shoehorn_toml_commands_say_the_file_is_not_read(zappa_project: Path) -> None:
    (zappa_project / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    warnings: list[Warn] = []
    config = load(zappa_project, progress=lambda event: warnings.append(event) if isinstance(event, Warn) else None)
    assert config.memory == 512  # zappa's 1024 does not apply
    assert ["zappa_settings.json is another tool's configuration" in w.message and "shoehorn init" in w.message
            for w in warnings] == [True]


SAM = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: web/
      Handler: main.handler
      MemorySize: 1024
      Events:
        All:
          Type: HttpApi
"""


def test_a_sam_project_is_set_up_in_its_code_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "template.yaml").write_text(SAM)
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "main.py").write_text("from fastapi import FastAPI\nfrom mangum import Mangum\n"
                                              "app = FastAPI()\nhandler = Mangum(app)\n")
    (tmp_path / "web" / "requirements.txt").write_text("fastapi\nmangum\n")
    assert main(["init", "-C", str(tmp_path)]) == ConfigError.exit_code
    err = capsys.readouterr().err
    assert "puts the function's code in web/" in err and f"shoehorn init -C {tmp_path / 'web'}" in err
    assert main(["init", "-C", str(tmp_path / "web")]) == 0
    data = tomllib.loads((tmp_path / "web" / "shoehorn.toml").read_text())
    assert data["app"] == "main:app" and data["memory"] == 1024
