"""`shoehorn init` on the other tools' own published examples, taken from their sdists' READMEs at test time:
serverless-wsgi's Flask example (api.py + serverless.yml) and Zappa's minimal and YAML settings."""

from __future__ import annotations

import re
import tarfile
from pathlib import Path

import pytest

from shoehorn.cli import main
from shoehorn.config import load
from tests.compat.conftest import sdist

SERVERLESS_WSGI = "serverless-wsgi==3.0.5"
ZAPPA = "zappa==0.63.0"

pytestmark = pytest.mark.slow


def readme(requirement: str) -> str:
    with tarfile.open(sdist(requirement)) as tar:
        member = next(m for m in tar.getmembers() if m.name.count("/") == 1 and m.name.endswith("/README.md"))
        return tar.extractfile(member).read().decode("utf-8")


def block(text: str, after: str, language: str) -> str:
    """The first ```language block after the line ``after``."""
    start = text.index(after)
    found = re.search(rf"```{language}\n(.*?)```", text[start:], re.DOTALL)
    assert found, f"no {language} block after {after!r}"
    return found.group(1)


def test_serverless_wsgis_flask_example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = readme(SERVERLESS_WSGI)
    (tmp_path / "api.py").write_text(block(text, "### api.py", "python"))
    (tmp_path / "serverless.yml").write_text(block(text, "### serverless.yml", "yaml"))
    # before: "no WSGI/ASGI app found" (api.py is no conventional module), though custom.wsgi.app names it
    assert main(["init", "-C", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "carried over from serverless.yml: app api:app" in out
    assert "runtime 'python3.6': not a value shoehorn takes" in out  # the example's runtime is long retired
    assert load(tmp_path).app == "api:app"


def test_zappas_minimal_and_yaml_settings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = readme(ZAPPA)
    flask = tmp_path / "flask"
    flask.mkdir()
    (flask / "your_module.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    (flask / "zappa_settings.json").write_text(block(text, "**Flask / Bottle (WSGI):**", "json"))
    assert main(["init", "-C", str(flask)]) == 0
    assert load(flask).app == "your_module:app"
    assert "s3_bucket" not in capsys.readouterr().out  # shoehorn makes its own bucket: nothing to say

    yaml = tmp_path / "yaml"
    yaml.mkdir()
    (yaml / "your_module.py").write_text("from flask import Flask\nyour_app = Flask(__name__)\n")
    (yaml / "zappa_settings.yml").write_text(block(text, "#### YAML Settings", "yaml"))
    assert main(["init", "-C", str(yaml)]) == 0
    assert load(yaml).app == "your_module:your_app"
    assert "events: shoehorn deploys the web app only" in capsys.readouterr().out
