"""The Flask example: its behaviour, and the same behaviour through every Lambda event source.

``app.py`` is loaded by file path under a fresh module name for each test (two examples
both have an ``app.py``; a fresh module also gives each side of a differential test its
own notes list).
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import io
import itertools
import re
import struct
import sys
import zlib
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from shoehorn.testing import LambdaTransport

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
        data={"file": (io.BytesIO(data), "bytes.bin", "application/octet-stream"), "caption": "all bytes"},
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


# --- (b) + (c) through the Lambda path, for every event source, against the direct call --------

# (how the transport builds events, the prefix the app must see as its mount point, the origin the
# client talks to). The ALB cases use an HTTP listener: shoehorn.gateway builds ALB events as plain
# http on port 80.
SOURCES = [
    pytest.param({"source": "rest", "stage": "prod"}, "/prod", f"https://{HOST}", id="rest-stage-prod"),
    pytest.param(
        {"source": "rest", "stage": "prod", "base_path": "notes"}, "/notes", "https://api.example.com", id="rest-custom-domain-base-path"
    ),
    pytest.param({"source": "rest", "stage": "prod", "base_path": ""}, "", "https://api.example.com", id="rest-custom-domain-root"),
    pytest.param({"source": "http", "stage": "$default"}, "", f"https://{HOST}", id="http-default-stage"),
    pytest.param({"source": "http", "stage": "prod"}, "/prod", f"https://{HOST}", id="http-named-stage"),
    pytest.param({"source": "url"}, "", "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws", id="url"),
    pytest.param({"source": "alb", "multi_value": True}, "", "http://notes-alb-1234567890.us-east-1.elb.amazonaws.com", id="alb-multi-value"),
    pytest.param(
        {"source": "alb", "multi_value": False}, "", "http://notes-alb-1234567890.us-east-1.elb.amazonaws.com", id="alb-single-value"
    ),
]


def lambda_client(module: ModuleType, options: dict, prefix: str, origin: str) -> httpx.Client:
    return httpx.Client(transport=LambdaTransport(module.app, **options), base_url=f"{origin}{prefix}")


class DirectWSGITransport(httpx.BaseTransport):
    """The app called in-process, mounted at ``script_name``, through Werkzeug's own test client.

    Not ``httpx.WSGITransport``: it puts the unquoted path into PATH_INFO as a unicode str, where
    PEP 3333 wants the UTF-8 bytes seen as latin-1, so ``/caf%C3%A9`` reaches Flask garbled.
    Werkzeug's EnvironBuilder gets this right, and its response keeps headers as the app sent them.
    """

    def __init__(self, app, script_name: str = "") -> None:
        self.client = app.test_client(use_cookies=False)  # httpx.Client keeps the cookies
        self.script_name = script_name

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        headers = [(k, v) for k, v in request.headers.multi_items() if k.lower() not in ("content-length", "transfer-encoding")]
        response = self.client.open(
            url.raw_path.decode("ascii"),
            base_url=f"{url.scheme}://{url.netloc.decode('ascii')}{self.script_name}",
            method=request.method,
            headers=headers,
            data=request.read(),
        )
        return httpx.Response(response.status_code, headers=list(response.headers.items()), content=response.get_data())


def direct_client(module: ModuleType, prefix: str, base: str) -> httpx.Client:
    return httpx.Client(transport=DirectWSGITransport(module.app, script_name=prefix), base_url=base)


CLOCK_HEADERS = ("date", "expires")  # Werkzeug's send_file stamps Date: equal up to the clock tick


def _headers(response: httpx.Response) -> list[tuple[str, str]]:
    return [(k, v) for k, v in _as_the_app_sent(_pairs(response)) if k not in ("set-cookie", *CLOCK_HEADERS)]


def _pairs(response: httpx.Response) -> list[tuple[str, str]]:
    return [(k.lower(), v) for k, v in response.headers.multi_items()]


REMAPPED = "x-amzn-remapped-"


def _as_the_app_sent(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(lower-case name, value) pairs with a REST API's renaming undone: it sends the app's Content-Length
    (and Date, Server, Connection) as x-amzn-Remapped-<name> beside its own (shoehorn/gateway/rest.py)."""
    renamed = {k[len(REMAPPED):]: v for k, v in pairs if k.startswith(REMAPPED)}
    kept = [(k, v) for k, v in pairs if not k.startswith(REMAPPED) and k not in renamed]
    return sorted(kept + list(renamed.items()))


def _clock_headers(response: httpx.Response) -> dict[str, float]:
    sent = dict(_as_the_app_sent(_pairs(response)))
    return {k: parsedate_to_datetime(sent[k]).timestamp() for k in CLOCK_HEADERS if k in sent}


def _cookie(header: str, module: ModuleType) -> tuple[str, object, dict[str, str]]:
    """A Set-Cookie header as (name, value, attributes), with the two clock-dependent parts made
    comparable: Flask's signed session cookie is verified and compared by its payload (it embeds
    a timestamp), and Expires is kept to the second it was computed at, compared with a tolerance."""
    first, *rest = [part.strip() for part in header.split(";")]
    name, value = first.split("=", 1)
    attrs = dict((a.split("=", 1) + [""])[:2] for a in rest)
    if name == "session" and value:
        value = module.app.session_interface.get_signing_serializer(module.app).loads(value)
    if "Expires" in attrs:
        attrs["Expires"] = parsedate_to_datetime(attrs["Expires"]).timestamp()
    return name, value, attrs


def assert_same(direct: httpx.Response, via: httpx.Response, module: ModuleType) -> None:
    what = f"{direct.request.method} {direct.request.url.path}"
    assert via.status_code == direct.status_code, what
    assert _headers(via) == _headers(direct), what
    direct_clock, via_clock = _clock_headers(direct), _clock_headers(via)
    assert via_clock.keys() == direct_clock.keys(), what
    assert all(abs(via_clock[k] - direct_clock[k]) <= 5 for k in direct_clock), what
    direct_cookies = [_cookie(c, module) for c in direct.headers.get_list("set-cookie")]
    via_cookies = [_cookie(c, module) for c in via.headers.get_list("set-cookie")]
    assert [c[:2] for c in via_cookies] == [c[:2] for c in direct_cookies], what
    for (_, _, a), (_, _, b) in zip(direct_cookies, via_cookies):
        if "Expires" in a:
            assert abs(a.pop("Expires") - b.pop("Expires")) <= 5, what
        assert a == b, what
    assert via.content == direct.content, what


def scenario(client: httpx.Client, repeated_keys: bool = True) -> list[httpx.Response]:
    """A visit touching every feature, in app-relative paths (the client's base URL adds the prefix).

    ``repeated_keys=False`` for ALB without multi-value headers: AWS then keeps only the last value
    of a repeated query key (ELB docs, lambda-functions.md), so the visit sends each key once."""
    upload = bytes(range(256)) * 16 + "é€".encode()
    return [
        client.get("/"),
        client.get("/static/style.css"),
        client.head("/"),
        client.post("/notes", data={"title": "Groceries", "body": "milk & eggs = 2 € + more"}),
        client.get("/notes/3"),  # the flash message rides in the session cookie set by the POST
        client.post("/notes", data={"title": ""}),
        client.get("/api/notes", params={"q": "url_for"}),
        client.get("/api/notes?q=a+b&q=c%26d" if repeated_keys else "/api/notes?q=c%26d"),
        client.post("/api/notes", json={"title": "API", "body": "ünïcode"}),
        client.get("/api/notes/4"),
        client.post("/login", data={"name": "Ann", "theme": "dark"}),
        client.get("/"),
        client.post("/upload", files={"file": ("b.bin", upload, "application/octet-stream")}, data={"caption": "x=1&y"}),
        client.get("/chart.png?v=3&v=1&v=4&v=1&v=5" if repeated_keys else "/chart.png?v=5"),
        client.get("/no/such/page"),
        client.get("/caf%C3%A9/50%25"),
        client.get("/api/notes/99"),
        client.get("/boom"),
        client.post("/logout"),
    ]


@pytest.mark.parametrize(("options", "prefix", "origin"), SOURCES)
def test_lambda_path_matches_direct_call(options: dict, prefix: str, origin: str) -> None:
    direct_app, lambda_app = load_example(), load_example()  # each side its own notes list
    with direct_client(direct_app, prefix, origin) as direct, lambda_client(lambda_app, options, prefix, origin) as via:
        repeated_keys = options.get("multi_value", True)
        direct_responses, via_responses = scenario(direct, repeated_keys), scenario(via, repeated_keys)
    for d, v in zip(direct_responses, via_responses, strict=True):
        assert_same(d, v, direct_app)
    # the scenario really exercised what it claims to
    statuses = [r.status_code for r in via_responses]
    assert statuses == [200, 200, 200, 302, 200, 400, 200, 200, 201, 200, 302, 200, 200, 200, 404, 404, 404, 500, 302]
    assert len(via_responses[10].headers.get_list("set-cookie")) == 2
    head = via_responses[2]  # HEAD: the app's length (renamed by a REST API, which sends its own of the empty body)
    assert head.content == b"" and int(head.headers.get("x-amzn-remapped-content-length") or head.headers["content-length"]) > 0
    assert via_responses[13].content[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Nothing at /café/50%" in via_responses[15].text
    assert "Saved “Groceries”." in via_responses[4].text and "Hello, Ann" in via_responses[11].text


@pytest.mark.parametrize(("options", "prefix", "origin"), SOURCES)
def test_links_and_redirects_carry_the_prefix(options: dict, prefix: str, origin: str) -> None:
    with lambda_client(load_example(), options, prefix, origin) as client:
        page = client.get("/").text
        links = re.findall(r'(?:href|src|action)="([^"]+)"', page)
        assert links and all(link.startswith(prefix + "/") for link in links), links
        assert f'href="{prefix}/static/style.css"' in page
        # every link the page shows works when followed as the browser would (absolute path on the host)
        for link in set(links) - {f"{prefix}/logout"}:
            assert client.get(f"{origin}{link}").status_code == 200, link
        posted = client.post("/notes", data={"title": "Prefixed"})
        assert posted.headers["location"] == f"{prefix}/notes/3"
        assert client.get(f"{origin}{posted.headers['location']}").status_code == 200
        assert client.get("/api/notes").json()["next"] == f"{origin}{prefix}/api/notes"


def test_rest_stage_prefix_is_in_every_generated_url() -> None:
    """On the execute-api domain the stage is part of every URL; url_for must include it."""
    with lambda_client(load_example(), {"source": "rest", "stage": "prod"}, "/prod", f"https://{HOST}") as client:
        login = client.post("/login", data={"name": "Bo"})
        assert login.headers["location"] == "/prod/"
        page = client.get("/").text
        assert 'href="/prod/notes/1"' in page and 'action="/prod/logout"' in page and "Hello, Bo" in page


def test_the_app_does_not_know_about_lambda() -> None:
    """It must run unmodified on Lambda: no shoehorn (or other adapter) import in app.py."""
    imported = set()
    for node in ast.walk(ast.parse((HERE / "app.py").read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported.isdisjoint({"shoehorn", "apig_wsgi", "serverless_wsgi", "mangum"}), imported
    assert imported <= {"__future__", "hashlib", "os", "struct", "zlib", "dataclasses", "flask"}
