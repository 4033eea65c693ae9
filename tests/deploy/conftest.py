"""Deploy-room fixtures on top of tests/conftest.py's moto server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deploy.faultproxy import FaultProxy
from shoehorn.deploy.aws import Aws
from shoehorn.progress import Recorder


class FakeClock:
    """An injected clock and sleep: retries run instantly and the delays are recorded."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def aws(aws_env_shared: str, clock: FakeClock, recorder: Recorder) -> Aws:
    """An Aws door on the moto server with an instant, recorded sleep."""
    return Aws(progress=recorder, sleep=clock.sleep, clock=clock)


@pytest.fixture
def proxy(aws_env_shared: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultProxy]:
    """A fault-injecting proxy in front of moto; AWS_ENDPOINT_URL points at it for this test."""
    with FaultProxy(aws_env_shared) as running:
        monkeypatch.setenv("AWS_ENDPOINT_URL", running.url)
        yield running


@pytest.fixture
def new_aws(aws_env_shared: str, clock: FakeClock, recorder: Recorder):
    """A factory for fresh Aws doors (fresh counters), as each CLI run would have."""
    return lambda: Aws(progress=recorder, sleep=clock.sleep, clock=clock)


@pytest.fixture
def app_config(unique_name: str):
    from deploy.kit import make_config

    return make_config(name=unique_name, environment={"SECRET": "hunter2"})


@pytest.fixture
def app_bundle(tmp_path):
    from deploy.kit import make_bundle

    return make_bundle(tmp_path)


@pytest.fixture
def deployed(new_aws, app_config, app_bundle):
    """A first `up` of a small app; returns its Result."""
    from shoehorn import deploy

    return deploy.up(app_config, app_bundle, new_aws())
