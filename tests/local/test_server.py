"""`shoehorn dev` (the plain web server): real uvicorn subprocesses on tmp copies of the examples."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import httpx
import pytest

from shoehorn.local.server import RELOAD_INCLUDES, is_asgi
from tests.local.servers import free_port, start

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
LAUNCH_SERVER = """
import sys
from pathlib import Path
from shoehorn.config import Config
from shoehorn.local.server import serve

directory, port, reload = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "reload"
try:
    serve(Config(directory=directory, name="demo", stage="dev", app="app:app", environment={"GREETING": "hi"}),
          host="127.0.0.1", port=port, reload=reload)
except KeyboardInterrupt:
    sys.exit(130)
"""
NEW_ROUTE = {
    "flask_app": '\n\n@app.get("/reloaded")\ndef reloaded():\n    return {"reloaded": True}\n',
    "fastapi_app": '\n\n@app.get("/reloaded")\ndef reloaded() -> dict:\n    return {"reloaded": True}\n',
}
PROBE = {"flask_app": "/api/notes", "fastapi_app": "/items"}


def _text(url: str) -> str:
    try:
        return httpx.get(url).text
    except httpx.TransportError:
        return ""  # the worker is restarting


def test_asgi_and_wsgi_apps_are_told_apart():
    async def asgi(scope, receive, send): ...

    def wsgi(environ, start_response): ...

    class AsgiApp:
        async def __call__(self, scope, receive, send): ...

    assert is_asgi(asgi) and is_asgi(AsgiApp())
    assert not is_asgi(wsgi)


def _dev_app(tmp_path, monkeypatch, module: str, source: str):
    """What `shoehorn dev`'s worker serves for ``module:app`` written from ``source``."""
    from shoehorn.local import server

    (tmp_path / f"{module}.py").write_text(source)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(tmp_path)  # uvicorn's --app-dir, in the real worker
    monkeypatch.setenv(server.APP_ENV, f"{module}:app")
    monkeypatch.delenv(server.DJANGO_ENV, raising=False)
    return server.load_app()


def test_an_app_of_unknown_interface_is_the_app_s_error_not_shoehorn_s(tmp_path, monkeypatch):
    # `dev --no-reload` ended in "internal error: ... please report it" for a Dash app named for itself
    from shoehorn.errors import AppCodeError

    source = ("from flask import Flask\nclass Dash:\n    server = Flask('site')\n"
              "    def __call__(self, *args): ...\napp = Dash()\n")
    with pytest.raises(AppCodeError, match="server"):
        _dev_app(tmp_path, monkeypatch, "dev_dash_like", source)


def _request(app, method: str, **options) -> httpx.Response:
    import asyncio

    async def send() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
            return await client.request(method, "/", **options)

    return asyncio.run(send())


def test_a_chunked_upload_reaches_a_werkzeug_app_whole_as_under_gunicorn(tmp_path, monkeypatch):
    app = _dev_app(tmp_path, monkeypatch, "chunked_app",
                   "from werkzeug.wrappers import Request, Response\n"
                   "def app(environ, start_response):\n"
                   "    return Response(str(len(Request(environ).get_data())))(environ, start_response)\n")

    async def chunks():
        for _ in range(3):
            yield b"x" * 1000

    response = _request(app, "POST", content=chunks())
    assert "content-length" not in response.request.headers and response.text == "3000"


def test_wsgi_apps_do_not_see_headers_with_underscores_as_once_deployed(tmp_path, monkeypatch):
    app = _dev_app(tmp_path, monkeypatch, "underscored_app",
                   "def app(environ, start_response):\n"
                   "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
                   "    return [environ.get('HTTP_X_FORWARDED_FOR', '-').encode()]\n")
    response = _request(app, "GET", headers={"X-Forwarded-For": "203.0.113.1", "X_Forwarded_For": "6.6.6.6"})
    assert response.text == "203.0.113.1"


@pytest.mark.slow
@pytest.mark.parametrize("example", ["flask_app", "fastapi_app"])
def test_dev_serves_the_example_reloads_on_change_and_stops_on_ctrl_c(example, tmp_path):
    app_dir = tmp_path / example
    shutil.copytree(EXAMPLES / example, app_dir, ignore=shutil.ignore_patterns("__pycache__"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-c", LAUNCH_SERVER, str(app_dir), str(port), "reload"]
    server = start(command, tmp_path / "server.log", url, probe=url + PROBE[example], cwd=tmp_path)
    try:
        assert httpx.get(url + PROBE[example]).status_code == 200
        assert httpx.get(url + "/reloaded").status_code == 404
        time.sleep(0.3)  # mtime granularity: the reloader must see a newer file than at start
        with (app_dir / "app.py").open("a") as source:
            source.write(NEW_ROUTE[example])
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(url + "/reloaded").status_code == 200:
                    break
            except httpx.TransportError:
                pass  # the worker is restarting
            assert time.monotonic() < deadline, server.output()
            time.sleep(0.1)
        assert httpx.get(url + "/reloaded").json() == {"reloaded": True}
        if example == "flask_app":  # a template change restarts the worker too
            index = app_dir / "templates" / "index.html"
            assert "template-reloaded" not in _text(url + "/")  # now cached by this worker's Jinja
            index.write_text(index.read_text().replace("{% block content %}", "{% block content %}<!-- template-reloaded -->", 1))
            deadline = time.monotonic() + 20
            while "template-reloaded" not in _text(url + "/"):
                assert time.monotonic() < deadline, server.output()
                time.sleep(0.1)
        # the build cache is not watched: writing into it restarts nothing
        restarts = server.output().count("Started server process")
        (app_dir / ".shoehorn" / "lambda").mkdir(parents=True, exist_ok=True)
        (app_dir / ".shoehorn" / "lambda" / "dep.py").write_text("x = 1\n")
        time.sleep(1.0)
        assert server.output().count("Started server process") == restarts
    finally:
        code = server.stop()
    assert code in (0, -2, 130)
    log = server.output()
    assert "Traceback" not in log
    assert "Reloading" in log or "change" in log.lower()
    with pytest.raises(httpx.TransportError):
        httpx.get(url + PROBE[example], timeout=2)


def _median_keep_alive_seconds(client: httpx.Client, url: str, requests: int) -> float:
    timings = []
    for _ in range(requests):
        began = time.perf_counter()
        assert client.get(url).status_code == 200
        timings.append(time.perf_counter() - began)
    return sorted(timings)[len(timings) // 2]


def test_reload_serves_kept_alive_requests_as_fast_as_no_reload(tmp_path):
    # Before the fix each request on a reused connection waited ~40 ms with reload on (Nagle's
    # algorithm against the client's delayed ACK) against ~1-2 ms without: a ratio of 20x or more.
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    (app_dir / "app.py").write_text(
        "def app(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'application/json')])\n"
        "    return [b'{\"ok\": true}']\n"
    )
    servers = {}
    try:
        for mode in ("reload", "no-reload"):
            port = free_port()
            url = f"http://127.0.0.1:{port}/"
            command = [sys.executable, "-c", LAUNCH_SERVER, str(app_dir), str(port), mode]
            servers[mode] = (start(command, tmp_path / f"{mode}.log", url, probe=url, cwd=tmp_path), url)
        medians = {mode: [] for mode in servers}
        with httpx.Client() as reload_client, httpx.Client() as plain_client:
            clients = {"reload": reload_client, "no-reload": plain_client}
            for _ in range(3):  # interleaved rounds: a busy machine slows both alike
                for mode, (_, url) in servers.items():
                    medians[mode].append(_median_keep_alive_seconds(clients[mode], url, 15))
        reload_time, plain_time = min(medians["reload"]), min(medians["no-reload"])
        assert reload_time < 3 * plain_time, (
            f"kept-alive request with reload {reload_time * 1000:.1f} ms, without {plain_time * 1000:.1f} ms"
        )
    finally:
        for server, _ in servers.values():
            server.stop()


def test_a_change_to_an_openapi_spec_or_a_yaml_config_reloads_the_app():
    # Connexion routes from openapi.yaml (read at import): an edited spec kept serving the old routes under
    # `shoehorn dev`, where Connexion's own app.run() reloads on it; Emmett reads its config/*.yml at import too.
    # (uvicorn's reload filter matches each changed path with Path.match against these patterns)
    for name in ("openapi.yaml", "spec/swagger.yml", "config/app.yml"):
        assert any(Path(name).match(pattern) for pattern in RELOAD_INCLUDES), name


def test_a_port_in_use_is_reported_with_the_fix():
    from shoehorn.errors import LocalError
    from shoehorn.local.server import listen

    with listen("127.0.0.1", 0) as held:
        held.listen()
        with pytest.raises(LocalError, match="cannot listen on 127.0.0.1") as caught:
            listen("127.0.0.1", held.getsockname()[1])
    assert "--port" in caught.value.hint


def test_a_virtualenv_of_any_name_is_not_watched_and_urls_and_colours_follow_the_host_and_no_color(tmp_path, monkeypatch):
    # QA: a virtualenv named env/ was watched; NO_COLOR left uvicorn's colours on; ::1 printed without brackets
    from shoehorn.local.server import colors, reload_excludes, url

    (tmp_path / "env").mkdir()
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (tmp_path / "templates").mkdir()
    (tmp_path / ".venv").mkdir()
    assert reload_excludes(tmp_path) == [str(tmp_path / ".venv"), str(tmp_path / "env")]
    assert url("::1", 8109) == "http://[::1]:8109/" and url("127.0.0.1", 80) == "http://127.0.0.1:80/"
    monkeypatch.setenv("NO_COLOR", "1")
    assert colors() is False
    monkeypatch.delenv("NO_COLOR")
    assert colors() is None
