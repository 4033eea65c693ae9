"""Priming and the app's startup run at import of the generated handler (Lambda's init phase)."""

from __future__ import annotations

import logging
import runpy
import sys

import pytest

from shoehorn.bundle import shim
from shoehorn.runtime import prime
from shoehorn.runtime.errors import LifespanFailed
from shoehorn.runtime.events import find_source, rest

# An ASGI app that records, in order, its lifespan startup and every request it serves.
ASGI_APP = '''
events = []

async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        message = await receive()
        if FAIL_STARTUP:
            await send({"type": "lifespan.startup.failed", "message": "no database"})
            return
        events.append("startup")
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await send({"type": "lifespan.shutdown.complete"})
        return
    events.append(scope["path"] + ("?" + scope["query_string"].decode() if scope["query_string"] else ""))
    if scope["path"] == "/boom":
        raise RuntimeError("the app broke")
    status = 404 if scope["path"] == "/missing" else 200
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})
'''


def _load(tmp_path, monkeypatch, *, prime_paths=(), fail_startup=False, name="primed_app"):
    (tmp_path / f"{name}.py").write_text(f"FAIL_STARTUP = {fail_startup}\n" + ASGI_APP)
    handler_file = tmp_path / f"handler_{name}.py"
    handler_file.write_text(shim.source(f"{name}:app", prime=tuple(prime_paths)))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, name, raising=False)
    namespace = runpy.run_path(str(handler_file))  # what Lambda's init does: import the handler module
    return namespace["handler"], sys.modules[name].events


def _get(handler, path):
    return handler(prime.event(path), None)


def test_the_priming_event_is_a_rest_event_for_exactly_that_path() -> None:
    event = prime.event("/search/a%20b?q=x&q=y&empty=")
    assert find_source(event) is rest
    request = rest.read(event)
    # as a client's GET /search/a%20b arrives: percent-decoded path, the raw one kept
    assert (request.method, request.root_path, request.path) == ("GET", "", "/search/a b")
    assert request.raw_path == b"/search/a%20b"
    assert request.query_string == b"q=x&q=y&empty="
    assert rest.read(prime.event("/")).path == "/"


def test_lifespan_startup_then_priming_run_at_import_and_the_first_request_is_warm(tmp_path, monkeypatch) -> None:
    handler, events = _load(tmp_path, monkeypatch, prime_paths=("/healthz", "/items?page=2"))
    # before any real request: the app started, then answered both priming requests, in order
    assert events == ["startup", "/healthz", "/items?page=2"]
    assert handler.started
    assert _get(handler, "/real")["statusCode"] == 200
    assert events == ["startup", "/healthz", "/items?page=2", "/real"]  # startup ran once, at init


def test_without_priming_the_startup_still_runs_at_import(tmp_path, monkeypatch) -> None:
    handler, events = _load(tmp_path, monkeypatch, name="unprimed_app")
    assert events == ["startup"] and handler.started


def test_a_failing_or_missing_priming_route_is_logged_and_init_goes_on(tmp_path, monkeypatch, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="shoehorn.runtime"):
        handler, events = _load(tmp_path, monkeypatch, prime_paths=("/boom", "/missing", "/ok"), name="broken_app")
    assert events == ["startup", "/boom", "/missing", "/ok"]  # every priming request was tried
    text = caplog.text
    assert "GET /boom answered 500 at init" in text and "GET /missing answered 404 at init" in text
    assert "/ok" not in text
    assert _get(handler, "/ok")["statusCode"] == 200


def test_a_failing_startup_fails_init_so_lambda_starts_a_fresh_environment(tmp_path, monkeypatch) -> None:
    # as a server exits when its app cannot start; remembered instead, one failed startup left the
    # environment answering 502 to every request until Lambda recycled it
    with pytest.raises(LifespanFailed, match="no database"):
        _load(tmp_path, monkeypatch, prime_paths=("/healthz",), fail_startup=True, name="failing_app")
    assert sys.modules["failing_app"].events == []  # no priming request reached an app that did not start


def test_at_init_counts_the_successes() -> None:
    calls = []

    class Handler:
        def start(self):
            calls.append("start")

        def __call__(self, event, context):
            calls.append(event["path"])
            return {"statusCode": 200 if event["path"] == "/a" else 503}

    assert prime.at_init(Handler(), ["/a", "/b"]) == 1
    assert calls == ["start", "/a", "/b"]


def test_the_priming_event_carries_the_stage_prefix_real_requests_carry() -> None:
    request = rest.read(prime.event("/healthz?x=1", root="/dev"))
    assert (request.root_path, request.path, request.query_string) == ("/dev", "/healthz", b"x=1")


def test_priming_runs_under_the_deployed_stage_unless_the_front_says_otherwise(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(prime.ROOT_ENV, raising=False)
    (tmp_path / "staged_app.py").write_text("FAIL_STARTUP = False\n" + ASGI_APP)
    monkeypatch.syspath_prepend(str(tmp_path))
    handler_file = tmp_path / "handler_staged.py"
    handler_file.write_text(shim.source("staged_app:app", prime=("/healthz",), stage="prod"))
    runpy.run_path(str(handler_file))
    assert sys.modules["staged_app"].events == ["startup", "/prod/healthz"]  # an ASGI path includes root_path
    monkeypatch.delitem(sys.modules, "staged_app")
    monkeypatch.setenv(prime.ROOT_ENV, "")  # dev --lambda --source url: no stage in its URLs
    runpy.run_path(str(handler_file))
    assert sys.modules["staged_app"].events == ["startup", "/healthz"]


DJANGO_APP = '''
import django
from django.conf import settings
settings.configure(DEBUG=False, ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__, STATIC_URL="static/",
                   INSTALLED_APPS=["django.contrib.staticfiles"], SECRET_KEY="x")
django.setup()
from django.http import HttpResponse
from django.urls import path
urlpatterns = [path("page/", lambda request: HttpResponse(settings.STATIC_URL))]
from django.core.wsgi import get_wsgi_application
application = get_wsgi_application()
'''


def test_a_django_project_primed_at_init_links_its_static_files_under_the_stage(tmp_path) -> None:
    # QA: priming ran without the stage prefix, Django kept STATIC_URL as "/static/" for the container's
    # life, and every page linked its CSS outside the stage (403 on execute-api)
    import json
    import subprocess

    pytest.importorskip("django")
    (tmp_path / "djprimed.py").write_text(DJANGO_APP)
    (tmp_path / "handler_dj.py").write_text(shim.source("djprimed:application", prime=("/page/",), stage="dev"))
    probe = ("import json, handler_dj\nfrom shoehorn.runtime import prime\n"
             "event = prime.event('/page/', 9, root='/dev')\n"
             "print(json.dumps(handler_dj.handler(event, None)))")
    env = {k: v for k, v in __import__("os").environ.items() if k != prime.ROOT_ENV}
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1])["body"] == "/dev/static/"
