"""The FastAPI example: its behaviour, and the same behaviour through every Lambda event source.

``app.py`` is loaded by file path under a fresh module name per app instance (two examples
both have an ``app.py``; a fresh module also restarts the module-level startup counter).
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import itertools
import sys
from pathlib import Path
from types import ModuleType

import httpx
import pytest

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


def direct_client(module: ModuleType, prefix: str = "") -> httpx.Client:
    transport = DirectASGITransport(module.app, root_path=prefix)
    return httpx.Client(transport=transport, base_url=f"https://{HOST}{prefix}")


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
