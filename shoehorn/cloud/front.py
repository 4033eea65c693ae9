"""The one loopback port of the local cloud: data planes in front, moto behind.

- ``/restapis/{api}/{stage}/_user_request_/...``: the API Gateway data plane (``apigateway``);
- ``POST /2015-03-31/functions/{name}/invocations``: Lambda's Invoke (``invoke_api``);
- ``GET /_shoehorn/cloud``: what runs here (``shoehorn cloud status``);
- an unsigned request elsewhere (a browser that left the API's URL): 403 "Missing Authentication
  Token", as an execute-api host answers;
- everything else is forwarded to moto as it came. On the way, function zips are kept
  (``codestore``), a new API deployment is snapshotted, a write to Lambda or API Gateway
  tells the data planes' cache that what they read may have changed, and CloudWatch Logs'
  FilterLogEvents is filtered here (``logfilter``: moto matches most patterns to everything),
  and the Lambda settings moto drops (SnapStart, an updated EphemeralStorage) are kept and
  answered here (``kept``); reserved concurrency is held to the account's limits (``reservations``).
"""

from __future__ import annotations

import base64
import json
import os
import re
import time
from dataclasses import dataclass, field
from urllib.parse import unquote

import anyio
import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shoehorn.cloud import apigateway, invoke_api, logfilter
from shoehorn.cloud.apigateway import Gateway
from shoehorn.cloud.codestore import CodeStore
from shoehorn.cloud.control import Control
from shoehorn.cloud.lambdas import ARCHITECTURE, RUNTIME, Lambdas, split_name
from shoehorn.cloud.kept import KeptSettings
from shoehorn.cloud.reservations import Reservations
from shoehorn.gateway.rest import METHODS
from shoehorn.local.front import Dated, EveryMethod

STATUS_PATH = "/_shoehorn/cloud"
_FUNCTIONS = re.compile(r"^/\d{4}-\d{2}-\d{2}/functions(/(?P<name>[^/]+)(?P<rest>/.*)?)?$")
_DEPLOYMENTS = re.compile(r"^/restapis/(?P<api>[^/]+)/deployments/?$")
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
               "transfer-encoding", "upgrade", "content-length"}


@dataclass
class Cloud:
    """Everything one front serves."""

    control: Control
    store: CodeStore
    lambdas: Lambdas
    gateway: Gateway
    moto_url: str
    runtime_client: str  # "awslambdaric" or the fallback's name
    started: float = 0.0
    kept: KeptSettings = field(default_factory=KeptSettings)
    reservations: Reservations = field(default_factory=Reservations)


def _touches_data_plane(method: str, path: str) -> bool:
    """A write the data planes must not miss: Lambda, API Gateway, or a moto reset."""
    if method in ("GET", "HEAD"):
        return False
    return path.startswith("/restapis") or bool(_FUNCTIONS.match(path)) or path.startswith("/moto-api/reset")


def _signed(request: Request) -> bool:
    """An AWS API call: SigV4 in the Authorization header, or in the query (a presigned URL)."""
    return "authorization" in request.headers or "X-Amz-Signature" in request.query_params


def _zip_from(code: dict) -> bytes | None:
    return base64.b64decode(code["ZipFile"]) if code.get("ZipFile") else None


async def _keep_code(cloud: Cloud, region: str, code: dict) -> None:
    """Keep the zip of CreateFunction/UpdateFunctionCode: inline, or the S3 object it names."""
    data = _zip_from(code)
    if data is None and code.get("S3Bucket") and code.get("S3Key"):
        params = {"Bucket": code["S3Bucket"], "Key": code["S3Key"]}
        if code.get("S3ObjectVersion"):
            params["VersionId"] = code["S3ObjectVersion"]
        got = await anyio.to_thread.run_sync(lambda: cloud.control.call(region, "s3", "get_object", **params))
        data = await anyio.to_thread.run_sync(got["Body"].read)
    if data is not None:
        await anyio.to_thread.run_sync(cloud.store.put, data)


def _mend_settings(kept: KeptSettings, region: str, method: str, function: re.Match, body: bytes,
                   response: Response) -> Response:
    """Keep what CreateFunction / UpdateFunctionConfiguration / PublishVersion set that moto drops, and
    write it into the function configurations of a successful Lambda answer (``kept``)."""
    try:
        answer = json.loads(response.body)
        sent = json.loads(body) if body and method in ("POST", "PUT") else {}
    except ValueError:
        return response
    if not isinstance(answer, dict) or not isinstance(sent, dict):
        return response
    if method == "POST" and not function["name"]:  # CreateFunction
        kept.set_latest(region, answer, sent, created=True)
    elif method == "PUT" and function["rest"] == "/configuration":  # UpdateFunctionConfiguration
        kept.set_latest(region, answer, sent)
    elif method == "POST" and function["rest"] == "/versions":  # PublishVersion
        kept.published(region, answer)
    if not kept.fill(region, answer):
        return response
    mended = Response(json.dumps(answer).encode(), status_code=response.status_code)
    headers = [(k, v) for k, v in response.raw_headers if k.lower() != b"content-length"]
    mended.raw_headers = headers + [(b"content-length", str(len(mended.body)).encode())]
    return mended


def create_app(cloud: Cloud) -> Starlette:
    client = httpx.AsyncClient(base_url=cloud.moto_url, timeout=httpx.Timeout(120.0), follow_redirects=False)

    async def forward(request: Request, body: bytes) -> Response:
        headers = [(k, v) for k, v in request.headers.raw if k.decode("latin-1").lower() not in _HOP_BY_HOP]
        url = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
        query = request.scope.get("query_string", b"").decode("latin-1")
        upstream = await client.request(request.method, url + (f"?{query}" if query else ""), headers=headers,
                                        content=body)
        kept = [(k, v) for k, v in upstream.headers.raw if k.decode("latin-1").lower() not in _HOP_BY_HOP]
        response = Response(upstream.content, status_code=upstream.status_code)
        response.raw_headers = kept + [(b"content-length", str(len(upstream.content)).encode())]
        return response

    async def filter_log_events(request: Request, body: bytes) -> Response:
        """moto reads the events; the pattern is matched here, as CloudWatch matches it."""
        try:
            params = json.loads(body or b"{}")
            pattern = params.pop("filterPattern", None) or ""
        except (ValueError, AttributeError, TypeError):  # not a JSON object: moto says what is wrong
            return await forward(request, body)
        try:
            matches = logfilter.matcher(pattern)
        except logfilter.InvalidPattern as exc:
            return JSONResponse({"__type": "InvalidParameterException", "message": str(exc)}, status_code=400,
                                media_type="application/x-amz-json-1.1")
        response = await forward(request, json.dumps(params).encode())
        if response.status_code != 200 or not pattern:
            return response
        found = json.loads(response.body)
        found["events"] = [event for event in found.get("events", []) if matches(event.get("message", ""))]
        return JSONResponse(found, media_type="application/x-amz-json-1.1")

    async def control_plane(request: Request) -> Response:
        path = request.url.path
        region = invoke_api.region_of(request)
        cloud.control.saw_region(region)
        body = await request.body()
        if request.headers.get("x-amz-target", "").endswith(".FilterLogEvents"):
            return await filter_log_events(request, body)
        function = _FUNCTIONS.match(path)
        code = None
        if function and request.method == "POST" and not function["name"]:  # CreateFunction
            code = (json.loads(body or b"{}") or {}).get("Code") or {}
        elif function and request.method == "PUT" and function["rest"] == "/code":  # UpdateFunctionCode
            code = json.loads(body or b"{}") or {}
        reserving = function and function["name"] and function["rest"] == "/concurrency"
        if reserving:
            name = split_name(unquote(function["name"]), None)[0]
            wanted = (json.loads(body or b"{}") or {}).get("ReservedConcurrentExecutions") if request.method == "PUT" else None
            refusal = cloud.reservations.refusal(region, name, wanted)  # PutFunctionConcurrency
            if refusal:
                return JSONResponse({"Type": "User", "message": refusal}, status_code=400,
                                    headers={"x-amzn-ErrorType": "InvalidParameterValueException"})
        response = await forward(request, body)
        ok = 200 <= response.status_code < 300
        if ok and reserving:
            if type(wanted) is int:
                cloud.reservations.reserved(region, name, wanted)
            elif request.method == "DELETE":  # DeleteFunctionConcurrency
                cloud.reservations.forget(region, name)
        if ok and code:
            await _keep_code(cloud, region, code)
        if ok and function:
            response = _mend_settings(cloud.kept, region, request.method, function, body, response)
        deployment = _DEPLOYMENTS.match(path)
        if ok and deployment and request.method == "POST":
            made = json.loads(response.body)
            await anyio.to_thread.run_sync(cloud.gateway.snapshot, region, deployment["api"], made["id"])
        if ok and function and function["name"] and not function["rest"] and request.method == "DELETE":
            qualifier = request.query_params.get("Qualifier") or None  # DeleteFunction
            await anyio.to_thread.run_sync(cloud.lambdas.forget, region, function["name"], qualifier)
            cloud.kept.forget(region, *split_name(unquote(function["name"]), qualifier))
            if qualifier is None:
                cloud.reservations.forget(region, split_name(unquote(function["name"]), None)[0])
        if ok and path.startswith("/moto-api/reset"):
            cloud.kept.reset()
            cloud.reservations.reset()
        if _touches_data_plane(request.method, path):
            cloud.control.changed()
        return response

    async def endpoint(request: Request) -> Response:
        path = request.url.path
        api = apigateway.URL.match(path)
        if api:
            return await cloud.gateway.handle(request, api["api"], api["stage"], api["rest"] or "/")
        invoke = invoke_api.PATH.match(path)
        if invoke and request.method == "POST":
            return await invoke_api.handle(request, cloud.lambdas, invoke["name"])
        if path == STATUS_PATH and request.method == "GET":
            return JSONResponse(status(cloud))
        if request.method not in METHODS or not _signed(request) and not path.startswith("/moto-api/"):
            # a browser that left the API's URL (a redirect to "/login" without the prefix): what an
            # execute-api host answers for a path no resource matches, not moto's S3 XML
            return apigateway.no_route()
        return await control_plane(request)

    # any method: the API Gateway data plane answers one a REST API does not have (WebDAV's PROPFIND) as AWS
    # does; no AWS control-plane call uses one, and elsewhere it gets what a path no resource matches gets
    return Starlette(routes=[Route("/{path:path}", EveryMethod(endpoint))], middleware=[Middleware(Dated)])


def status(cloud: Cloud) -> dict:
    return {
        "pid": os.getpid(),
        "uptime_s": round(time.time() - cloud.started, 1),
        "runtime_client": cloud.runtime_client,
        # the only runtime and architecture its functions run (`up --local` warns about any other)
        "runtime": RUNTIME,
        "architecture": ARCHITECTURE,
        "regions": cloud.control.regions,
        "functions": [
            {"function": name, "version": version, "region": region, "containers": alive}
            for name, version, region, alive in cloud.lambdas.pools()
        ],
    }
