"""Collected static files served from the bundle under STATIC_URL (WSGI and ASGI), never outside it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from wsgiref.validate import validator

import pytest

from shoehorn.runtime.static import serve_static
from shoehorn.testing import LambdaTransport


def django_like(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [f"app: {environ['PATH_INFO']}".encode()]


async def asgi_app(scope, receive, send):
    await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": f"app: {scope['path']}".encode()})


@pytest.fixture()
def static_root(tmp_path: Path) -> Path:
    root = tmp_path / "static"
    (root / "admin" / "css").mkdir(parents=True)
    (root / "admin" / "css" / "base.css").write_text("body { color: red }")
    (tmp_path / "secret.txt").write_text("no")
    return root


def client(app, interface: str):
    import httpx

    return httpx.Client(transport=LambdaTransport(app, source="rest", stage="dev", interface=interface),
                        base_url="https://abc.execute-api.us-east-1.amazonaws.com/dev")


@pytest.mark.parametrize(("app", "interface"), [(validator(django_like), "wsgi"), (asgi_app, "asgi")])
@pytest.mark.parametrize("url", ["static/", "/static/"])
def test_files_under_static_url_come_from_the_bundle_the_rest_from_the_app(static_root, app, interface, url) -> None:
    served = serve_static(app, url, str(static_root), interface)
    with client(served, interface) as http:
        css = http.get("/static/admin/css/base.css")
        assert css.status_code == 200 and css.text == "body { color: red }"
        assert css.headers["content-type"] == "text/css; charset=utf-8" and "max-age" in css.headers["cache-control"]
        head = http.head("/static/admin/css/base.css")
        assert head.status_code == 200 and head.content == b""
        for path in ("/static/admin/css/missing.css", "/static/../secret.txt", "/static/%2e%2e/secret.txt",
                     "/static/admin", "/elsewhere"):
            answer = http.get(path)
            assert answer.status_code == 404 and answer.text.startswith("app: "), path
        assert http.post("/static/admin/css/base.css").text.startswith("app: ")


def test_a_static_url_on_another_host_serves_nothing(static_root) -> None:
    assert serve_static(django_like, "https://cdn.example.com/static/", str(static_root), "wsgi") is django_like


def test_the_static_and_command_modules_import_only_the_standard_library() -> None:
    import json
    import subprocess
    import sys

    probe = ("import sys, json; before = set(sys.modules)\n"
             "import shoehorn.runtime.static, shoehorn.runtime.command as c; c.run(c.command_event(['true']))\n"
             "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
             "print(json.dumps(sorted(new - set(sys.stdlib_module_names))))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert set(json.loads(done.stdout)) <= {"shoehorn", "__main__"}


def test_names_hashed_by_the_manifest_storage_are_cached_for_a_year(static_root) -> None:
    # ManifestStaticFilesStorage's staticfiles.json lists them: their content never changes (WhiteNoise does the same)
    (static_root / "admin" / "css" / "base.5af66c1b1797.css").write_text("body { color: red }")
    (static_root / "staticfiles.json").write_text(
        '{"paths": {"admin/css/base.css": "admin/css/base.5af66c1b1797.css"}, "version": "1.1"}')
    with client(serve_static(django_like, "static/", str(static_root), "wsgi"), "wsgi") as http:
        hashed = http.get("/static/admin/css/base.5af66c1b1797.css")
        plain = http.get("/static/admin/css/base.css")
    assert hashed.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert plain.headers["cache-control"] == "public, max-age=60"


@pytest.mark.parametrize(("app", "interface"), [(validator(django_like), "wsgi"), (asgi_app, "asgi")])
def test_a_browser_that_holds_a_file_gets_304_and_no_body(static_root, app, interface) -> None:
    # QA: no validator was sent, so after max-age every page view downloaded every file again
    with client(serve_static(app, "static/", str(static_root), interface), interface) as http:
        first = http.get("/static/admin/css/base.css")
        etag = first.headers["etag"]
        assert first.status_code == 200 and etag.startswith('"') and http.head("/static/admin/css/base.css").headers["etag"] == etag
        for sent in (etag, f"W/{etag}", f'"other", {etag}', "*"):
            again = http.get("/static/admin/css/base.css", headers={"If-None-Match": sent})
            assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag, sent
            assert "max-age" in again.headers["cache-control"]
        changed = http.get("/static/admin/css/base.css", headers={"If-None-Match": '"other"'})
        assert changed.status_code == 200 and changed.text == "body { color: red }"
