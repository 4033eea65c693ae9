"""An inventory API in FastAPI: what a real ASGI app puts through a Lambda adapter.

JSON CRUD with pydantic models, path and query parameters (``?tag=a&tag=b``),
an API key checked from a header, a multipart upload, a binary download, a
streamed response, two cookies set at once, shared state built once by the
lifespan, and the interactive docs. Nothing here knows about Lambda: run it with
``uvicorn app:app`` or behind any ASGI server, mounted at ``/`` or under a prefix.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, TypedDict

from fastapi import Depends, FastAPI, File, Form, Header, HTTPException, Query, Request, Response, UploadFile, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

API_KEY = os.environ.get("API_KEY", "dev-key")

# How many times the lifespan's startup ran in this process. A server runs it once;
# an adapter that runs it per request makes this count climb with every call.
STARTUPS = 0


class ItemIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    price: float = Field(ge=0)
    tags: list[str] = []


class Item(ItemIn):
    id: int


@dataclass
class Inventory:
    """The shared state the lifespan builds (think: a connection pool or a loaded model)."""

    items: dict[int, Item] = field(default_factory=dict)
    next_id: int = 1
    requests_served: int = 0

    def add(self, data: ItemIn) -> Item:
        item = Item(id=self.next_id, **data.model_dump())
        self.items[item.id] = item
        self.next_id += 1
        return item


class State(TypedDict):
    inventory: Inventory
    startup_number: int


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[State]:
    global STARTUPS
    STARTUPS += 1
    inventory = Inventory()
    inventory.add(ItemIn(name="hammer", price=12.5, tags=["tools"]))
    inventory.add(ItemIn(name="saw", price=20.0, tags=["tools", "sharp"]))
    yield {"inventory": inventory, "startup_number": STARTUPS}


app = FastAPI(title="Inventory", version="1.0.0", lifespan=lifespan)


def inventory(request: Request) -> Inventory:
    store: Inventory = request.state.inventory
    store.requests_served += 1
    return store


def require_key(x_api_key: Annotated[str | None, Header()] = None) -> None:
    if x_api_key != API_KEY:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="missing or wrong X-API-Key header",
            headers={"WWW-Authenticate": "ApiKey"},
        )


Store = Annotated[Inventory, Depends(inventory)]


@app.get("/items")
def list_items(
    store: Store,
    tag: Annotated[list[str], Query()] = [],
    q: str = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[Item]:
    """Items having every ``tag`` (repeat the key for several) whose name contains ``q``."""
    found = [i for i in store.items.values() if set(tag) <= set(i.tags) and q.lower() in i.name.lower()]
    return found[:limit]


@app.get("/items/{item_id}")
def read_item(item_id: int, store: Store) -> Item:
    if item_id not in store.items:
        raise HTTPException(404, detail=f"no item {item_id}")
    return store.items[item_id]


@app.post("/items", status_code=201, dependencies=[Depends(require_key)])
def create_item(data: ItemIn, store: Store, request: Request, response: Response) -> Item:
    item = store.add(data)
    response.headers["Location"] = str(request.url_for("read_item", item_id=item.id))
    return item


@app.put("/items/{item_id}", dependencies=[Depends(require_key)])
def replace_item(item_id: int, data: ItemIn, store: Store) -> Item:
    if item_id not in store.items:
        raise HTTPException(404, detail=f"no item {item_id}")
    store.items[item_id] = Item(id=item_id, **data.model_dump())
    return store.items[item_id]


@app.delete("/items/{item_id}", status_code=204, dependencies=[Depends(require_key)])
def delete_item(item_id: int, store: Store) -> None:
    if store.items.pop(item_id, None) is None:
        raise HTTPException(404, detail=f"no item {item_id}")


@app.post("/files")
async def upload(file: Annotated[UploadFile, File()], note: Annotated[str, Form()] = "") -> dict:
    data = await file.read()
    return {
        "filename": file.filename,
        "content_type": file.content_type,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "note": note,
    }


@app.get("/blob")
def blob(size: Annotated[int, Query(ge=0, le=1_000_000)] = 1024) -> Response:
    """``size`` bytes cycling through every byte value: any text mangling shows."""
    data = bytes(i % 256 for i in range(size))
    return Response(data, media_type="application/octet-stream", headers={"Content-Disposition": 'attachment; filename="blob.bin"'})


@app.get("/stream")
async def stream(chunks: Annotated[int, Query(ge=1, le=50)] = 5) -> StreamingResponse:
    async def lines() -> AsyncIterator[bytes]:
        for n in range(chunks):
            await asyncio.sleep(0)  # yield to the loop between chunks, like a real producer
            yield f'{{"chunk": {n}}}\n'.encode()

    return StreamingResponse(lines(), media_type="application/x-ndjson")


@app.post("/preferences")
def preferences(response: Response, theme: Annotated[str, Form()] = "light", lang: Annotated[str, Form()] = "en") -> dict:
    """Two cookies in one response: an adapter must not merge or drop either."""
    response.set_cookie("theme", theme, max_age=30 * 24 * 3600, samesite="lax")
    response.set_cookie("lang", lang, httponly=True)
    return {"theme": theme, "lang": lang}


@app.get("/whoami")
def whoami(request: Request, user_agent: Annotated[str | None, Header()] = None) -> dict:
    """What the app believes about the request: its URL (query parsed apart), mount point, agent."""
    return {
        "url": str(request.url.replace(query="")),
        "root_path": request.scope.get("root_path", ""),
        "item_url": str(request.url_for("read_item", item_id=1)),
        "user_agent": user_agent,
        "query": list(request.query_params.multi_items()),
    }


@app.get("/lifespan")
def lifespan_info(request: Request) -> dict:
    store: Inventory = request.state.inventory
    store.requests_served += 1
    return {
        "startups": STARTUPS,
        "startup_number": request.state.startup_number,
        "requests_served": store.requests_served,
    }
