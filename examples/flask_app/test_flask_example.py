"""The Flask example: its behaviour, and the same behaviour through every Lambda event source.

``app.py`` is loaded by file path under a fresh module name for each test (two examples
both have an ``app.py``; a fresh module also gives each side of a differential test its
own notes list).
"""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import re
import struct
import sys
import zlib
from email.utils import parsedate_to_datetime
from http.cookies import SimpleCookie
from pathlib import Path
from types import ModuleType

import httpx
import pytest

HERE = Path(__file__).parent
HOST = "abc123.execute-api.us-east-1.amazonaws.com"
_fresh = itertools.count()


def load_example() -> ModuleType:
    name = f"flask_example_app_{next(_fresh)}"
    spec = importlib.util.spec_from_file_location(name, HERE / "app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # Flask finds templates/ and static/ through sys.modules[__name__]
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def example() -> ModuleType:
    return load_example()


@pytest.fixture
def client(example: ModuleType):
    return example.app.test_client()


def png_chunks(data: bytes) -> dict[bytes, bytes]:
    """Parse a PNG, checking the signature and every chunk's CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = {}, 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        chunks[kind] = body
        pos += 12 + length
    return chunks


# --- (a) the app itself, through Flask's test client ---------------------------------------


def test_pages_link_with_url_for(client) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'href="/static/style.css"' in page
    assert 'href="/notes/1"' in page and 'href="/login"' in page
    assert client.get("/static/style.css").status_code == 200


def test_form_post_redirects_then_get_shows_the_note(client) -> None:
    posted = client.post("/notes", data={"title": "Groceries", "body": "milk"})
    assert posted.status_code == 302
    assert posted.headers["Location"] == "/notes/3"
    page = client.get(posted.headers["Location"]).get_data(as_text=True)
    assert "<h1>Groceries</h1>" in page and "milk" in page
    assert "Saved “Groceries”." in page  # the flash message survives the redirect (session cookie)


def test_form_without_title_is_rejected(client) -> None:
    response = client.post("/notes", data={"title": " "})
    assert response.status_code == 400
    assert "A note needs a title." in response.get_data(as_text=True)


def test_json_api_lists_searches_creates_and_reads(client) -> None:
    listing = client.get("/api/notes").get_json()
    assert listing["count"] == 2 and listing["next"] == "http://localhost/api/notes"
    assert [n["id"] for n in client.get("/api/notes?q=url_for").get_json()["notes"]] == [2]
    created = client.post("/api/notes", json={"title": "API", "body": "made by POST"})
    assert created.status_code == 201 and created.headers["Location"] == "/api/notes/3"
    assert client.get("/api/notes/3").get_json() == {"id": 3, "title": "API", "body": "made by POST"}
    assert client.post("/api/notes", json={}).status_code == 422


def test_login_sets_session_and_a_second_cookie(client) -> None:
    response = client.post("/login", data={"name": "Ann", "theme": "dark"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 2
    assert {c.split("=", 1)[0] for c in cookies} == {"session", "theme"}
    assert "Hello, Ann" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    assert "Hello, Ann" not in client.get("/").get_data(as_text=True)


def test_login_without_name_is_rejected(client) -> None:
    assert client.post("/login", data={"name": ""}).status_code == 400


def test_multipart_upload_reports_what_arrived(client) -> None:
    data = bytes(range(256)) * 8
    response = client.post(
        "/upload",
        data={"file": (__import__("io").BytesIO(data), "bytes.bin", "application/octet-stream"), "caption": "all bytes"},
        content_type="multipart/form-data",
    )
    assert response.get_json() == {
        "filename": "bytes.bin",
        "content_type": "application/octet-stream",
        "size": 2048,
        "sha256": hashlib.sha256(data).hexdigest(),
        "caption": "all bytes",
    }
    assert client.post("/upload", data={}, content_type="multipart/form-data").status_code == 400


def test_chart_is_a_valid_png_with_one_bar_per_value(client) -> None:
    response = client.get("/chart.png?v=3&v=1&v=4&v=1&v=5")
    assert response.mimetype == "image/png"
    chunks = png_chunks(response.data)
    width, height, depth, color = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (width, height, depth, color) == (5 * 16 + 4, 64, 8, 2)
    assert len(zlib.decompress(chunks[b"IDAT"])) == height * (1 + 3 * width)


def test_custom_404_pages(client) -> None:
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "Nothing at /no/such/page" in page.get_data(as_text=True)
    api = client.get("/api/notes/99")
    assert api.status_code == 404 and api.get_json() == {"error": "not found", "path": "/api/notes/99"}


def test_custom_500_page_hides_the_exception(client) -> None:
    response = client.get("/boom")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "Something broke on our side" in text and "RuntimeError" not in text


def test_runs_under_a_mount_point(client) -> None:
    page = client.get("/", base_url="https://example.com/prod").get_data(as_text=True)
    assert 'href="/prod/static/style.css"' in page and 'href="/prod/notes/1"' in page
