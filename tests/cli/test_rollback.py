"""``shoehorn rollback`` really moves the ``live`` alias (read back from moto), and ``--list`` shows versions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from shoehorn.deploy.aws import Aws

try:
    from . import opskit
except ImportError:
    import opskit


def live_version(aws: Aws) -> str:
    return aws.call("lambda", "get_alias", FunctionName="rollapp-dev", Name="live")["FunctionVersion"]


@pytest.fixture(scope="module")
def app_dir(moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as mp:
        opskit.point_at(mp, moto_server, tmp_path_factory.mktemp("aws-home"))
        opskit.reset(moto_server)
        directory = opskit.make_app(tmp_path_factory.mktemp("rollback") / "app", "rollapp")
        opskit.up(directory)
        with (directory / "app.py").open("a") as source:
            source.write("\n# second release\n")
        opskit.up(directory)
        yield directory


def test_list_shows_both_versions_with_the_live_one_marked(app_dir: Path) -> None:
    code, out, err = opskit.run("rollback", "--list", "-C", str(app_dir))
    assert code == 0, err
    rows = [line.split() for line in out.splitlines() if line.strip() and "version" not in line]
    numbered = [row for row in rows if row[0] in ("live", "1", "2") and len(row) >= 3]
    assert numbered[0][:3] == ["live", "→", "2"]  # newest first, marked
    assert numbered[1][0] == "1"
    assert live_version(Aws()) == "2"


def test_rollback_moves_the_alias_and_back(app_dir: Path) -> None:
    aws = Aws()
    code, out, err = opskit.run("rollback", "-C", str(app_dir))
    assert code == 0, err
    assert "live 2 -> 1" in out
    assert live_version(aws) == "1"

    drift = json.loads(opskit.run("status", "-C", str(app_dir), "--json")[1])["drift"]
    assert any("rolls forward" in item["fix"] for item in drift)  # `up` would move it back

    code, _, err = opskit.run("rollback", "-C", str(app_dir))
    assert code == 2 and "nothing earlier to roll back to" in err
    assert live_version(aws) == "1"

    code, out, _ = opskit.run("rollback", "2", "-C", str(app_dir))
    assert code == 0 and "live 1 -> 2" in out
    assert live_version(aws) == "2"


def test_unknown_version_is_refused_and_nothing_moves(app_dir: Path) -> None:
    code, _, err = opskit.run("rollback", "7", "-C", str(app_dir))
    assert code == 2
    assert "version 7 does not exist" in err and "1, 2" in err
    assert live_version(Aws()) == "2"
