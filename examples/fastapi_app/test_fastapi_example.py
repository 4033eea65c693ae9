"""The FastAPI example: its behaviour, and the same behaviour through every Lambda event source.

``app.py`` is loaded by file path under a fresh module name per app instance (two examples
both have an ``app.py``; a fresh module also restarts the module-level startup counter).
"""

from __future__ import annotations

import ast
import asyncio
import hashlib
import importlib.util
import itertools
import sys
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from shoehorn.testing import AsyncLambdaTransport, LambdaTransport

HERE = Path(__file__).parent
HOST = "abc123.execute-api.us-east-1.amazonaws.com"
KEY = {"X-API-Key": "dev-key"}
_fresh = itertools.count()


def load_example() -> ModuleType:
    name = f"fastapi_example_app_{next(_fresh)}"
    spec = importlib.util.spec_from_file_location(name, HERE / "app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class DirectASGITransport(httpx.BaseTransport):
    """The app called in-process the way uvicorn calls it: lifespan once, its state copied into
    every request scope, ``path`` including ``root_path``. Response headers are kept exactly as
    the app sent them (no Content-Length added), so differential tests compare like with like."""

    def __init__(self, app, root_path: str = "") -> None:
        self.state: dict = {}
        self.loop = asyncio.new_event_loop()
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.outbox: asyncio.Queue = asyncio.Queue()
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self.state}
        self.lifespan = self.loop.create_task(app(scope, self.inbox.get, self.outbox.put))
        assert self._lifespan("lifespan.startup") == "lifespan.startup.complete"

        async def with_state(scope, receive, send):
            await app({**scope, "state": dict(self.state)}, receive, send)

        self.inner = httpx.ASGITransport(app=with_state, root_path=root_path)

    def _lifespan(self, message: str) -> str:
        async def exchange() -> str:
            await self.inbox.put({"type": message})
            return (await self.outbox.get())["type"]

        return self.loop.run_until_complete(exchange())

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def call() -> httpx.Response:
            response = await self.inner.handle_async_request(request)
            body = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, stream=httpx.ByteStream(body))

        return self.loop.run_until_complete(call())

    def close(self) -> None:
        if not self.loop.is_closed():
            assert self._lifespan("lifespan.shutdown") == "lifespan.shutdown.complete"
            self.loop.run_until_complete(self.lifespan)
            self.loop.close()


def direct_client(module: ModuleType, prefix: str = "", origin: str = f"https://{HOST}") -> httpx.Client:
    transport = DirectASGITransport(module.app, root_path=prefix)
    return httpx.Client(transport=transport, base_url=f"{origin}{prefix}")


@pytest.fixture
def example() -> ModuleType:
    return load_example()


@pytest.fixture
def client(example: ModuleType):
    with direct_client(example) as c:
        yield c


# --- (a) the app itself, called in-process -----------------------------------------------------


def test_crud_with_pydantic_models(client: httpx.Client) -> None:
    assert [i["name"] for i in client.get("/items").json()] == ["hammer", "saw"]
    created = client.post("/items", json={"name": "drill", "price": 99.5, "tags": ["tools", "power"]}, headers=KEY)
    assert created.status_code == 201
    assert created.json() == {"id": 3, "name": "drill", "price": 99.5, "tags": ["tools", "power"]}
    assert created.headers["location"] == f"https://{HOST}/items/3"
    assert client.get("/items/3").json()["name"] == "drill"
    replaced = client.put("/items/3", json={"name": "drill", "price": 80}, headers=KEY)
    assert replaced.json() == {"id": 3, "name": "drill", "price": 80.0, "tags": []}
    deleted = client.delete("/items/3", headers=KEY)
    assert deleted.status_code == 204 and deleted.content == b""
    assert client.get("/items/3").status_code == 404
    assert client.post("/items", json={"name": "", "price": -1}, headers=KEY).status_code == 422


def test_repeated_query_keys_and_path_parameters(client: httpx.Client) -> None:
    assert [i["name"] for i in client.get("/items?tag=tools&tag=sharp").json()] == ["saw"]
    assert [i["name"] for i in client.get("/items", params=[("tag", "tools"), ("q", "HAM")]).json()] == ["hammer"]
    assert client.get("/items?limit=0").status_code == 422
    assert client.get("/items/not-a-number").status_code == 422
    seen = client.get("/whoami?a=1&a=2&b=x%26y%3Dz&c=&d=%2B1+2").json()["query"]
    assert seen == [["a", "1"], ["a", "2"], ["b", "x&y=z"], ["c", ""], ["d", "+1 2"]]


def test_header_auth_returns_401(client: httpx.Client) -> None:
    for headers in ({}, {"X-API-Key": "wrong"}):
        response = client.post("/items", json={"name": "x", "price": 1}, headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "ApiKey"
        assert response.json() == {"detail": "missing or wrong X-API-Key header"}
    assert client.delete("/items/1").status_code == 401


def test_file_upload(client: httpx.Client) -> None:
    data = bytes(range(256)) * 4
    response = client.post("/files", files={"file": ("all.bin", data, "application/octet-stream")}, data={"note": "héllo"})
    assert response.json() == {
        "filename": "all.bin",
        "content_type": "application/octet-stream",
        "size": 1024,
        "sha256": hashlib.sha256(data).hexdigest(),
        "note": "héllo",
    }


def test_binary_response_keeps_every_byte(client: httpx.Client) -> None:
    response = client.get("/blob?size=1000")
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.content == bytes(i % 256 for i in range(1000))


def test_streaming_response_sends_every_chunk(client: httpx.Client) -> None:
    response = client.get("/stream?chunks=7")
    assert response.headers["content-type"] == "application/x-ndjson"
    assert response.text.splitlines() == [f'{{"chunk": {n}}}' for n in range(7)]


def test_two_cookies_in_one_response(client: httpx.Client) -> None:
    response = client.post("/preferences", data={"theme": "dark", "lang": "fr"})
    cookies = response.headers.get_list("set-cookie")
    assert [c.split(";")[0] for c in cookies] == ["theme=dark", "lang=fr"]


def test_lifespan_runs_once_and_its_state_persists(example: ModuleType, client: httpx.Client) -> None:
    seen = [client.get("/lifespan").json() for _ in range(5)]
    assert {s["startups"] for s in seen} == {1}
    assert [s["requests_served"] for s in seen] == [1, 2, 3, 4, 5]
    assert example.STARTUPS == 1


def test_docs_under_a_mount_point(example: ModuleType) -> None:
    with direct_client(example, "/prod") as client:
        docs = client.get("/docs")
        assert docs.status_code == 200 and "'/prod/openapi.json'" in docs.text
        schema = client.get("/openapi.json").json()
        assert schema["servers"] == [{"url": "/prod"}] and "/items/{item_id}" in schema["paths"]
        assert client.get("/whoami").json()["item_url"] == f"https://{HOST}/prod/items/1"


# --- (b) + (c) through the Lambda path, for every event source, against the direct call --------

# (how the transport builds events, the prefix the app must see as its mount point, the origin the
# client talks to). The ALB cases use an HTTP listener: shoehorn.gateway builds ALB events as plain
# http on port 80.
SOURCES = [
    pytest.param({"source": "rest", "stage": "prod"}, "/prod", f"https://{HOST}", id="rest-stage-prod"),
    pytest.param(
        {"source": "rest", "stage": "prod", "base_path": "inventory"}, "/inventory", "https://api.example.com", id="rest-custom-domain-base-path"
    ),
    pytest.param({"source": "rest", "stage": "prod", "base_path": ""}, "", "https://api.example.com", id="rest-custom-domain-root"),
    pytest.param({"source": "http", "stage": "$default"}, "", f"https://{HOST}", id="http-default-stage"),
    pytest.param({"source": "http", "stage": "prod"}, "/prod", f"https://{HOST}", id="http-named-stage"),
    pytest.param({"source": "url"}, "", "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws", id="url"),
    pytest.param({"source": "alb", "multi_value": True}, "", "http://inventory-alb-1234567890.us-east-1.elb.amazonaws.com", id="alb-multi-value"),
    pytest.param(
        {"source": "alb", "multi_value": False}, "", "http://inventory-alb-1234567890.us-east-1.elb.amazonaws.com", id="alb-single-value"
    ),
]


def lambda_client(module: ModuleType, options: dict, prefix: str, origin: str) -> httpx.Client:
    return httpx.Client(transport=LambdaTransport(module.app, **options), base_url=f"{origin}{prefix}")


REMAPPED = "x-amzn-remapped-"


def _as_the_app_sent(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(lower-case name, value) pairs with a REST API's renaming undone: it sends the app's Content-Length
    (and Date, Server, Connection) as x-amzn-Remapped-<name> beside its own (shoehorn/gateway/rest.py)."""
    renamed = {k[len(REMAPPED):]: v for k, v in pairs if k.startswith(REMAPPED)}
    kept = [(k, v) for k, v in pairs if not k.startswith(REMAPPED) and k not in renamed]
    return sorted(kept + list(renamed.items()))


def assert_same(direct: httpx.Response, via: httpx.Response) -> None:
    what = f"{direct.request.method} {direct.request.url.path}"
    assert via.status_code == direct.status_code, what
    direct_headers = sorted((k.lower(), v) for k, v in direct.headers.multi_items())
    via_headers = _as_the_app_sent([(k.lower(), v) for k, v in via.headers.multi_items()])
    if "content-length" not in direct.headers:
        # A streamed response has no length when served directly; Lambda buffers the whole
        # response (no response streaming in the Python managed runtime), so a length may appear.
        via_headers = [(k, v) for k, v in via_headers if not (k == "content-length" and v == str(len(via.content)))]
    assert via_headers == direct_headers, what  # every Set-Cookie included, in order within the name
    assert via.headers.get_list("set-cookie") == direct.headers.get_list("set-cookie"), what
    assert via.content == direct.content, what


def scenario(client: httpx.Client, repeated_keys: bool = True) -> list[httpx.Response]:
    """A session touching every feature, in app-relative paths (the client's base URL adds the prefix).

    ``repeated_keys=False`` for ALB without multi-value headers: AWS then keeps only the last value
    of a repeated query key (ELB docs, lambda-functions.md), so the session sends each key once."""
    upload = bytes(range(256)) * 16
    tags = [("tag", "tools"), ("tag", "power")] if repeated_keys else [("tag", "power")]
    return [
        client.get("/items"),
        client.get("/items?tag=tools&tag=sharp" if repeated_keys else "/items?tag=sharp"),
        client.get(("/whoami?a=1&a=2" if repeated_keys else "/whoami?a=2") + "&b=x%26y%3Dz&c=&d=%2B1+2&e=%C3%A9"),
        client.post("/items", json={"name": "drill", "price": 99.5}),
        client.post("/items", json={"name": "drill", "price": 99.5, "tags": ["power"]}, headers=KEY),
        client.put("/items/3", json={"name": "drill", "price": 80, "tags": ["power", "tools"]}, headers=KEY),
        client.get("/items/3"),
        client.get("/items", params=[*tags, ("limit", "5")]),
        client.delete("/items/3", headers=KEY),
        client.get("/items/3"),
        client.post("/files", files={"file": ("all.bin", upload, "application/octet-stream")}, data={"note": "n=1&m"}),
        client.get("/blob?size=3000"),
        client.get("/stream?chunks=6"),
        client.post("/preferences", data={"theme": "dark", "lang": "de"}),
        client.get("/docs"),
        client.get("/openapi.json"),
        client.head("/items"),
        client.get("/lifespan"),
        client.get("/no/such/route"),
        client.get("/items/"),  # Starlette redirects to /items with an absolute URL built from the request
        client.get("/items/caf%C3%A9"),  # a unicode path parameter: the 422 echoes it back
        client.get("/items/a%2F1"),  # Starlette routes on the decoded path: an encoded slash splits it (404)
    ]


@pytest.mark.parametrize(("options", "prefix", "origin"), SOURCES)
def test_lambda_path_matches_direct_call(options: dict, prefix: str, origin: str) -> None:
    direct_app, lambda_app = load_example(), load_example()  # each side its own module and lifespan
    with direct_client(direct_app, prefix, origin) as direct, lambda_client(lambda_app, options, prefix, origin) as via:
        repeated_keys = options.get("multi_value", True)
        direct_responses, via_responses = scenario(direct, repeated_keys), scenario(via, repeated_keys)
    for d, v in zip(direct_responses, via_responses, strict=True):
        assert_same(d, v)
    # the scenario really exercised what it claims to
    statuses = [r.status_code for r in via_responses]
    assert statuses == [200, 200, 200, 401, 201, 200, 200, 200, 204, 404, 200, 200, 200, 200, 200, 200, 405, 200, 404, 307, 422, 404]
    assert via_responses[19].headers["location"] == f"{origin}{prefix}/items"
    assert via_responses[20].json()["detail"][0]["input"] == "café"
    a = [["a", "1"], ["a", "2"]] if repeated_keys else [["a", "2"]]
    assert via_responses[2].json()["query"] == [*a, ["b", "x&y=z"], ["c", ""], ["d", "+1 2"], ["e", "é"]]
    assert via_responses[4].headers["location"] == f"{origin}{prefix}/items/3"
    assert via_responses[11].content == bytes(i % 256 for i in range(3000))
    assert len(via_responses[12].text.splitlines()) == 6
    assert [c.split(";")[0] for c in via_responses[13].headers.get_list("set-cookie")] == ["theme=dark", "lang=de"]
    assert f"'{prefix}/openapi.json'" in via_responses[14].text
    assert via_responses[17].json()["startups"] == 1


@pytest.mark.parametrize(("options", "prefix", "origin"), SOURCES)
def test_lifespan_runs_once_per_handler_and_state_persists(options: dict, prefix: str, origin: str) -> None:
    module = load_example()
    with lambda_client(module, options, prefix, origin) as client:
        seen = [client.get("/lifespan").json() for _ in range(25)]
        created = client.post("/items", json={"name": "kept", "price": 1}, headers=KEY).json()
        assert client.get(f"/items/{created['id']}").json()["name"] == "kept"  # state survives invocations
    assert [s["startups"] for s in seen] == [1] * 25
    assert [s["startup_number"] for s in seen] == [1] * 25
    assert [s["requests_served"] for s in seen] == list(range(1, 26))
    assert module.STARTUPS == 1


def test_docs_work_under_the_rest_stage_prefix() -> None:
    """FastAPI builds the docs page's openapi URL from root_path (fastapi #829, mangum #142)."""
    with lambda_client(load_example(), {"source": "rest", "stage": "prod"}, "/prod", f"https://{HOST}") as client:
        docs = client.get("/docs")
        assert docs.status_code == 200 and "text/html" in docs.headers["content-type"]
        assert "url: '/prod/openapi.json'" in docs.text
        assert "window.location.origin + '/prod/docs/oauth2-redirect'" in docs.text
        assert '<redoc spec-url="/prod/openapi.json">' in client.get("/redoc").text
        # the URLs the browser will fetch, as absolute paths on the execute-api host
        assert client.get(f"https://{HOST}/prod/docs/oauth2-redirect").status_code == 200
        schema = client.get(f"https://{HOST}/prod/openapi.json")
        assert schema.status_code == 200
        assert schema.json()["servers"] == [{"url": "/prod"}]
        assert client.get("/whoami").json() == {
            "url": f"https://{HOST}/prod/whoami",
            "root_path": "/prod",
            "item_url": f"https://{HOST}/prod/items/1",
            "user_agent": f"python-httpx/{httpx.__version__}",
            "query": [],
        }


async def test_async_transport_serves_through_the_same_path() -> None:
    module = load_example()
    transport = AsyncLambdaTransport(module.app, source="rest", stage="prod")
    async with httpx.AsyncClient(transport=transport, base_url=f"https://{HOST}/prod") as client:
        seen = [(await client.get("/lifespan")).json() for _ in range(3)]
        streamed = await client.get("/stream?chunks=4")
        docs = await client.get("/docs")
    assert [s["requests_served"] for s in seen] == [1, 2, 3] and module.STARTUPS == 1
    assert streamed.text.splitlines() == [f'{{"chunk": {n}}}' for n in range(4)]
    assert "url: '/prod/openapi.json'" in docs.text


def test_the_app_does_not_know_about_lambda() -> None:
    """It must run unmodified on Lambda: no shoehorn (or other adapter) import in app.py."""
    imported = set()
    for node in ast.walk(ast.parse((HERE / "app.py").read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported.isdisjoint({"shoehorn", "mangum", "a2wsgi"}), imported
    assert imported <= {"__future__", "asyncio", "hashlib", "os", "collections", "contextlib", "dataclasses", "typing", "fastapi", "pydantic"}
