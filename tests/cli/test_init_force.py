"""`shoehorn init --force`: the rewritten file keeps every setting of the old one, per stage;
a file that does not load is refused and left as it is."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from shoehorn.cli import init as init_module
from shoehorn.cli import main
from shoehorn.config import Config, load
from shoehorn.errors import ConfigError

# QA's file, plus what a renderer is likely to drop: a number in [environment], a string beyond
# U+FFFF, a statement with a nested Condition, a default stage, a stage with statements and policies.
RICH = '''\
# my own comment
app = "app:app"
runtime = "python3.12"
memory = 1024
timeout = 20
warm = "5m"
prime = ["/"]
snapstart = true
concurrency = 5
log_retention_days = 7
endpoint_type = "EDGE"
policies = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
exclude = ["*.csv"]
default_stage = "dev"

[[statements]]
Effect = "Allow"
Action = ["dynamodb:GetItem"]
Resource = ["*"]
Condition = { StringEquals = { "aws:RequestedRegion" = "eu-west-1" } }

[environment]
AA = "1"
PORT = 8080
GREETING = "caf\\u00e9 \\"\\U0001F600\\"\\n"

[stages.prod]
memory = 2048
concurrency = 50
policies = []
[stages.prod.environment]
BB = "2"
[[stages.prod.statements]]
Effect = "Deny"
Action = "s3:*"
Resource = "*"

[stages.staging]
warm = false
'''


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text("app = object()\n")
    (tmp_path / "requirements.txt").write_text("flask\n")
    return tmp_path


def _configs(directory: Path) -> dict[str, Config]:
    return {stage: dataclasses.replace(load(directory, stage=stage), source_file=None)
            for stage in ("dev", "prod", "staging")}


@pytest.mark.parametrize("stage", [None, "prod"])
def test_force_keeps_every_setting_of_every_stage(app_dir: Path, stage: str | None,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = app_dir / "shoehorn.toml"
    path.write_text(RICH)
    before, raw = _configs(app_dir), tomllib.loads(RICH)
    assert main(["init", "-C", str(app_dir), "--force", *(["--stage", stage] if stage else [])]) == 0
    new = tomllib.loads(path.read_text())
    for key, value in raw.items():  # the file as written, key by key, stages and statements whole
        assert new[key] == value, key
    assert {k for k in new if k not in raw} <= {"name", "architecture", "requirements"}  # discovery only adds
    assert _configs(app_dir) == before  # and every stage deploys the same
    assert (app_dir / "shoehorn.toml.bak").read_text() == RICH  # the user's comments are not lost either
    out = " ".join(capsys.readouterr().out.split())
    assert "kept the settings of the old file" in out and "stages.prod, stages.staging" in out
    assert "shoehorn.toml.bak" in out


def test_a_stage_is_never_written_at_the_top_level(app_dir: Path) -> None:
    # prod overrides keys the top level leaves to discovery: those must be discovered for the top level,
    # not copied from prod, or dev would get prod's memory and runtime.
    (app_dir / "shoehorn.toml").write_text('[stages.prod]\nmemory = 2048\nruntime = "python3.12"\n'
                                           '[stages.prod.environment]\nBB = "2"\n')
    before = _configs(app_dir)
    assert main(["init", "-C", str(app_dir), "--force", "--stage", "prod"]) == 0
    data = tomllib.loads((app_dir / "shoehorn.toml").read_text())
    assert data["memory"] == 512 and data.get("environment", {}) == {}
    assert data["stages"]["prod"] == {"memory": 2048, "runtime": "python3.12", "environment": {"BB": "2"}}
    assert _configs(app_dir) == before


def test_a_second_run_changes_nothing(app_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, backup = app_dir / "shoehorn.toml", app_dir / "shoehorn.toml.bak"
    path.write_text(RICH)
    assert main(["init", "-C", str(app_dir), "--force"]) == 0
    first = path.read_text()
    assert main(["init", "-C", str(app_dir), "--force"]) == 0
    assert path.read_text() == first and backup.read_text() == RICH  # the backup of the user's file stays
    assert "is up to date" in capsys.readouterr().out


@pytest.mark.parametrize("text, problem", [
    ("memroy = 256\n", "did you mean 'memory'?"),
    ("[[[\n", "is not valid TOML"),
    ('app = "gone:app"\nrequirements = false\n', "module 'gone' is not in"),
    ('memory = 1024\n[stages.prod]\nmemroy = 2048\n', "did you mean 'memory'?"),
])
def test_a_file_that_does_not_load_is_refused_and_left_as_it_is(app_dir: Path, text: str, problem: str,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = app_dir / "shoehorn.toml"
    path.write_text(text)
    assert main(["init", "-C", str(app_dir), "--force"]) == ConfigError.exit_code
    err = " ".join(capsys.readouterr().err.split())
    assert problem in err and "must load first" in err and "mv shoehorn.toml shoehorn.toml.old" in err
    assert path.read_text() == text
    assert not (app_dir / "shoehorn.toml.bak").exists()


def test_moved_aside_a_broken_file_gives_way_to_discovery(app_dir: Path) -> None:
    # The way out the refusal names works.
    (app_dir / "shoehorn.toml").write_text("memroy = 256\n")
    (app_dir / "shoehorn.toml").rename(app_dir / "shoehorn.toml.old")
    assert main(["init", "-C", str(app_dir)]) == 0
    assert load(app_dir).app == "app:app"


def test_a_renderer_that_drops_a_setting_writes_nothing(app_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = app_dir / "shoehorn.toml"
    path.write_text(RICH)
    real = init_module.render_toml
    monkeypatch.setattr(init_module, "render_toml",
                        lambda config, written, **kw: real(config, {k: v for k, v in written.items() if k != "warm"},
                                                           **kw))
    assert main(["init", "-C", str(app_dir), "--force"]) == 1  # a bug in shoehorn, said as one
    assert path.read_text() == RICH and not (app_dir / "shoehorn.toml.bak").exists()


def test_a_kept_app_that_discovery_would_not_find_is_noted(app_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The module was renamed since init first ran: the file's app stands (it still loads), and the
    # user is told what discovery finds now and how to take it.
    (app_dir / "legacy.py").write_text("application = object()\n")
    (app_dir / "shoehorn.toml").write_text('app = "legacy:application"\n')
    assert main(["init", "-C", str(app_dir), "--force"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert 'kept app = "legacy:application" from the old file; discovery now finds app:app' in out
    assert load(app_dir).app == "legacy:application"
    (app_dir / "shoehorn.toml").write_text('app = "app:app"\n')  # the same as discovery: no note
    assert main(["init", "-C", str(app_dir), "--force"]) == 0
    assert "discovery now finds" not in capsys.readouterr().out
