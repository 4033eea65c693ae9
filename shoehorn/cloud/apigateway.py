"""The API Gateway (REST) data plane of the local cloud.

``/restapis/{api}/{stage}/_user_request_/{path}`` (LocalStack's path-style form: works with
curl and a browser, no DNS) goes the way execute-api goes: the stage names a deployment, the
deployment's snapshot of resources gives the resource and method, the method's AWS_PROXY
integration names a function and qualifier, the function's resource policy must let API
Gateway invoke it for this API/stage/method/path, and then the Lambda data plane runs it.
Answers follow execute-api: unknown API or stage 403 "Forbidden"; no resource or method 403
"Missing Authentication Token"; no permission or a broken integration 500 "Internal server
error"; function error or malformed proxy response 502; Lambda throttling 500 (an integration
failure, as on AWS); 29 s 504
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any, Callable

import anyio
from starlette.requests import Request
from starlette.responses import Response

from shoehorn import gateway
from shoehorn.cloud import permissions
from shoehorn.cloud.control import Control, Missing
from shoehorn.cloud.lambdas import Lambdas, NoCode, NoSuchFunction, split_name
from shoehorn.cloud.routes import DeployedResource, from_resources, match, method_for
from shoehorn.gateway import ACCOUNT_ID
from shoehorn.gateway.rest import METHODS
from shoehorn.local.front import ERRORS, INTEGRATION_TIMEOUT_S, MAX_REQUEST_BYTES, http_response, read_body, \
    unforwarded_method
from shoehorn.local.pool import Throttled
from shoehorn.local.runtime_api import Succeeded

URL = re.compile(r"^/restapis/(?P<api>[^/]+)/(?P<stage>[^/]+)/_user_request_(?P<rest>/.*)?$")
_URI = re.compile(r"^arn:aws[\w-]*:apigateway:(?P<region>[^:]+):lambda:path/[^/]+/functions/(?P<function>.+)/invocations$")
_REST = ERRORS["rest"]


def _message(status: int, message: str, error_type: str) -> Response:
    return Response(json.dumps({"message": message}), status_code=status, media_type="application/json",
                    headers={"x-amzn-ErrorType": error_type})


def forbidden() -> Response:
    return _message(403, "Forbidden", "ForbiddenException")


def no_route() -> Response:
    return _message(403, "Missing Authentication Token", "MissingAuthenticationTokenException")


def internal_error() -> Response:
    return _message(500, "Internal server error", "InternalServerErrorException")


def _plain(error) -> Response:
    return Response(error.body, status_code=error.status, media_type=error.content_type)


def _note(text: str) -> None:
    """Why the gateway answered an error: into the cloud's own log (`shoehorn cloud status` names it)."""
    print(f"GATEWAY\t{text}", file=sys.stderr, flush=True)


class Gateway:
    def __init__(self, control: Control, lambdas: Lambdas, note: Callable[[str], None] = _note) -> None:
        self._control = control
        self._lambdas = lambdas
        self._note = note
        self._snapshots: dict[str, tuple[DeployedResource, ...]] = {}  # deployment id -> its resources

    def snapshot(self, region: str, api_id: str, deployment_id: str) -> None:
        """A deployment freezes the API's resources and methods as they are now (CreateDeployment)."""
        items = self._control.call(region, "apigateway", "get_resources", restApiId=api_id, embed=["methods"],
                                   limit=500).get("items", [])
        self._snapshots[deployment_id] = from_resources(items)

    def _region_of(self, api_id: str) -> str | None:
        for region in self._control.regions:
            if not isinstance(self._control.read(region, "apigateway", "get_rest_api", restApiId=api_id), Missing):
                return region
        return None

    def _routes(self, region: str, api_id: str, deployment_id: str) -> tuple[DeployedResource, ...]:
        if deployment_id not in self._snapshots:  # made before this process saw it: read it now
            self.snapshot(region, api_id, deployment_id)
        return self._snapshots[deployment_id]

    async def handle(self, request: Request, api_id: str, stage: str, rest: str) -> Response:
        verb = request.method
        where = f"{verb} {api_id}/{stage}{rest}"
        found = await anyio.to_thread.run_sync(self._wire, api_id, stage, rest, verb)
        if isinstance(found, Response):
            return found
        region, route, parameters, integration, function_region, function, qualifier = found
        body = await read_body(request)
        if body is None:
            self._note(f"{where}: request payload over {MAX_REQUEST_BYTES} bytes -> 413")
            return _plain(_REST.too_large)
        event = self._event(request, api_id, stage, rest, body, route, parameters)
        timeout = int(integration.get("timeoutInMillis") or INTEGRATION_TIMEOUT_S * 1000) / 1000
        invoked = None
        with anyio.move_on_after(timeout):
            # The abandoned thread keeps its container busy until the function's own timeout, as on AWS.
            invoked = await anyio.to_thread.run_sync(
                self._lambdas.invoke, function_region, function, qualifier, event, abandon_on_cancel=True
            )
        if invoked is None:
            self._note(f"{where}: integration timed out after {timeout:g} s -> 504")
            return _plain(_REST.timeout)
        outcome = invoked.outcome
        if isinstance(outcome, Throttled):
            # Lambda's 429 is an INTEGRATION_FAILURE to a REST API: the client gets 500, not 429
            # (AWS on re:Post "API Gateway proxy integration does not forward Lambda throttling"; SO 36363280).
            self._note(f"{where}: Lambda throttled {function} (reserved concurrency {outcome.limit}) -> 500")
            return internal_error()
        if isinstance(outcome, (NoSuchFunction, NoCode)):
            self._note(f"{where}: the integration's function cannot run: {outcome} -> 500")
            return internal_error()
        if not isinstance(outcome, Succeeded):
            self._note(f"{where}: the function failed: {outcome} -> 502")
            return _plain(_REST.failed)
        try:
            status, headers, content = gateway.read_response("rest", json.loads(outcome.payload))
        except (ValueError, gateway.MalformedResponse) as malformed:
            self._note(f"{where}: malformed Lambda proxy response: {malformed} -> 502")
            return _plain(_REST.failed)
        return http_response(status, headers, content, head=verb == "HEAD")

    def _wire(self, api_id: str, stage: str, rest: str, verb: str) -> Response | tuple:
        """Stage -> deployment -> resource -> method -> integration -> permission (thread: reads)."""
        where = f"{verb} {api_id}/{stage}{rest}"
        region = self._region_of(api_id)
        found = None if region is None else self._control.read(region, "apigateway", "get_stage", restApiId=api_id,
                                                                stageName=stage)
        if region is None or isinstance(found, Missing) or not found.get("deploymentId"):
            self._note(f"{where}: no such API or stage -> 403")
            return forbidden()
        hit = match(self._routes(region, api_id, found["deploymentId"]), rest)
        method = method_for(hit.route, verb) if hit else None
        if hit is not None and method is None and verb not in METHODS:
            self._note(f"{where}: not a method API Gateway's REST API forwards -> 403. " + unforwarded_method(verb))
            return no_route()
        if hit is None or method is None:
            self._note(f"{where}: no resource and method for this path in the stage's deployment -> 403")
            return no_route()
        key, integration = method
        uri = _URI.match(str(integration.get("uri") or ""))
        if integration.get("type") != "AWS_PROXY" or uri is None:
            self._note(f"{where}: the method's integration is not a Lambda proxy (the local cloud runs AWS_PROXY "
                       f"only): {integration.get('type')} {integration.get('uri')} -> 500")
            return internal_error()
        arn = uri["function"]
        parts = arn.split(":")
        function_region = parts[3] if arn.startswith("arn:") and len(parts) > 3 else uri["region"]
        account = parts[4] if arn.startswith("arn:") and len(parts) > 4 else ACCOUNT_ID
        name, qualifier = split_name(arn, None)
        policy = self._control.read(function_region, "lambda", "get_policy", FunctionName=name,
                                    **({"Qualifier": qualifier} if qualifier else {}))
        sources = permissions.method_arns(region, account, api_id, stage, tuple(dict.fromkeys((verb, key))),
                                          hit.route.path)
        if isinstance(policy, Missing) or not permissions.allows(policy.get("Policy"), sources):
            self._note(f"{where}: API Gateway may not invoke {arn}: no statement in its resource policy lets "
                       f"{permissions.PRINCIPAL} call it for {sources[0]} -> 500 (`shoehorn up` adds it)")
            return internal_error()
        return region, hit.route, hit.parameters, integration, function_region, name, qualifier

    def _event(self, request: Request, api_id: str, stage: str, rest: str, body: bytes, route: DeployedResource,
               parameters) -> dict[str, Any]:
        headers = gateway.request_headers(request.headers.raw)
        raw_path = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
        raw = URL.match(raw_path)
        raw_rest = (raw["rest"] if raw else None) or rest or "/"  # still percent-encoded, as the builder wants
        event = gateway.build_event("rest", request.method, f"/{stage}{raw_rest}", request.scope.get("query_string", b""),
                                    headers, body, stage=stage, host=request.headers.get("host"),
                                    client_ip=request.client.host if request.client else "127.0.0.1")
        context = event["requestContext"]
        # requestContext.path is the path the client asked for: here it carries this URL's prefix, as a
        # custom domain's base path would, so the app's links and redirects stay under it.
        context["path"] = f"/restapis/{api_id}/{stage}/_user_request_{event['path']}"
        context.update(apiId=api_id, resourceId=route.resource_id, resourcePath=route.path,
                       domainPrefix=api_id)
        event["resource"] = route.path
        event["pathParameters"] = dict(parameters) or None
        # It arrived over plain http on a local port, not https:443: absolute URLs the app builds must work.
        served = {"x-forwarded-proto": request.url.scheme, "x-forwarded-port": str(request.url.port or 80)}
        for key in list(event["headers"] or {}):
            if key.lower() in served:
                event["headers"][key] = served[key.lower()]
                if key in (event["multiValueHeaders"] or {}):
                    event["multiValueHeaders"][key] = [served[key.lower()]]
        return event

