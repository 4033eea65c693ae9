"""``shoehorn run -- CMD``: a direct invocation of ``live`` with the command event; output and exit code back.

As in test_invoke.py, moto cannot run a function without Docker, so Lambda Invoke is answered
by the real adapter on the deployed app's code (LambdaRunner); --local runs a real container.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from shoehorn import adapt

try:
    from . import opskit
    from .test_invoke import LambdaRunner, load_app
except ImportError:
    import opskit
    from test_invoke import LambdaRunner, load_app


@pytest.fixture(scope="module")
def deployed(moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, LambdaRunner]]:
    with pytest.MonkeyPatch.context() as mp:
        opskit.point_at(mp, moto_server, tmp_path_factory.mktemp("aws-home"))
        opskit.reset(moto_server)
        directory = opskit.make_app(tmp_path_factory.mktemp("run") / "app", "runapp", 'timeout = 20\n')
        opskit.up(directory)
        with LambdaRunner(moto_server, adapt(load_app(directory))) as runner:
            mp.setenv("AWS_ENDPOINT_URL", runner.url)
            yield directory, runner


def test_run_invokes_live_directly_prints_the_output_and_exits_with_its_code(deployed) -> None:
    directory, runner = deployed
    runner.invocations.clear()
    code, out, err = opskit.run("run", "-C", str(directory), "--", "python", "-c",
                                "import sys; print('migrated'); print('oops', file=sys.stderr); sys.exit(4)")
    assert code == 4, err
    assert out.splitlines() == ["migrated", "oops"]
    assert "up to 20 s (the function's timeout)" in err
    (call,) = runner.invocations
    assert (call["function"], call["qualifier"]) == ("runapp-dev", "live")
    assert call["event"]["shoehorn"] == "command" and set(call["event"]) == {"shoehorn", "argv"}


def test_a_command_that_wanted_a_terminal_is_told_how_to_give_its_answers(deployed) -> None:
    # DRF's quickstart: `createsuperuser` without --noinput printed Django's "skipped" line and exited 0,
    # and the login then failed; input() read end of file with only a traceback
    directory, _ = deployed
    skipped = ("print('Superuser creation skipped due to not running in a TTY. You can run `manage.py "
               "createsuperuser` in your project to create one manually.')")
    code, out, err = opskit.run("run", "-C", str(directory), "--", "python", "-c", skipped)
    assert code == 0 and "skipped" in out  # the command's own answer, as it gave it
    said = " ".join(err.split())
    assert "no superuser was made" in said and "has none (Lambda gives a command no terminal)" in said
    assert f"`shoehorn env set DJANGO_SUPERUSER_PASSWORD=... -C {directory}`" in said
    assert "createsuperuser --noinput --username NAME --email EMAIL" in said
    code, _, err = opskit.run("run", "-C", str(directory), "--", "python", "-c", "input('Password: ')")
    assert code == 1 and "asked for input" in " ".join(err.split())
    code, _, err = opskit.run("run", "-C", str(directory), "--", "python", "-c", "print('fine')")
    assert code == 0 and "terminal" not in err


def _run_failing(directory, runner, message: str, error_type: str) -> tuple[int, str, str]:
    """`shoehorn run -- true` while the function answers with this error report."""
    runner.function_error, runner.error_type = message, error_type
    try:
        return opskit.run("run", "-C", str(directory), "--", "true")
    finally:
        runner.function_error, runner.error_type = None, "Runtime.ImportModuleError"


def test_an_app_that_fails_to_start_is_the_apps_error_not_the_shoehorn_version(deployed) -> None:
    # QA day 2, bug 7: an app that raised at import was blamed on the deployed shoehorn version (exit 5)
    directory, runner = deployed
    code, _, err = _run_failing(directory, runner, "DATABASE_URL is not set", "RuntimeError")
    assert code == 2, err
    assert "the app failed before the command could run: RuntimeError: DATABASE_URL is not set" in err
    assert "the app's own error" in err and "START RequestId" in err  # the log tail, with the traceback
    assert "version of shoehorn" not in err


def test_a_function_without_command_support_says_so(deployed) -> None:
    directory, runner = deployed
    code, _, err = _run_failing(directory, runner, "not an HTTP request", "NotHttpEvent")
    assert code == 5 and "could not run the command" in err and "predates `shoehorn run`" in err
    assert "to deploy this version of shoehorn's runtime" in err


@pytest.mark.slow
def test_run_local_runs_the_command_in_a_container_of_the_bundle(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import os\n\ndef app(environ, start_response):\n    pass\n")
    (tmp_path / "shoehorn.toml").write_text('[environment]\nGREETING = "hello"\n')
    script = ("import os, tempfile; print(os.environ['GREETING'], os.getcwd() == os.environ['LAMBDA_TASK_ROOT']);"
              "print(tempfile.gettempdir() != '/tmp'); raise SystemExit(7)")
    code, out, err = opskit.run("run", "--local", "-C", str(tmp_path), "--", "python", "-c", script)
    assert code == 7, err
    assert "hello True" in out and "True" in out.splitlines()[-1]
    assert sys.executable


def test_a_v_after_the_double_dash_is_the_commands_not_shoehorns(tmp_path: Path) -> None:
    # -v/--verbose works after the subcommand too, but what follows `--` is the command's own
    (tmp_path / "app.py").write_text("def app(environ, start_response):\n    pass\n")
    code, out, err = opskit.run("run", "--local", "-C", str(tmp_path), "--", "echo", "-v", "--verbose")
    assert code == 0, err
    assert "-v --verbose" in out.splitlines()


def test_the_local_door_takes_only_command_events_with_the_sessions_token(tmp_path: Path) -> None:
    import json

    import httpx

    from shoehorn.local.invoke_api import InvokeApi, running_session
    from shoehorn.local.runtime_api import Succeeded

    seen = []

    def invoke(event):
        seen.append(event)
        return Succeeded(json.dumps({"shoehorn": "command", "exit_code": 0, "output": "ok", "timed_out": False,
                                     "truncated": False, "timeout_s": 1.0}).encode()), None

    door = InvokeApi("app-dev", invoke, tmp_path / ".shoehorn")
    door.start()
    try:
        session = running_session(tmp_path / ".shoehorn")
        assert session is not None and session.url == door.url
        assert (tmp_path / ".shoehorn" / "dev-lambda.json").stat().st_mode & 0o777 == 0o600
        command = {"shoehorn": "command", "argv": ["true"]}
        assert httpx.post(door.url, json=command).status_code == 403  # no token: a web page cannot do this
        authorised = {"Authorization": f"Bearer {session.token}"}
        http_event = {"httpMethod": "GET", "path": "/", "requestContext": {}}
        assert httpx.post(door.url, json=http_event, headers=authorised).status_code == 400
        answer = httpx.post(door.url, json=command, headers=authorised)
        assert answer.status_code == 200 and answer.json()["output"] == "ok" and seen == [command]
    finally:
        door.stop()
    assert running_session(tmp_path / ".shoehorn") is None


@pytest.mark.slow
def test_run_local_runs_in_the_containers_of_a_running_dev_lambda(tmp_path: Path) -> None:
    from tests.local.servers import free_port, start

    app = tmp_path / "app"
    app.mkdir()
    (app / "app.py").write_text("import os, tempfile\n\n"
                                "def app(environ, start_response):\n"
                                "    open(os.path.join(tempfile.gettempdir(), 'warmed'), 'w').close()\n"
                                "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
                                "    return [b'ok']\n")
    port = free_port()
    server = start([sys.executable, "-m", "shoehorn", "dev", "--lambda", "--no-reload", "--port", str(port),
                    "-C", str(app)], tmp_path / "dev.log", f"http://127.0.0.1:{port}/dev/",
                   probe=f"http://127.0.0.1:{port}/dev/", cwd=tmp_path)
    try:
        code, out, err = opskit.run("run", "--local", "-C", str(app), "--", "python", "-c",
                                    "import os; print(os.path.exists(os.path.join(os.environ['TMPDIR'], 'warmed')))")
    finally:
        server.stop()
    assert code == 0, err
    assert "running `shoehorn dev --lambda`" in " ".join(err.split())
    assert out.strip() == "True"  # the container the request above warmed up (its own /tmp)
    assert server.output().count("START RequestId") == 2  # the request, then the command
    assert not (app / ".shoehorn" / "dev-lambda.json").exists()  # the door closes with the session


@pytest.mark.slow
def test_run_local_sizes_tmp_from_ephemeral_storage(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def app(environ, start_response):\n    pass\n")
    # a 600 MB sparse file (no disk used) in the container's /tmp: past 512 MB, within 1024 MB
    script = ("import os, tempfile; f = open(os.path.join(tempfile.gettempdir(), 'big'), 'wb');"
              "f.truncate(600 * 1024 * 1024); f.close()")
    (tmp_path / "shoehorn.toml").write_text("ephemeral_storage = 1024\n")
    code, _, err = opskit.run("run", "--local", "-C", str(tmp_path), "--", "python", "-c", script)
    assert code == 0, err
    assert "/tmp holds" not in err
    (tmp_path / "shoehorn.toml").write_text("")
    code, _, err = opskit.run("run", "--local", "-C", str(tmp_path), "--", "python", "-c", script)
    assert code == 0, err
    assert "/tmp holds 600 MB" in " ".join(err.split()) and "is 512 MB here" in " ".join(err.split())
