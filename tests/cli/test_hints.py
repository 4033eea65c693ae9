"""A hint's suggested command acts where the command that printed it did: same --local, --stage, -C.

QA: `down --local` without a terminal said "e.g. `shoehorn down --yes`", which, copied with AWS
credentials set, deletes the real AWS stage; `stop --local` said "`shoehorn start` undoes it".
The local cloud is stood in for by the moto server (``local_target.use`` only marks the command
as local): the hints, not the cloud, are under test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shoehorn.cloud import TARGET_ENV

try:
    from . import opskit
except ImportError:
    import opskit


@pytest.fixture(scope="module")
def app(moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as mp:
        opskit.point_at(mp, moto_server, tmp_path_factory.mktemp("aws-home"))
        opskit.reset(moto_server)
        directory = opskit.make_app(tmp_path_factory.mktemp("hints") / "app", "hintapp")
        opskit.up(directory, "--stage", "qa")
        yield directory


@pytest.fixture
def as_local(app: Path, monkeypatch: pytest.MonkeyPatch, moto_server: str) -> Path:
    """`--local` commands reach the moto server, marked as the local cloud as ``use`` marks it."""
    from shoehorn.cli import local_target

    opskit.point_at(monkeypatch, moto_server, app.parent)
    monkeypatch.delenv(TARGET_ENV, raising=False)

    def use(local: bool, *, start: bool = False) -> None:
        if local:
            monkeypatch.setenv(TARGET_ENV, moto_server)

    monkeypatch.setattr(local_target, "use", use)
    return app


def test_down_local_without_a_terminal_suggests_down_local(as_local: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = opskit.run("down", "--local", "--stage", "qa", "-C", str(as_local))
    assert code == 2, err
    assert f"`shoehorn down --yes --local --stage qa -C {as_local}`" in err

    # at a terminal, the question names the local cloud (it said "every AWS resource of ...")
    import sys

    import typer

    asked: list[str] = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(typer, "confirm", lambda text, **_: asked.append(text) and False)
    code, _, err = opskit.run("down", "--local", "--stage", "qa", "-C", str(as_local))
    assert code == 0 and "nothing deleted" in err
    assert asked == ["Delete every AWS resource of hintapp (stage qa) in the local cloud?"]


def test_day2_hints_keep_local_stage_and_directory(as_local: Path) -> None:
    where = f"--local --stage qa -C {as_local}"
    code, out, err = opskit.run("stop", "--local", "--stage", "qa", "-C", str(as_local))
    assert code == 0, err
    assert f"`shoehorn start {where}` undoes it" in out

    code, out, err = opskit.run("status", "--local", "--stage", "qa", "-C", str(as_local))
    assert code == 0, err
    assert f"`shoehorn start {where}` restores it" in out and f"`shoehorn plan {where}` compares it" in out
    assert opskit.run("start", "--local", "--stage", "qa", "-C", str(as_local))[0] == 0

    code, _, err = opskit.run("rollback", "--local", "--stage", "qa", "-C", str(as_local))
    assert code != 0 and f"`shoehorn rollback --list {where}` shows the versions" in err

    code, _, err = opskit.run("env", "set", "--local", "--stage", "qa", "-C", str(as_local), "GREETING=hi")
    assert code == 0, err
    code, _, err = opskit.run("rollback", "--local", "--stage", "qa", "-C", str(as_local))
    assert code == 0, err
    assert f"`shoehorn rollback 2 {where}` goes back" in err and f"`shoehorn up {where}` deploys" in err

    code, _, err = opskit.run("status", "--local", "--stage", "nope", "-C", str(as_local))
    assert code == 6 and f"`shoehorn up --local --stage nope -C {as_local}`" in err


def test_without_local_or_directory_the_hint_has_neither(as_local: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(as_local)
    code, out, err = opskit.run("stop", "--stage", "qa")
    assert code == 0, err
    assert "`shoehorn start --stage qa` undoes it" in out
    assert opskit.run("start", "--stage", "qa")[0] == 0
