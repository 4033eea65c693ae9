"""httpbin (psf/httpbin on PyPI), deployed from its sdist as a checkout of it would be: a Flask app
whose endpoints exercise binary bodies, compression, cookies, redirects, repeated headers, auth,
forms, uploads and streaming."""

from __future__ import annotations

import tarfile
import tomllib

import pytest

from tests.compat.conftest import assert_wrote_nothing_into_its_code, sdist, snapshot, unpack

pytestmark = pytest.mark.slow
HTTPBIN = "httpbin==0.10.4"


def test_httpbin_from_its_sources_answers_as_under_a_plain_server(sandbox) -> None:
    archive = sdist(HTTPBIN)
    project = unpack(archive, "httpbin", sandbox.root / "httpbin-src" / "httpbin").parent
    with tarfile.open(archive) as tar:  # its pyproject.toml: the dependencies, and the project's own name
        member = next(m for m in tar.getmembers() if m.name.count("/") == 1 and m.name.endswith("/pyproject.toml"))
        (project / "pyproject.toml").write_bytes(tar.extractfile(member).read())
    before = snapshot(project)
    # found as gunicorn runs it in httpbin's Dockerfile, httpbin:app: its __init__.py is `from .core import *`
    # (init needed --app httpbin:app)
    sandbox.ok(project, "init")
    assert tomllib.loads((project / "shoehorn.toml").read_text())["app"] == "httpbin:app"
    # core.py reads importlib.metadata.version("httpbin") at import: the bundle carries the project's
    # metadata, as `pip install .` leaves it (the build check failed with PackageNotFoundError)
    sandbox.ok(project, "build")
    png = (project / "httpbin" / "templates" / "images" / "pig_icon.png").read_bytes()
    with sandbox.dev_lambda(project) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(project)}
        image = browser.get("/image/png")
        assert image.headers["content-type"] == "image/png" and image.content == png
        assert len(browser.get("/bytes/2048", params={"seed": 3}).content) == 2048
        squeezed = browser.get("/gzip", headers={"Accept-Encoding": "gzip"})
        assert squeezed.headers["content-encoding"] == "gzip" and squeezed.json()["gzipped"] is True
        raw = browser.get("/deflate")
        assert raw.headers["content-encoding"] == "deflate" and raw.json()["deflated"] is True
        no_follow = {"follow_redirects": False}
        assert browser.get("/cookies/set", params={"a": "b"}, **no_follow).headers["location"] == "/dev/cookies"
        assert browser.get("/cookies/set", params={"a": "b", "c": "d"}).json() == {"cookies": {"a": "b", "c": "d"}}
        absolute = browser.get("/absolute-redirect/2", **no_follow).headers["location"]
        assert absolute.endswith("/dev/absolute-redirect/1") and absolute.startswith("http://127.0.0.1:")
        assert browser.get("/relative-redirect/1", **no_follow).headers["location"] == "/dev/get"
        assert browser.get("/redirect/3").url.path == "/dev/get"
        repeated = browser.get("/response-headers", params=[("X-A", "1"), ("X-A", "2"), ("Set-Cookie", "x=1"),
                                                             ("Set-Cookie", "y=2")])
        assert repeated.headers.get_list("x-a") == ["1", "2"] and repeated.headers.get_list("set-cookie") == [
            "x=1", "y=2"]
        assert browser.get("/basic-auth/u/p").status_code == 401
        assert browser.get("/basic-auth/u/p", auth=("u", "p")).json() == {"authenticated": True, "user": "u"}
        form = browser.post("/anything/x", params={"q": "1"}, data={"f": "v", "g": "é"}).json()
        assert form["form"] == {"f": "v", "g": "é"} and form["args"] == {"q": "1"} and form["method"] == "POST"
        upload = browser.post("/post", files={"up": ("a.bin", bytes(range(256)) * 8, "application/octet-stream"),
                                              "t": ("t.txt", "héllo".encode(), "text/plain")}).json()
        assert upload["files"]["t"] == "héllo" and upload["files"]["up"].startswith("data:application/octet-stream")
        assert "∮ E⋅da = Q" in browser.get("/encoding/utf8").text
        assert len(browser.get("/stream/3").text.splitlines()) == 3
        assert browser.get("/status/418").status_code == 418
        head = browser.head("/image/png")
        assert head.status_code == 200 and head.content == b""
        assert "GET" in browser.options("/get").headers["allow"]
    assert_wrote_nothing_into_its_code(project, before, sandbox, bundles)
