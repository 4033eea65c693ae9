"""``shoehorn env list|set|unset`` change the live version's environment (read back from moto); values masked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shoehorn.deploy.aws import Aws

try:
    from . import opskit
except ImportError:
    import opskit


def live(aws: Aws) -> tuple[str, dict]:
    conf = aws.call("lambda", "get_function_configuration", FunctionName="envapp-dev", Qualifier="live")
    return conf["Version"], (conf.get("Environment") or {}).get("Variables") or {}


@pytest.fixture(scope="module")
def app_dir(moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as mp:
        opskit.point_at(mp, moto_server, tmp_path_factory.mktemp("aws-home"))
        opskit.reset(moto_server)
        directory = opskit.make_app(tmp_path_factory.mktemp("env") / "app", "envapp",
                                    '[environment]\nGREETING = "hello-from-config"\n')
        opskit.up(directory)
        yield directory


def test_list_masks_values_unless_asked(app_dir: Path) -> None:
    code, out, _ = opskit.run("env", "list", "-C", str(app_dir))
    assert code == 0 and out.strip() == "GREETING=********"
    assert "hello-from-config" not in out
    code, out, _ = opskit.run("env", "list", "--show-values", "-C", str(app_dir))
    assert out.strip() == "GREETING=hello-from-config"


def test_set_publishes_a_version_and_moves_live(app_dir: Path) -> None:
    aws = Aws()
    code, out, err = opskit.run("env", "set", "API_TOKEN=s3cret-value", "GREETING=hi", "-C", str(app_dir))
    assert code == 0, err
    assert "s3cret-value" not in out + err  # masked in everything printed
    assert "+ API_TOKEN=********" in out and "~ GREETING=********" in out
    assert "live 1 -> 2" in out
    assert live(aws) == ("2", {"API_TOKEN": "s3cret-value", "GREETING": "hi"})
    assert "next `shoehorn up`" in err  # neither value is what the config says

    code, out, _ = opskit.run("env", "set", "GREETING=hi", "-C", str(app_dir))
    assert code == 0 and "nothing changed" in out and live(aws)[0] == "2"


def test_unset_removes_and_bad_input_is_refused(app_dir: Path) -> None:
    aws = Aws()
    code, out, err = opskit.run("env", "unset", "API_TOKEN", "-C", str(app_dir))
    assert code == 0, err
    assert "- API_TOKEN" in out and "live 2 -> 3" in out
    assert live(aws) == ("3", {"GREETING": "hi"})

    for bad in (["set", "NOEQUALS"], ["set", "AWS_REGION=x"], ["set", "9LIVES=x"]):
        code, _, err = opskit.run("env", *bad, "-C", str(app_dir))
        assert code == 2, bad
    assert live(aws)[0] == "3"


def test_up_puts_the_config_environment_back(app_dir: Path) -> None:
    opskit.up(app_dir)
    version, variables = live(Aws())
    assert variables == {"GREETING": "hello-from-config"} and version == "4"


def test_set_refuses_to_publish_what_latest_holds_and_live_does_not(app_dir: Path) -> None:
    # QA: an edit of $LATEST in the console went live with the next `env set`; its dry run said "environment"
    aws = Aws()
    aws.call("lambda", "update_function_configuration", FunctionName="envapp-dev", MemorySize=1024)
    before = live(aws)
    for dry_run in (("--dry-run",), ()):
        code, out, err = opskit.run("env", "set", "FOO_BAR=1", *dry_run, "-C", str(app_dir))
        assert code == 5, err
        assert "memory (1024 MB on $LATEST, 512 MB live)" in err and "shoehorn up" in err
    assert live(aws) == before

    opskit.up(app_dir)  # sets $LATEST back to shoehorn.toml's
    code, out, err = opskit.run("env", "set", "FOO_BAR=1", "--dry-run", "-C", str(app_dir))
    assert code == 0, err
    assert "update configuration of envapp-dev: environment" in out and "adds FOO_BAR" in out
    assert f"every other setting as version {before[0]} has it" in out and "+ FOO_BAR=********" in out
    assert live(aws) == before
