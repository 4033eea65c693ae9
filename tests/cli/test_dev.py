"""`shoehorn dev` and `shoehorn dev --lambda` as a developer runs them: real subprocesses, Ctrl-C."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.local.servers import free_port, start
from tests.pythons import others, without_python

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SHOEHORN = [sys.executable, "-m", "shoehorn"]


def _copy(example: str, into: Path) -> Path:
    return Path(shutil.copytree(EXAMPLES / example, into / example, ignore=shutil.ignore_patterns("__pycache__", ".shoehorn")))


@pytest.mark.slow
def test_dev_prints_the_url_serves_the_app_and_stops_on_ctrl_c(tmp_path):
    app_dir = _copy("flask_app", tmp_path)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start([*SHOEHORN, "dev", "-C", str(app_dir), "--port", str(port), "--no-reload"],
                   tmp_path / "dev.log", url, probe=url + "/api/notes", cwd=tmp_path)
    try:
        response = httpx.get(url + "/api/notes")
        assert response.status_code == 200 and "count" in response.json()
    finally:
        code = server.stop()
    assert code == 0  # Ctrl-C is how a server stops: not "interrupted"
    log = server.output()
    assert f"http://127.0.0.1:{port}/" in log
    assert "Traceback" not in log


def _has_build() -> bool:
    import shoehorn.bundle

    return hasattr(shoehorn.bundle, "build")


@pytest.mark.slow
@pytest.mark.skipif(not _has_build(), reason="shoehorn.bundle.build (the packager's contract) has not landed yet")
def test_dev_lambda_builds_the_bundle_and_answers_through_it(tmp_path):
    app_dir = _copy("fastapi_app", tmp_path)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start([*SHOEHORN, "dev", "--lambda", "-C", str(app_dir), "--port", str(port), "--concurrency", "2"],
                   tmp_path / "lambda.log", base + "/dev", probe=base + "/__probe__", cwd=tmp_path, timeout=180)
    try:
        items = httpx.get(base + "/dev/items", timeout=30)
        assert items.status_code == 200 and items.json()[0]["name"] == "hammer"
        whoami = httpx.get(base + "/dev/whoami", timeout=30).json()
        assert whoami["root_path"] == "/dev"  # the stage prefix, as on execute-api
        assert whoami["item_url"] == f"{base}/dev/items/1"  # absolute URLs point back at the emulator
    finally:
        code = server.stop()
    assert code == 0  # Ctrl-C is how a server stops: not "interrupted"
    log = server.output()
    assert f"{base}/dev/" in log
    assert "REPORT RequestId: " in log and "Init Duration" in log
    assert "Traceback" not in log


def test_dev_lambda_refuses_a_bundle_for_another_python_and_offers_local_platform(tmp_path):
    app_dir = _copy("flask_app", tmp_path)
    other = "python3.12" if sys.version_info[:2] != (3, 12) else "python3.13"
    (app_dir / "shoehorn.toml").write_text(f'runtime = "{other}"\n')
    env = without_python(other, tmp_path / "nowhere")  # (with one, the real bundle runs on it: the test below)
    done = subprocess.run([*SHOEHORN, "dev", "--lambda", "-C", str(app_dir)], capture_output=True, text=True, timeout=60,
                          env=env)
    assert done.returncode == 7, done.stderr
    assert other in done.stderr and "--local-platform" in done.stderr


def test_dev_lambda_rejects_an_unknown_event_source(tmp_path):
    app_dir = _copy("flask_app", tmp_path)
    done = subprocess.run([*SHOEHORN, "dev", "--lambda", "--source", "sqs", "-C", str(app_dir)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "sqs" in done.stderr and "rest" in done.stderr


@pytest.mark.parametrize("lambda_flag", [[], ["--lambda"]])
def test_dev_on_a_busy_port_says_so_before_building_and_exits_7(tmp_path, lambda_flag):
    # dev --lambda built the bundle, then uvicorn printed its own bind error and the exit said "build failed" (3)
    import socket

    app_dir = _copy("flask_app", tmp_path)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = subprocess.run([*SHOEHORN, "dev", *lambda_flag, "--port", str(port), "-C", str(app_dir)],
                              capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 7, done.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "another server holds the port" in done.stderr
    assert not list(app_dir.glob(".shoehorn/**/*.zip"))  # nothing was built


@pytest.mark.parametrize("port", ["0", "70000", "-1"])
def test_dev_refuses_a_port_out_of_range(tmp_path, port):
    done = subprocess.run([*SHOEHORN, "dev", "--port", port, "-C", str(tmp_path)], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and "--port" in done.stderr and "internal error" not in done.stderr


@pytest.mark.slow
@pytest.mark.skipif(not _has_build(), reason="shoehorn.bundle.build (the packager's contract) has not landed yet")
def test_dev_lambda_local_platform_emulates_another_python_and_says_so(tmp_path):
    app_dir = tmp_path / "tiny"
    app_dir.mkdir()
    (app_dir / "app.py").write_text(
        "def app(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [b'tiny']\n"
    )
    other = "python3.12" if sys.version_info[:2] != (3, 12) else "python3.13"
    (app_dir / "shoehorn.toml").write_text(f'runtime = "{other}"\n')
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [*SHOEHORN, "dev", "--lambda", "--local-platform", "-C", str(app_dir), "--port", str(port)]
    server = start(command, tmp_path / "lambda.log", base + "/dev", probe=base + "/__probe__", cwd=tmp_path, timeout=120,
                   env=without_python(other, tmp_path / "nowhere"))
    try:
        response = httpx.get(base + "/dev/", timeout=30)
    finally:
        server.stop()
    assert response.status_code == 200 and response.text == "tiny"
    log = server.output()
    assert "LOCAL-PLATFORM" in log and other in log


@pytest.mark.slow
@pytest.mark.skipif(not _has_build(), reason="shoehorn.bundle.build (the packager's contract) has not landed yet")
def test_dev_lambda_runs_another_pythons_bundle_on_that_python_when_the_machine_has_one(tmp_path):
    if not others():
        pytest.skip("this machine has no CPython for another Lambda runtime")
    runtime, interpreter = others()[0]
    app_dir = tmp_path / "tiny"
    app_dir.mkdir()
    (app_dir / "app.py").write_text(
        "import sys\n"
        "def app(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [sys.executable.encode()]\n"
    )
    (app_dir / "shoehorn.toml").write_text(f'runtime = "{runtime}"\n')
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [*SHOEHORN, "dev", "--lambda", "-C", str(app_dir), "--port", str(port)]  # no --local-platform
    server = start(command, tmp_path / "lambda.log", base + "/dev", probe=base + "/__probe__", cwd=tmp_path, timeout=120)
    try:
        response = httpx.get(base + "/dev/", timeout=30)
    finally:
        server.stop()
    assert response.status_code == 200 and response.text == interpreter
    log = server.output()
    assert "LOCAL-PLATFORM" not in log and f"{runtime} " in log and interpreter in log, log


@pytest.mark.slow
@pytest.mark.skipif(not _has_build(), reason="shoehorn.bundle.build (the packager's contract) has not landed yet")
def test_dev_lambda_shows_a_missing_dependency_as_lambda_would(tmp_path):
    app_dir = tmp_path / "needs_flask"
    app_dir.mkdir()
    (app_dir / "app.py").write_text(
        "import flask  # installed for the developer, not listed in requirements.txt\n\n"
        "def app(environ, start_response):\n"
        "    start_response('200 OK', [])\n"
        "    return [b'unreachable']\n"
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [*SHOEHORN, "dev", "--lambda", "-C", str(app_dir), "--port", str(port)]
    server = start(command, tmp_path / "lambda.log", base + "/dev", probe=base + "/__probe__", cwd=tmp_path, timeout=120)
    try:
        response = httpx.get(base + "/dev/", timeout=30)
    finally:
        server.stop()
    assert response.status_code == 502 and response.json() == {"message": "Internal server error"}
    log = server.output()
    assert "Runtime.ImportModuleError" in log and "No module named 'flask'" in log


@pytest.mark.slow
@pytest.mark.skipif(not _has_build(), reason="shoehorn.bundle.build (the packager's contract) has not landed yet")
def test_dev_lambda_caps_containers_at_the_configured_concurrency(tmp_path):
    app_dir = tmp_path / "capped"
    app_dir.mkdir()
    (app_dir / "app.py").write_text(
        "import time\n\n"
        "def app(environ, start_response):\n"
        "    time.sleep(1.0)\n"
        "    start_response('200 OK', [])\n"
        "    return [b'slow']\n"
    )
    (app_dir / "shoehorn.toml").write_text("concurrency = 2\n")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [*SHOEHORN, "dev", "--lambda", "-C", str(app_dir), "--port", str(port)]
    server = start(command, tmp_path / "lambda.log", base + "/dev", probe=base + "/__probe__", cwd=tmp_path, timeout=120)
    try:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(6) as pool:
            statuses = list(pool.map(lambda _: httpx.get(base + "/dev/", timeout=30).status_code, range(6)))
    finally:
        server.stop()
    assert statuses.count(500) >= 2 and set(statuses) <= {200, 500}  # REST answers a throttled Lambda 500
    log = server.output()
    assert "up to 2 containers" in log and log.count("Init Duration:") <= 2


@pytest.mark.slow
@pytest.mark.skipif(not _has_build(), reason="shoehorn.bundle.build (the packager's contract) has not landed yet")
def test_dev_lambda_follows_code_changes_and_survives_a_broken_config(tmp_path):
    import time

    app_dir = tmp_path / "live"
    app_dir.mkdir()
    source = "def app(environ, start_response):\n    start_response('200 OK', [])\n    return [b'{}']\n"
    (app_dir / "app.py").write_text(source.format("v1"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [*SHOEHORN, "dev", "--lambda", "-C", str(app_dir), "--port", str(port)]
    server = start(command, tmp_path / "lambda.log", base + "/dev", probe=base + "/__probe__", cwd=tmp_path, timeout=120)

    def answer_becomes(text: str) -> bool:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if httpx.get(base + "/dev/", timeout=30).text == text:
                return True
            time.sleep(0.3)
        return False

    try:
        assert httpx.get(base + "/dev/", timeout=30).text == "v1"
        (app_dir / "app.py").write_text(source.format("v2"))
        assert answer_becomes("v2"), server.output()
        (app_dir / "shoehorn.toml").write_text("memroy = 256\n")  # a typo: reported, v2 keeps serving
        deadline = time.monotonic() + 30
        while "rebuild failed" not in server.output() and time.monotonic() < deadline:
            time.sleep(0.3)
        assert httpx.get(base + "/dev/", timeout=30).text == "v2"
    finally:
        server.stop()
    log = server.output()
    assert "reloaded after a change to app.py (rebuilt in" in log
    assert "rebuild failed, still serving the previous bundle" in log and "memroy" in log
    assert len([p for p in (app_dir / ".shoehorn" / "lambda").iterdir() if not p.name.startswith(".")]) <= 2  # old bundles pruned


def _dev_that_exits(app_dir, reload: bool) -> subprocess.CompletedProcess:
    """`shoehorn dev` on an app it refuses to serve (it must exit by itself), with or without reload."""
    command = [*SHOEHORN, "dev", "-C", str(app_dir), "--port", str(free_port())] + ([] if reload else ["--no-reload"])
    return subprocess.run(command, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("reload", [False, True])
def test_dev_reports_an_error_in_the_app_with_file_and_line_and_exits_2(tmp_path, reload):
    (tmp_path / "app.py").write_text("import os\n\napp = os.enviro\n")
    done = _dev_that_exits(tmp_path, reload)
    assert done.returncode == 2, done.stderr
    assert "app.py:3: AttributeError" in done.stderr and "internal error" not in done.stderr
    assert "serving" not in done.stdout  # no URL for an app that does not load


@pytest.mark.slow
def test_dev_serves_a_factory_from_the_app_directory(tmp_path):
    (tmp_path / "greeter").mkdir()
    (tmp_path / "greeter" / "__init__.py").write_text(
        "from pathlib import Path\n"
        "def create_app(greeting='hi'):\n"
        "    def app(environ, start_response):\n"
        "        start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "        return [greeting.encode(), Path('data.txt').read_bytes()]\n"  # relative to -C DIR
        "    return app\n")
    (tmp_path / "data.txt").write_text("!")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    server = start([*SHOEHORN, "dev", "-C", str(tmp_path), "--port", str(port), "--no-reload"],
                   tmp_path.parent / f"{tmp_path.name}-dev.log", url, probe=url, cwd=tmp_path.parent)
    try:
        assert httpx.get(url).text == "hi!"
    finally:
        server.stop()


def _wait_for(predicate, server, seconds: float = 30) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, server.output()
        time.sleep(0.2)


def _answer(url: str) -> str:
    try:
        return httpx.get(url, timeout=10).text
    except httpx.TransportError:
        return ""  # the worker is restarting


@pytest.mark.slow
def test_dev_applies_an_edited_config_and_keeps_serving_through_a_broken_one(tmp_path):
    # QA: the worker restarted on a code change but kept the environment and app the session began with
    import time

    app_dir = tmp_path / "configured"
    app_dir.mkdir()
    (app_dir / "app.py").write_text(
        "import os\n\n"
        "def answer(name):\n"
        "    def app(environ, start_response):\n"
        "        start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "        return [f\"{name}:{os.environ.get('GREETING', '-')}\".encode()]\n"
        "    return app\n\n"
        "app = answer('app')\nother = answer('other')\n")
    toml = app_dir / "shoehorn.toml"
    toml.write_text('app = "app:app"\n[environment]\nGREETING = "one"\n')
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    server = start([*SHOEHORN, "dev", "-C", str(app_dir), "--port", str(port)], tmp_path / "dev.log", url, probe=url,
                   cwd=tmp_path)
    try:
        assert httpx.get(url).text == "app:one"
        time.sleep(0.3)  # mtime granularity
        toml.write_text('app = "app:app"\n[environment]\nGREETING = "two"\n')
        _wait_for(lambda: _answer(url) == "app:two", server)
        toml.write_text('app = "app:other"\n')  # GREETING removed: gone from the new worker
        _wait_for(lambda: _answer(url) == "other:-", server)
        toml.write_text('app = "app:other"\nmemroy = 256\n')  # a typo: reported, the running worker stays
        _wait_for(lambda: "reload failed, still serving the previous app" in server.output(), server)
        assert httpx.get(url).text == "other:-"
    finally:
        server.stop()
    assert "memroy" in server.output()


@pytest.mark.parametrize("lambda_flag", [["--no-reload"]])
def test_dev_no_reload_on_a_busy_port_exits_7_before_importing_the_app(tmp_path, lambda_flag):
    # uvicorn.run bound the port after importing the app and exited 3 ("build failed")
    test_dev_on_a_busy_port_says_so_before_building_and_exits_7(tmp_path, lambda_flag)


LIFESPAN_APP = """
from contextlib import asynccontextmanager
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

@asynccontextmanager
async def lifespan(app):
    raise RuntimeError("cannot connect to database")
    yield

app = Starlette(routes=[Route("/", lambda request: PlainTextResponse("up"))], lifespan=lifespan)
"""


def test_dev_no_reload_exits_2_when_the_apps_startup_fails(tmp_path):
    (tmp_path / "app.py").write_text(LIFESPAN_APP)
    done = subprocess.run([*SHOEHORN, "dev", "-C", str(tmp_path), "--port", str(free_port()), "--no-reload"],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2, done.stderr
    assert "the app's startup failed: RuntimeError: cannot connect to database" in done.stderr


@pytest.mark.parametrize("reload", [False, True])
def test_dev_exits_2_when_the_app_is_not_callable(tmp_path, reload):
    (tmp_path / "app.py").write_text("app = 42\n")
    done = _dev_that_exits(tmp_path, reload)
    assert done.returncode == 2, done.stderr
    assert "app:app is int 42, not a WSGI or ASGI app" in done.stderr


@pytest.mark.slow
def test_dev_answers_500_naming_a_failed_startup_and_recovers_on_the_next_change(tmp_path):
    # with reload, uvicorn's worker exited and every request hung on the supervisor's socket
    import time

    (tmp_path / "app.py").write_text(LIFESPAN_APP)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    server = start([*SHOEHORN, "dev", "-C", str(tmp_path), "--port", str(port)], tmp_path.parent / "dev.log", url,
                   probe=url, cwd=tmp_path.parent)
    try:
        failed = httpx.get(url, timeout=10)
        assert failed.status_code == 500 and "cannot connect to database" in failed.text
        assert "restarts on the next file change" in failed.text
        time.sleep(0.3)  # mtime granularity
        (tmp_path / "app.py").write_text(LIFESPAN_APP.replace('raise RuntimeError("cannot connect to database")', "pass"))
        _wait_for(lambda: _answer(url) == "up", server)
    finally:
        server.stop()


@pytest.mark.slow
@pytest.mark.skipif(not _has_build(), reason="shoehorn.bundle.build (the packager's contract) has not landed yet")
def test_dev_lambda_shows_the_configs_warnings_at_start_and_when_an_edit_changes_them(tmp_path):
    # QA: `build` warned about a timeout API Gateway cuts at 29 s; `dev --lambda` said nothing
    import time

    app_dir = tmp_path / "slowish"
    app_dir.mkdir()
    (app_dir / "app.py").write_text("def app(environ, start_response):\n    start_response('200 OK', [])\n"
                                    "    return [b'ok']\n")
    (app_dir / "shoehorn.toml").write_text("timeout = 40\n")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [*SHOEHORN, "dev", "--lambda", "-C", str(app_dir), "--port", str(port)]
    server = start(command, tmp_path / "lambda.log", base + "/dev", probe=base + "/__probe__", cwd=tmp_path, timeout=120)
    try:
        assert "timeout = 40 s" in server.output() and "after 29 s" in server.output()
        time.sleep(0.3)  # mtime granularity
        (app_dir / "shoehorn.toml").write_text("timeout = 50\n")
        _wait_for(lambda: "timeout = 50 s" in server.output(), server, 60)
    finally:
        server.stop()
    assert server.output().count("timeout = 40 s") == 1  # said once, not again at each rebuild


@pytest.mark.parametrize("reload", [False, True])
def test_dev_refuses_an_app_that_starts_its_own_server_at_import(tmp_path, reload):
    # importing it (the reload probe, or the server itself) would serve on its own port and never return
    (tmp_path / "app.py").write_text("from bottle import Bottle, run\napp = Bottle()\nrun(app, port=8080)\n")
    done = _dev_that_exits(tmp_path, reload)
    assert done.returncode == 2, done.stderr
    assert "app.py:3 starts a web server" in done.stderr and "serving" not in done.stdout
