"""`--local` and `shoehorn cloud` as commands: the credentials hint, status, stop."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cloud.conftest import clean_env, tiny_app


def _run(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "shoehorn", *args], env=env, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


def test_up_without_credentials_suggests_the_local_cloud(tmp_path) -> None:
    env = clean_env(tmp_path / "state", tmp_path / "missing") | {"AWS_REGION": "us-east-1"}
    done = _run(env, "up", "-C", str(tiny_app(tmp_path / "app", "nocreds")))
    assert done.returncode == 4
    assert "no AWS credentials found" in done.stderr and f"shoehorn up --local -C {tmp_path / 'app'}" in done.stderr
    assert "zip" not in done.stderr  # it fails before the build


@pytest.mark.parametrize("command", ["up", "plan"])
@pytest.mark.parametrize(("toml", "flags", "said"), [
    ('name = "typo"\nmemroy = 512\n', [], "memroy"),  # a key shoehorn.toml does not have
    ('name = "badwarm"\n', ["--warm", "5 parsecs"], "5 parsecs"),
])
def test_a_config_mistake_is_told_before_a_local_cloud_starts(tmp_path, command, toml, flags, said) -> None:
    app = tiny_app(tmp_path / "app", "typo")
    (app / "shoehorn.toml").write_text(toml)
    env = clean_env(tmp_path / "state", tmp_path / "missing")
    done = _run(env, command, "--local", "-C", str(app), *flags)
    assert done.returncode == 2 and said in done.stderr, done.stderr
    assert "started the local cloud" not in done.stderr
    assert not (tmp_path / "state" / "shoehorn" / "cloud.log").exists()  # nothing was started
    assert _run(env, "cloud", "status").returncode == 6


def test_plan_without_credentials_says_so_before_building(tmp_path) -> None:
    env = clean_env(tmp_path / "state", tmp_path / "missing") | {"AWS_REGION": "us-east-1"}
    done = _run(env, "plan", "-C", str(tiny_app(tmp_path / "app", "nocreds")))
    assert done.returncode == 4 and "no AWS credentials found" in done.stderr and "--local" in done.stderr
    assert "zip" not in done.stderr  # it fails before the build


def test_local_commands_without_a_running_cloud_say_how_to_start_one(tmp_path) -> None:
    env = clean_env(tmp_path / "state", tmp_path / "missing")
    done = _run(env, "status", "--local", "-C", str(tiny_app(tmp_path / "app", "nocloud")))
    assert done.returncode == 6 and "no local cloud is running" in done.stderr and "up --local" in done.stderr
    assert _run(env, "cloud", "status").returncode == 6


@pytest.mark.slow
def test_cloud_start_status_stop(tmp_path) -> None:
    env = clean_env(tmp_path / "state", tmp_path / "missing")
    started = _run(env, "cloud", "start")
    assert started.returncode == 0 and "started on http://127.0.0.1:" in started.stdout, started.stderr
    again = _run(env, "cloud", "start")
    assert "already running" in again.stdout
    status = _run(env, "cloud", "status")
    assert status.returncode == 0 and "runtime client" in status.stdout
    assert (tmp_path / "state" / "shoehorn" / "cloud.log").exists()
    stopped = _run(env, "cloud", "stop")
    assert stopped.returncode == 0 and "stopped the local cloud" in stopped.stdout
    # its cleanup ran (containers killed, their /tmp folders removed): uvicorn's re-raised SIGTERM ended it before
    assert "local cloud stopped" in (tmp_path / "state" / "shoehorn" / "cloud.log").read_text()
    # the next cloud writes a log of its own; the last one's is kept beside it
    assert _run(env, "cloud", "start").returncode == 0
    assert "local cloud stopped" not in (tmp_path / "state" / "shoehorn" / "cloud.log").read_text()
    assert "local cloud stopped" in (tmp_path / "state" / "shoehorn" / "cloud.log.1").read_text()
    assert _run(env, "cloud", "stop").returncode == 0
    assert _run(env, "cloud", "status").returncode == 6


@pytest.mark.slow
def test_the_local_cloud_ignores_the_users_aws_profile(tmp_path) -> None:
    """AWS_PROFILE names a real-AWS profile that is not on this machine (QA day 2, bug 6): the local
    cloud has its own credentials and region, so neither the commands nor the cloud may trip on it."""
    import httpx

    env = clean_env(tmp_path / "state", tmp_path / "missing") | {"AWS_PROFILE": "nope", "AWS_DEFAULT_PROFILE": "nope"}
    started = _run(env, "cloud", "start")  # the cloud process inherits the profile too
    assert started.returncode == 0, started.stderr
    try:
        url = started.stdout.split(" on ")[1].split()[0]
        # the gateway reads moto through the cloud's own AWS client: a missing API is execute-api's 403, not a 500
        answer = httpx.get(f"{url}/restapis/nosuchapi1/dev/_user_request_/", timeout=30)
        assert answer.status_code == 403, answer.text
        done = _run(env, "status", "--local", "-C", str(tiny_app(tmp_path / "app", "profiled")))
        assert done.returncode == 6 and "nothing deployed" in done.stderr, done.stderr  # not exit 4 for the profile
    finally:
        assert _run(env, "cloud", "stop").returncode == 0


@pytest.mark.slow
def test_cloud_start_replaces_a_state_file_of_the_wrong_shape(tmp_path) -> None:
    """QA day 2, bug 12: `{"url": 5, "pid": "x"}` in cloud.json made every cloud command an internal error."""
    env = clean_env(tmp_path / "state", tmp_path / "missing")
    (tmp_path / "state" / "shoehorn").mkdir(parents=True)
    (tmp_path / "state" / "shoehorn" / "cloud.json").write_text('{"url": 5, "pid": "x"}\n')
    started = _run(env, "cloud", "start")
    assert started.returncode == 0 and "started on http://127.0.0.1:" in started.stdout, started.stderr
    try:
        assert _run(env, "cloud", "status").returncode == 0
    finally:
        stopped = _run(env, "cloud", "stop")
    assert stopped.returncode == 0 and "stopped the local cloud" in stopped.stdout, stopped.stderr
