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


def test_weighted_routing_is_drift_and_rollback_removes_it(app_dir: Path) -> None:
    # a canary set in the console: live -> 2 with half of the requests to version 1
    aws = Aws()
    aws.call("lambda", "update_alias", FunctionName="rollapp-dev", Name="live", FunctionVersion="2",
             RoutingConfig={"AdditionalVersionWeights": {"1": 0.5}})
    code, out, err = opskit.run("status", "-C", str(app_dir))
    assert code == 0, err
    assert "50% of requests; 50% to version 1: weighted routing" in out and "no drift" not in out
    status = json.loads(opskit.run("status", "-C", str(app_dir), "--json")[1])
    assert status["live_weights"] == {"1": 0.5}
    [item] = [item for item in status["drift"] if "weighted routing" in item["what"]]
    assert "every request to version 2" in item["fix"]

    out = opskit.run("rollback", "--list", "-C", str(app_dir))[1]
    assert "live → 50%" in out and "live 50% →" in out

    code, out, _ = opskit.run("rollback", "1", "--dry-run", "-C", str(app_dir))
    assert code == 0 and "removes the weighted routing: 50% to version 1" in out
    code, out, err = opskit.run("rollback", "1", "-C", str(app_dir))
    assert code == 0, err
    assert "live 2 -> 1; every request now goes to version 1" in out and "50% to version 1" in out
    alias = aws.call("lambda", "get_alias", FunctionName="rollapp-dev", Name="live")
    assert alias["FunctionVersion"] == "1" and not (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights")
    assert opskit.run("rollback", "2", "-C", str(app_dir))[0] == 0
