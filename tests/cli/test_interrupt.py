"""Ctrl-C and SIGTERM in the middle of an AWS call: exit 130 / 143, one line saying how to finish (issue 11, item 2).

A real `shoehorn up` process; the fault proxy holds one AWS request so the signal lands while
the CLI waits on it. Re-running the same command then finishes the deploy.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from deploy.faultproxy import FaultProxy
from deployapp import shoehorn, spawn, tiny_app
from shoehorn.deploy.aws import Aws


@pytest.mark.parametrize(("signum", "code", "operation", "step"), [
    (signal.SIGINT, 130, "CreateFunction", "create Lambda function"),
    (signal.SIGTERM, 143, "CreateRestApi", "create REST API"),
])
def test_a_signal_mid_call_exits_with_its_code_and_says_how_to_finish(aws_env_shared, unique_name, tmp_path,
                                                                      signum, code, operation, step) -> None:
    app = tiny_app(tmp_path / "app", unique_name)
    with FaultProxy(aws_env_shared) as proxy:
        stall = proxy.stall(operation)
        process = spawn("up", "--no-check", "-C", str(app), env=dict(os.environ, AWS_ENDPOINT_URL=proxy.url))
        try:
            assert stall.reached.wait(120), f"the deploy never reached {operation}"
            process.send_signal(signum)
            out, err = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == code, err
    last = err.strip().splitlines()[-1]
    # independent steps run side by side: the stalled one is among those named as in progress
    assert last.startswith(f"interrupted ({signal.Signals(signum).name}) during: ") and step in last, err
    assert f"run `shoehorn up --no-check -C {app}` again to finish" in last
    assert "Traceback" not in err and out == ""

    again = shoehorn("up", "--no-check", "-C", str(app))
    assert again.returncode == 0, again.stderr
    assert Aws().call("lambda", "get_alias", FunctionName=f"{unique_name}-dev", Name="live")


def test_a_signal_after_the_command_has_finished_does_not_kill_it() -> None:
    # `up` printed a complete deploy, then a late SIGTERM/SIGINT ended the process: exit 143/130, no word
    code = ("import os, signal, sys\n"
            "sys.argv = ['shoehorn', '--version']\n"
            "from shoehorn.cli.app import run\n"
            "assert run(None) == 0\n"
            "os.kill(os.getpid(), signal.SIGTERM)\n"
            "os.kill(os.getpid(), signal.SIGINT)\n"
            "print('finished')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip().endswith("finished"), (done.returncode, done.stderr)


@pytest.mark.parametrize("operation", ["PublishVersion", "UpdateAlias"])
def test_an_interrupted_env_set_is_finished_by_running_it_again(aws_env_shared, unique_name, tmp_path,
                                                                operation) -> None:
    # QA: the re-run compared with $LATEST (already updated), said "nothing changed" and live never got the variable
    name = unique_name + operation.lower()[:6]
    app = tiny_app(tmp_path / "app", name)
    assert shoehorn("up", "--no-check", "-C", str(app)).returncode == 0
    with FaultProxy(aws_env_shared) as proxy:
        stall = proxy.stall(operation)
        process = spawn("env", "set", "FEATURE_X=on", "-C", str(app), env=dict(os.environ, AWS_ENDPOINT_URL=proxy.url))
        try:
            assert stall.reached.wait(120), f"env set never reached {operation}"
            process.send_signal(signal.SIGTERM)
            _, err = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 143, err
    assert f"run `shoehorn env set FEATURE_X=on -C {app}` again to finish" in err.strip().splitlines()[-1]
    listed = shoehorn("env", "list", "-C", str(app))
    assert "FEATURE_X" not in listed.stdout and "$LATEST (not live) holds other values for FEATURE_X" in listed.stderr

    again = shoehorn("env", "set", "FEATURE_X=on", "-C", str(app))
    assert again.returncode == 0, again.stderr
    assert "nothing changed" not in again.stdout and "live 1 -> 2" in again.stdout
    conf = Aws().call("lambda", "get_function_configuration", FunctionName=f"{name}-dev", Qualifier="live")
    assert conf["Environment"]["Variables"] == {"FEATURE_X": "on"}
    assert shoehorn("env", "list", "-C", str(app)).stdout.strip() == "FEATURE_X=********"
