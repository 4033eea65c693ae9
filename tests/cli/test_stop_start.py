"""``shoehorn stop`` / ``start`` really change reserved concurrency, are idempotent, and survive ``up``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shoehorn.deploy.aws import Aws

try:
    from . import opskit
except ImportError:
    import opskit


def reserved(aws: Aws, name: str) -> int | None:
    return aws.call("lambda", "get_function_concurrency", FunctionName=name).get("ReservedConcurrentExecutions")


@pytest.fixture(scope="module")
def apps(moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """Two apps: one uncapped, one whose config caps concurrency at 3."""
    with pytest.MonkeyPatch.context() as mp:
        opskit.point_at(mp, moto_server, tmp_path_factory.mktemp("aws-home"))
        opskit.reset(moto_server)
        root = tmp_path_factory.mktemp("switch")
        free = opskit.make_app(root / "free", "freeapp")
        capped = opskit.make_app(root / "capped", "capapp", "concurrency = 3\n")
        opskit.up(free)
        opskit.up(capped)
        yield free, capped


def test_stop_sets_zero_and_says_how_requests_fail_then_start_removes_the_cap(apps: tuple[Path, Path]) -> None:
    free, _ = apps
    aws = Aws()
    code, out, err = opskit.run("stop", "-C", str(free))
    assert code == 0, err
    assert reserved(aws, "freeapp-dev") == 0
    assert "stopped" in out and "500" in out and "shoehorn start" in out

    code, out, _ = opskit.run("stop", "-C", str(free))
    assert code == 0 and "already stopped" in out and reserved(aws, "freeapp-dev") == 0

    code, _, err = opskit.run("up", "-C", str(free), "--no-check")  # a deploy does not lift the kill switch
    assert code == 0 and reserved(aws, "freeapp-dev") == 0
    # and says so: its URL answers 500 until `start`, which looked like a broken deploy
    assert "stopped" in err and "shoehorn start" in err

    code, out, _ = opskit.run("start", "-C", str(free))
    assert code == 0 and "started" in out and "uncapped" in out
    assert reserved(aws, "freeapp-dev") is None
    code, out, _ = opskit.run("start", "-C", str(free))
    assert code == 0 and "already running" in out


def test_start_restores_the_configured_cap(apps: tuple[Path, Path]) -> None:
    _, capped = apps
    aws = Aws()
    assert reserved(aws, "capapp-dev") == 3
    assert opskit.run("stop", "-C", str(capped))[0] == 0
    assert reserved(aws, "capapp-dev") == 0
    opskit.up(capped)  # the configured cap does not lift the kill switch either
    assert reserved(aws, "capapp-dev") == 0
    code, out, _ = opskit.run("start", "-C", str(capped))
    assert code == 0 and "reserved concurrency 3" in out
    assert reserved(aws, "capapp-dev") == 3


def test_stop_as_a_separate_process(apps: tuple[Path, Path]) -> None:
    free, _ = apps
    done = opskit.run_process("stop", "-C", str(free))
    assert done.returncode == 0, done.stderr
    assert reserved(Aws(), "freeapp-dev") == 0
    assert opskit.run_process("start", "-C", str(free)).returncode == 0
    assert reserved(Aws(), "freeapp-dev") is None
