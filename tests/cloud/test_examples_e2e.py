"""Both examples deployed into the local cloud and used through the URL `up --local` prints:
cookies, redirects that stay under the URL's prefix, binary bodies both ways, uploads."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import httpx
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

pytestmark = pytest.mark.slow  # builds each example (dependencies from uv's cache after the first run)


def _deploy(cloud, tmp_path: Path, example: str, name: str) -> tuple[Path, str]:
    app = tmp_path / example
    shutil.copytree(EXAMPLES / example, app, ignore=shutil.ignore_patterns(".shoehorn", "__pycache__", "test_*.py"))
    toml = app / "shoehorn.toml"
    text = toml.read_text() if toml.exists() else ""
    toml.write_text(f'name = "{name}"\n' + "\n".join(l for l in text.splitlines() if not l.startswith("name")))
    done = cloud.run("up", "--local", "-C", str(app))
    assert done.returncode == 0, done.stderr
    return app, done.stdout.strip()


def test_flask_example(cloud, tmp_path) -> None:
    app, url = _deploy(cloud, tmp_path, "flask_app", "cloudflask")
    prefix = url.removeprefix(cloud.url).rstrip("/")  # /restapis/{id}/dev/_user_request_
    with httpx.Client(timeout=60) as client:
        home = client.get(url)
        assert home.status_code == 200 and "<title>Notes</title>" in home.text
        assert f'src="{prefix}/chart.png"' in home.text  # url_for links stay under the URL's prefix

        login = client.post(url + "login", data={"name": "ada", "theme": "dark"})
        assert login.status_code == 302
        assert login.headers["location"] in (f"{prefix}/", f"{url}")  # the redirect stays under the stage
        assert {c.split("=")[0] for c in login.headers.get_list("set-cookie")} == {"session", "theme"}
        assert "ada" in client.get(url).text  # the session cookie came back on the next request

        png = client.get(url + "chart.png", params=[("v", "3"), ("v", "1")])
        assert png.status_code == 200 and png.content.startswith(b"\x89PNG\r\n\x1a\n")

        data = bytes(range(256)) * 64
        sent = client.post(url + "upload", files={"file": ("bytes.bin", data, "application/octet-stream")},
                           data={"caption": "all bytes"})
        assert sent.status_code == 200
        assert sent.json()["sha256"] == hashlib.sha256(data).hexdigest() and sent.json()["caption"] == "all bytes"
    assert cloud.run("down", "--local", "--yes", "-C", str(app)).returncode == 0


def test_fastapi_example(cloud, tmp_path) -> None:
    app, url = _deploy(cloud, tmp_path, "fastapi_app", "cloudfastapi")
    prefix = url.removeprefix(cloud.url).rstrip("/")
    with httpx.Client(timeout=60) as client:
        docs = client.get(url + "docs")
        assert docs.status_code == 200 and f"'{prefix}/openapi.json'" in docs.text
        assert client.get(url + "openapi.json").json()["info"]["title"]

        who = client.get(url + "whoami").json()
        assert who["root_path"] == prefix and who["item_url"] == f"{url}items/1"

        blob = client.get(url + "blob", params={"size": 4096})
        assert blob.content == bytes(i % 256 for i in range(4096))

        prefs = client.post(url + "preferences", data={"theme": "dark", "lang": "fr"})
        assert sorted(c.split("=")[0] for c in prefs.headers.get_list("set-cookie")) == ["lang", "theme"]

        data = bytes(range(256)) * 32
        sent = client.post(url + "files", files={"file": ("b.bin", data, "application/octet-stream")},
                           data={"note": "hi"})
        assert sent.json()["sha256"] == hashlib.sha256(data).hexdigest() and sent.json()["note"] == "hi"
    assert cloud.run("down", "--local", "--yes", "-C", str(app)).returncode == 0


def test_static_files_follow_edits_and_the_same_files_are_not_uploaded_again(cloud, tmp_path) -> None:
    import os

    app = tmp_path / "flask_app"
    shutil.copytree(EXAMPLES / "flask_app", app, ignore=shutil.ignore_patterns(".shoehorn", "__pycache__", "test_*.py"))
    (app / "shoehorn.toml").write_text('name = "cloudstatic"\n')
    css = app / "static" / "style.css"
    os.utime(css, (1_600_000_000, 1_600_000_000))
    done = cloud.run("up", "--local", "-C", str(app))
    assert done.returncode == 0, done.stderr
    url = done.stdout.strip()
    with httpx.Client(timeout=60) as client:
        first = client.get(url + "static/style.css")
        # Flask sends the file's date, as a server's disk has it (main: the zip's 1980, or the unzip's now)
        assert first.headers["last-modified"] == "Sun, 13 Sep 2020 12:26:40 GMT"

        css.write_text(css.read_text().replace("#222", "#333"))  # the same size: an ETag of mtime-size...
        assert cloud.run("up", "--local", "-C", str(app)).returncode == 0
        again = client.get(url + "static/style.css", headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 200 and "#333" in again.text  # ...sees it by the new date

        for path in app.rglob("*"):  # a fresh checkout: every file dated anew, the same code
            if ".shoehorn" not in path.parts:
                os.utime(path)
        planned = cloud.run("plan", "--local", "-C", str(app))
        assert planned.returncode == 0 and "no changes" in planned.stdout, planned.stdout + planned.stderr
    assert cloud.run("down", "--local", "--yes", "-C", str(app)).returncode == 0
