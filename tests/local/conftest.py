from __future__ import annotations

from pathlib import Path

import pytest

from shoehorn.local import runtime_client, runtime_libs
from shoehorn.local.containers import Function


@pytest.fixture(scope="session")
def libs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return runtime_libs.ensure(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session", params=[runtime_client.AWSLAMBDARIC, "stdlib"])
def client_libs(request: pytest.FixtureRequest, libs: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Each container test runs once under awslambdaric and once under shoehorn's stdlib client."""
    if request.param == "stdlib":
        return runtime_client.install(tmp_path_factory.mktemp("stdlib-client")), runtime_client.MODULE
    return libs, runtime_client.AWSLAMBDARIC


@pytest.fixture
def make_function(client_libs: tuple[Path, str]):
    def make(task_root: Path, **overrides) -> Function:
        settings = {"name": "demo-dev", "task_root": task_root, "runtime_libs": client_libs[0], "timeout_s": 5,
                    "memory_mb": 256, "runtime_client": client_libs[1]}
        settings.update(overrides)
        return Function(**settings)

    return make
