"""`shoehorn build` through the real CLI entry point."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from shoehorn.cli import main
from shoehorn.errors import AppCodeError, ConfigError

APP = '''
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
'''


@pytest.fixture(autouse=True)
def shoehorn_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The session's shared dependency cache (same path as tests/bundle/conftest.py).
    monkeypatch.setenv("SHOEHORN_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "shoehorn-cache"))
    yield


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(APP)
    return tmp_path


def test_build_prints_path_sizes_digest_contributors_and_time(app_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "-C", str(app_dir)]) == 0
    captured = capsys.readouterr()
    (zip_file,) = (app_dir / ".shoehorn" / "build").glob("*.zip")
    assert zip_file.name in captured.out
    for label in ("zipped", "unzipped", "sha256", "largest", "built in", "import + GET / passed"):
        assert label in captured.out
    assert "check bundle" in captured.err  # progress goes to stderr
    assert re.search(r"cold start +\d+ ms in the check \(import \d+ ms \+ first request \d+ ms", captured.out)
    assert re.search(r"imports +\w+ \d+ ms.*\(heaviest, -X importtime\)", captured.out)


def test_json_output(app_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "-C", str(app_dir), "--json", "--no-check"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert Path(result["path"]).is_file() and len(result["sha256"]) == 64
    assert result["checked"] is False and result["handler"] == "shoehorn_handler.handler"
    assert result["largest"][0]["unzipped_bytes"] > 0
    assert result["import_ms"] is None and result["heaviest_imports"] == []  # nothing measured without the check


def test_json_output_carries_the_measured_cold_start(app_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "-C", str(app_dir), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["import_ms"] > 0 and result["first_request_ms"] > 0
    assert {"package", "ms"} <= set(result["heaviest_imports"][0])


def test_a_broken_app_exits_2_naming_file_and_line(app_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (app_dir / "app.py").write_text("import requests\n" + APP)
    assert main(["build", "-C", str(app_dir)]) == AppCodeError.exit_code == 2
    err = capsys.readouterr().err
    assert "'requests'" in err and "app.py:1" in err and "hint:" in err


@pytest.mark.parametrize(("text", "where"), [("x = (\n", "app.py:1: SyntaxError"),
                                             ("import os\nos.nope\n", "app.py:2: AttributeError")])
def test_syntax_and_attribute_errors_exit_2_with_file_and_line(app_dir: Path, capsys: pytest.CaptureFixture[str],
                                                                text: str, where: str) -> None:
    (app_dir / "app.py").write_text(text + APP)
    code = main(["build", "-C", str(app_dir)])
    assert code == 2 and where in capsys.readouterr().err


def test_a_config_error_exits_2_and_names_the_file(app_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (app_dir / "shoehorn.toml").write_text("memroy = 1\n")
    assert main(["build", "-C", str(app_dir)]) == ConfigError.exit_code
    err = capsys.readouterr().err
    assert "memroy" in err and "shoehorn.toml" in err and "memory" in err


def test_stage_option_selects_overrides(app_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (app_dir / "shoehorn.toml").write_text('[stages.prod]\nenvironment = { MODE = "prod" }\n')
    (app_dir / "app.py").write_text("import os\nassert os.environ['MODE'] == 'prod'\n" + APP)
    assert main(["build", "-C", str(app_dir), "--stage", "prod"]) == 0
    assert main(["build", "-C", str(app_dir)]) == AppCodeError.exit_code  # dev has no MODE
    assert "KeyError" in capsys.readouterr().err
    assert os.environ.get("MODE") is None


def test_build_says_in_one_line_what_the_defaults_left_out(app_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import zipfile

    for name, text in {".env": "KEY=1", "db.sqlite3": "", "tests/test_app.py": "", ".github/workflows/ci.yml": "",
                       ".aws/credentials": "aws_secret_access_key=do-not-ship", "server.log": ""}.items():
        (app_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (app_dir / name).write_text(text)
    (app_dir / "settings.ini").symlink_to(app_dir / ".aws" / "credentials")
    assert main(["build", "-C", str(app_dir), "--no-check"]) == 0
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "left out" in line]
    assert len(lines) == 1, err
    assert "secret-looking" in lines[0] and "local database" in lines[0] and "tests/docs/CI" in lines[0]
    assert "`include`" in lines[0]
    (zip_file,) = (app_dir / ".shoehorn" / "build").glob("*.zip")
    with zipfile.ZipFile(zip_file) as archive:
        names = archive.namelist()
        assert not any(n in names for n in (".env", "db.sqlite3", "settings.ini", "server.log"))
        assert not any(n.startswith(("tests/", ".github/", ".aws/")) for n in names)
        assert all(b"do-not-ship" not in archive.read(n) for n in names if not n.endswith("/"))


def test_the_summary_says_what_get_answered_when_it_was_not_a_success(app_dir: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    # flaskr before init-db answers 500, Django without ALLOWED_HOSTS 400: the build goes on with a
    # warning, and the summary under it must not say "passed" (also when the zip is reused)
    (app_dir / "app.py").write_text(APP.replace("200 OK", "500 INTERNAL SERVER ERROR"))
    for _ in range(2):
        assert main(["build", "-C", str(app_dir)]) == 0
        out = capsys.readouterr().out
        assert re.search(r"checked +import passed; GET / answered 500 when this zip was built", out)
        assert "passed when" not in out.replace("import passed;", "")
    assert main(["build", "-C", str(app_dir), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["check_status"] == 500
