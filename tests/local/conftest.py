from __future__ import annotations

from pathlib import Path

import pytest

from shoehorn.local import runtime_libs
from shoehorn.local.containers import Function


@pytest.fixture(scope="session")
def libs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return runtime_libs.ensure(tmp_path_factory.mktemp("cache"))


@pytest.fixture
def make_function(libs: Path):
    def make(task_root: Path, **overrides) -> Function:
        settings = {"name": "demo-dev", "task_root": task_root, "runtime_libs": libs, "timeout_s": 5, "memory_mb": 256}
        settings.update(overrides)
        return Function(**settings)

    return make
