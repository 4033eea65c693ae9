"""Test an app through exactly the events AWS sends: httpx transports over the Lambda path.

    client = httpx.Client(
        transport=LambdaTransport(app, source="rest", stage="prod"),
        base_url="https://abc.execute-api.us-east-1.amazonaws.com/prod",
    )

Each httpx request becomes the event ``source`` would send (``shoehorn.gateway.build_event``),
goes through the handler (``shoehorn.adapt(app)`` for a plain app), and the proxy response
is read back the way that front reads it (``shoehorn.gateway.read_response``), so a response
AWS would reject fails here too (``MalformedResponse``).
"""

from __future__ import annotations

import inspect
import json
import threading
import time
import uuid
from dataclasses import dataclass, field

import httpx

from shoehorn.gateway import SOURCES, MalformedResponse, build_event, read_response, request_headers
from shoehorn.runtime.handler import LambdaHandler, adapt

__all__ = ["AsyncLambdaTransport", "LambdaContext", "LambdaTransport"]


@dataclass
class LambdaContext:
    """A stand-in for the context object Lambda passes to handlers."""

    function_name: str = "shoehorn-test"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    timeout_seconds: float = 30.0
    region: str = "us-east-1"
    account_id: str = "123456789012"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    identity: object = None
    client_context: object = None
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        if not self._deadline:
            self._deadline = time.monotonic() + self.timeout_seconds

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return time.strftime("%Y/%m/%d/") + f"[{self.function_version}]" + self.aws_request_id.replace("-", "")

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _as_handler(app_or_handler, adapt_options: dict):
    """A Lambda handler: ``adapt()`` a plain app; keep a handler as is.

    A handler is a shoehorn handler, or any callable whose first two parameters are named
    ``event`` and ``context`` (a function, or an object such as ``Mangum(app)``).
    """
    if isinstance(app_or_handler, LambdaHandler):
        return app_or_handler
    fn = app_or_handler
    target = fn if inspect.isfunction(fn) or inspect.ismethod(fn) else getattr(type(fn), "__call__", None)
    if target is not None and not inspect.iscoroutinefunction(target):
        try:
            names = [n for n in inspect.signature(fn).parameters]
        except (TypeError, ValueError):
            names = []
        if names[:2] == ["event", "context"]:
            return fn
    return adapt(app_or_handler, **adapt_options)


class _Base:
    def __init__(
        self,
        app_or_handler,
        source: str = "rest",
        stage: str = "prod",
        context: LambdaContext | None = None,
        *,
        client_ip: str = "127.0.0.1",
        multi_value: bool = False,
        base_path: str | None = None,
        **adapt_options,
    ) -> None:
        if source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}, not {source!r}")
        self.handler = _as_handler(app_or_handler, adapt_options)
        self.source = source
        self.stage = stage
        self.context = context
        self.client_ip = client_ip
        self.multi_value = multi_value
        self.base_path = base_path
        self.events: list[dict] = []  # every event sent, for assertions
        self._lock = threading.Lock()

    def _event(self, request: httpx.Request, body: bytes) -> dict:
        raw = request.url.raw_path.decode("ascii")
        path, _, query = raw.partition("?")
        headers = request_headers(request.headers.raw)
        host = request.url.netloc.decode("ascii")
        return build_event(
            self.source,
            request.method,
            path,
            query,
            headers,
            body,
            stage=self.stage,
            host=host,
            client_ip=self.client_ip,
            multi_value=self.multi_value,
            base_path=self.base_path,
            listener=(request.url.scheme, request.url.port or (443 if request.url.scheme == "https" else 80)),
        )

    def _invoke(self, event: dict) -> httpx.Response:
        context = self.context or LambdaContext()
        with self._lock:  # one invocation at a time, as in one Lambda sandbox
            self.events.append(event)
            result = self.handler(event, context)
        try:
            # what reaches the front is the JSON the runtime client sends: {1: "x"} arrives as {"1": "x"}
            result = json.loads(json.dumps(result))
        except (TypeError, ValueError) as exc:
            raise MalformedResponse(
                f"the handler returned {result!r:.100}, which the Lambda runtime cannot send as JSON ({exc}): "
                "Lambda fails the invocation (Runtime.MarshalError) and the front answers 502"
            ) from None
        status, headers, body = read_response(self.source, result)
        return httpx.Response(status, headers=headers, content=body)


class LambdaTransport(_Base, httpx.BaseTransport):
    """An httpx transport that sends each request through a Lambda handler."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        return self._invoke(self._event(request, body))


class AsyncLambdaTransport(_Base, httpx.AsyncBaseTransport):
    """The async variant: the handler runs in a worker thread, since it drives its own
    event loop (one per container) and cannot run inside the caller's."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import anyio.to_thread

        body = await request.aread()
        event = self._event(request, body)
        return await anyio.to_thread.run_sync(self._invoke, event)
