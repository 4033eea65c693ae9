"""The REST API: found by its tags, ``/`` and ``/{proxy+}`` with ANY -> AWS_PROXY to the alias.

No local state: the API is whichever REST API carries this app's and stage's tags. The
deployment shoehorn makes carries a fingerprint of the API configuration in its description,
and the stage is checked to serve such a deployment: a run interrupted between changing the
API and deploying it is finished by the next one, and a deployment made by hand (console)
is replaced.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from shoehorn.commandline import suggest
from shoehorn.config import Config
from shoehorn.deploy import actions as a
from shoehorn.deploy.aws import Aws, AwsError
from shoehorn.deploy.context import Context
from shoehorn.deploy.naming import integration_uri, tag_pairs
from shoehorn.deploy.resources import api_stage
from shoehorn.errors import ConflictError
from shoehorn.progress import Warn

PROXY = "/{proxy+}"
# API Gateway's default and longest integration timeout for a REST API without a raised quota
# ("Amazon API Gateway quotas"); a shorter one set by hand would cut off slow requests.
TIMEOUT_MS = 29000
BINARY = ("*/*",)  # every body reaches the app as bytes; the runtime decides what is text
DESCRIPTION_PREFIX = "shoehorn "
# What is missing may be a first `up` interrupted between its API steps, not only a console edit.
INTERRUPTED_OR = "an interrupted `up`, or"


@dataclass(frozen=True, slots=True)
class ApiDesired:
    name: str
    tags: tuple[tuple[str, str], ...]
    endpoint_type: str
    binary_media_types: tuple[str, ...]
    uri: str
    stage: str

    @property
    def fingerprint(self) -> str:
        blob = json.dumps([self.endpoint_type, self.binary_media_types, self.uri], sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Route:
    id: str
    path: str
    parent_id: str | None
    has_method: bool  # ANY exists with authorization NONE and no API key required
    integration: tuple[str, str, str] | None  # (type, httpMethod, uri)
    method_edit: str = ""  # what was changed by hand on ANY itself, in words ("" for nothing)
    timeout_ms: int | None = None  # the integration's timeoutInMillis (None: not given, API Gateway's default)
    others: tuple[str, ...] = ()  # methods beside ANY: each one, not ANY, answers its verb


@dataclass(frozen=True, slots=True)
class ApiObserved:
    id: str
    endpoint_types: tuple[str, ...]
    binary_media_types: tuple[str, ...]
    routes: tuple[Route, ...]
    stage_fingerprint: str | None  # of the deployment the stage serves; None: no stage
    duplicates: tuple[str, ...] = ()  # other APIs with the same tags (should never happen)
    stage_edits: tuple[tuple[str, str], ...] = ()  # canary, method settings: api_stage.edits

    def route(self, path: str) -> Route | None:
        return next((r for r in self.routes if r.path == path), None)


def desired(config: Config, region: str, account: str) -> ApiDesired:
    return ApiDesired(config.function_name, tag_pairs(config.tags), config.endpoint_type, BINARY,
                      integration_uri(region, account, config.function_name), config.stage)


def find(aws: Aws, config: Config) -> list[dict[str, Any]]:
    """Every REST API tagged for this app and stage, oldest first (GetRestApis returns tags)."""
    found, position = [], None
    while True:
        page = aws.call("apigateway", "get_rest_apis", limit=500, **({"position": position} if position else {}))
        found += [api for api in page.get("items", []) if all((api.get("tags") or {}).get(k) == v
                                                               for k, v in config.tags.items())]
        position = page.get("position")
        if not position:
            return sorted(found, key=lambda api: (str(api.get("createdDate", "")), api["id"]))


def _route(item: dict[str, Any]) -> Route:
    methods = item.get("resourceMethods") or {}
    method = methods.get("ANY")
    integration = (method or {}).get("methodIntegration")
    edits = []
    if method and method.get("authorizationType", "NONE") != "NONE":
        edits.append(f"{method['authorizationType']} authorization")
    if method and method.get("apiKeyRequired"):
        edits.append("an API key")
    timeout = (integration or {}).get("timeoutInMillis")
    return Route(
        item["id"], item["path"], item.get("parentId"),
        has_method=bool(method) and not edits,
        integration=(integration.get("type", ""), integration.get("httpMethod", ""), integration.get("uri", ""))
        if integration else None,
        method_edit=" and ".join(edits),
        timeout_ms=int(timeout) if timeout else None,
        others=tuple(sorted(verb for verb in methods if verb != "ANY")),
    )


def observe(aws: Aws, config: Config) -> ApiObserved | None:
    apis = find(aws, config)
    if not apis:
        return None
    api = apis[0]
    items = aws.call("apigateway", "get_resources", restApiId=api["id"], limit=500, embed=["methods"]).get("items", [])
    stage: dict[str, Any] = {}
    try:
        stage = aws.call("apigateway", "get_stage", expect=("NotFoundException",), restApiId=api["id"],
                         stageName=config.stage)
        deployment = aws.call("apigateway", "get_deployment", expect=("NotFoundException",), restApiId=api["id"],
                              deploymentId=stage["deploymentId"])
        fingerprint = str(deployment.get("description") or "").removeprefix(DESCRIPTION_PREFIX)
    except AwsError:
        fingerprint = None
    return ApiObserved(
        id=api["id"],
        endpoint_types=tuple((api.get("endpointConfiguration") or {}).get("types") or ()),
        binary_media_types=tuple(api.get("binaryMediaTypes") or ()),
        routes=tuple(_route(item) for item in items),
        stage_fingerprint=fingerprint,
        duplicates=tuple(other["id"] for other in apis[1:]),
        stage_edits=api_stage.edits(stage),
    )


def _wiring(want: ApiDesired, route: Route | None, path: str) -> tuple[a.Action, ...]:
    if route is None:
        return (a.WireMethod(reason=f"{path} has no ANY method", path=path, uri=want.uri),)
    # A method beside ANY answers its verb instead of the app (a console CORS OPTIONS, a MOCK GET).
    steps: list[a.Action] = [a.DeleteMethod(reason=f"added outside shoehorn; it answers {verb} {path} instead of "
                                            "the app", path=path, http_method=verb) for verb in route.others]
    if route.method_edit:
        steps.append(a.WireMethod(reason=f"ANY on {path} was changed by hand to require {route.method_edit}",
                                  path=path, uri=want.uri))
    elif not route.has_method:
        steps.append(a.WireMethod(reason=f"ANY on {path} is missing ({INTERRUPTED_OR} deleted by hand)", path=path,
                                  uri=want.uri))
    elif route.integration != ("AWS_PROXY", "POST", want.uri):
        steps.append(a.WireMethod(reason=f"the integration of {path} is missing or not the app's ({INTERRUPTED_OR} "
                                  "changed by hand)", path=path, uri=want.uri, put_method=False))
    elif route.timeout_ms not in (None, TIMEOUT_MS):
        steps.append(a.WireMethod(reason=f"the integration of {path} was given a {route.timeout_ms} ms timeout by "
                                  f"hand (shoehorn's is API Gateway's default, {TIMEOUT_MS} ms)", path=path,
                                  uri=want.uri, put_method=False))
    return tuple(steps)


def diff(want: ApiDesired, have: ApiObserved | None) -> tuple[a.Action, ...]:
    if have is None:
        return (
            a.CreateApi(reason="no REST API carries this app's tags", name=want.name, endpoint_type=want.endpoint_type,
                        binary_media_types=want.binary_media_types, tags=want.tags),
            a.CreateProxyResource(reason="every path goes to the app"),
            a.WireMethod(reason="requests to / go to the app", path="/", uri=want.uri),
            a.WireMethod(reason="requests to any other path go to the app", path=PROXY, uri=want.uri),
            a.CreateDeployment(reason="a new API needs a first deployment", stage=want.stage,
                               fingerprint=want.fingerprint),
        )
    steps: list[a.Action] = []
    patches: list[tuple[str, str, str]] = []
    if have.endpoint_types != (want.endpoint_type,):
        # the path names the current type (API Gateway docs, "Change a public or private API endpoint type")
        current = have.endpoint_types[0] if have.endpoint_types else "EDGE"
        patches.append(("replace", f"/endpointConfiguration/types/{current}", want.endpoint_type))
    for media in want.binary_media_types:
        if media not in have.binary_media_types:
            patches.append(("add", "/binaryMediaTypes/" + media.replace("/", "~1"), media))
    if patches:
        steps.append(a.UpdateApi(reason="the API settings differ from the config", api_id=have.id, patches=tuple(patches)))
    root = have.route("/")
    proxy = have.route(PROXY)
    extra = [r for r in have.routes if r.path not in ("/", PROXY)]
    for route in extra:
        if not any(route.parent_id == other.id for other in extra):  # deleting a parent deletes its children
            steps.append(a.DeleteResource(reason="added outside shoehorn; it would shadow /{proxy+}",
                                          resource_id=route.id, path=route.path))
    steps += _wiring(want, root, "/")
    if proxy is None:
        steps.append(a.CreateProxyResource(reason=f"/{{proxy+}} is missing ({INTERRUPTED_OR} deleted or renamed by hand)"))
    steps += _wiring(want, proxy, PROXY)
    if steps:
        steps.append(a.CreateDeployment(reason="the API changed", stage=want.stage, fingerprint=want.fingerprint))
    elif have.stage_fingerprint is None:
        steps.append(a.CreateDeployment(reason=f"stage {want.stage} does not exist", stage=want.stage,
                                        fingerprint=want.fingerprint))
    elif have.stage_fingerprint != want.fingerprint:
        steps.append(a.CreateDeployment(reason=f"stage {want.stage} serves a deployment made by hand or from another "
                                        "configuration (or the last deploy was interrupted)", stage=want.stage,
                                        fingerprint=want.fingerprint))
    return tuple(steps) + api_stage.diff(want.stage, have.stage_edits)


# --- executors ---------------------------------------------------------------------------

def _create(action: a.CreateApi, ctx: Context) -> None:
    api = ctx.aws.call("apigateway", "create_rest_api", name=action.name, tags=dict(action.tags),
                       binaryMediaTypes=list(action.binary_media_types),
                       endpointConfiguration={"types": [action.endpoint_type]},
                       description="shoehorn app (managed by shoehorn up/down)")
    ctx.api_id = api["id"]
    ctx.root_id = api.get("rootResourceId")
    missing = [m for m in action.binary_media_types if m not in (api.get("binaryMediaTypes") or [])]
    if missing:  # moto 5.2 ignores binaryMediaTypes on create; AWS honours it. Patch to be sure.
        ctx.aws.call("apigateway", "update_rest_api", restApiId=api["id"], patchOperations=[
            {"op": "add", "path": "/binaryMediaTypes/" + m.replace("/", "~1"), "value": m} for m in missing])
    _claim(ctx, api)
    if not ctx.root_id:
        _load_ids(ctx)


def _progressed(ctx: Context, api_id: str) -> bool | None:
    """Whether the run that made this API has wired it (any resource besides ``/``): a run does so only
    after its ``_claim`` kept it. None: it is gone."""
    try:
        items = ctx.aws.call("apigateway", "get_resources", expect=("NotFoundException",), restApiId=api_id,
                             limit=500).get("items", [])
    except AwsError:
        return None
    return any(item.get("path") != "/" for item in items)


def _claim(ctx: Context, created: dict[str, Any]) -> None:
    """Two first deploys at once each create an API; the account must keep one. Every run that
    created one lists them all and keeps the first by (createdDate, already wired, id): a run whose
    API is not first deletes its own and carries on with the first; the run whose API is first
    deletes any later one it sees. The APIs seen here besides this run's were all created after this
    run's observe found none: by concurrent `up`s of this app and stage (their tags say so).

    Why this order: a run that lists before the other has created its API sees only its own and keeps
    it. createdDate has one-second resolution, so the other may see both with the same date; the
    kept one is then either wired already (a run wires its API only after keeping it), and it comes
    first, or the two are ordered by id, which may delete the one the first run kept: that run then
    stops at its next call on it with a ConflictError (``_gone``), and the other finishes. Either way
    the account keeps exactly one API; the first is never deleted."""
    mine = created["id"]
    ranked = []
    for api in find(ctx.aws, ctx.config):
        progressed = False if api["id"] == mine else _progressed(ctx, api["id"])
        if progressed is not None:
            ranked.append(((str(api.get("createdDate", "")), not progressed, api["id"]), api["id"]))
    if mine not in {api_id for _, api_id in ranked}:  # not listed yet: place it by what the create answered
        ranked.append(((str(created.get("createdDate", "")), True, mine), mine))
    order = [api_id for _, api_id in sorted(ranked)]
    first = order[0]
    who = f"{ctx.config.name}/{ctx.config.stage}"
    if first == mine:
        for later in order[1:]:
            _delete_raced(ctx, later)
            ctx.progress(Warn(f"another deploy of {who} created REST API {later} at the same time as this one "
                              f"created {mine}: deleted {later}; the account keeps {mine}"))
        return
    _delete_raced(ctx, mine)
    ctx.progress(Warn(f"another deploy of {who} created REST API {first} at the same time as this one created "
                      f"{mine}: deleted {mine}; carrying on with {first}"))
    ctx.api_id, ctx.root_id, ctx.proxy_id = first, None, None


def _delete_raced(ctx: Context, api_id: str) -> None:
    """DeleteRestApi that the other run may be making at the same moment (its own API, deleted by both
    runs): done once the API is gone, whatever the losing call answered (AWS: NotFoundException; moto
    answers a delete of a missing API with a bare 500)."""
    try:
        ctx.aws.call("apigateway", "delete_rest_api", expect=("NotFoundException", "ConflictException", "500"),
                     restApiId=api_id)
    except AwsError:
        if any(api["id"] == api_id for api in find(ctx.aws, ctx.config)):
            ctx.aws.call("apigateway", "delete_rest_api", restApiId=api_id)  # still there: once more, errors raised


def _gone(ctx: Context) -> ConflictError:
    return ConflictError(
        f"another deploy is in progress: REST API {ctx.api_id} was deleted while this run was setting it up (of "
        f"two first deploys of {ctx.config.name}/{ctx.config.stage} at once, the account keeps the other's API)",
        f"Wait for the other `shoehorn up` to finish, then run `{suggest('up', stage=ctx.config.stage)}` again: it "
        "will carry on from what is deployed.",
    )


def _on_api(ctx: Context, operation: str, *, expect: tuple[str, ...] = (), **params: Any) -> dict:
    """A call on this run's API; NotFoundException on it means a concurrent first deploy deleted it (``_claim``)."""
    try:
        return ctx.aws.call("apigateway", operation, expect=("NotFoundException", *expect), restApiId=ctx.api_id,
                            **params)
    except AwsError as error:
        if error.code != "NotFoundException":
            raise
        raise _gone(ctx) from None


def _load_ids(ctx: Context) -> None:
    items = _on_api(ctx, "get_resources", limit=500).get("items", [])
    ctx.root_id = next(i["id"] for i in items if i["path"] == "/")
    ctx.proxy_id = next((i["id"] for i in items if i["path"] == PROXY), None)


def _update(action: a.UpdateApi, ctx: Context) -> None:
    ctx.aws.call("apigateway", "update_rest_api", restApiId=action.api_id,
                 patchOperations=[{"op": op, "path": path, "value": value} for op, path, value in action.patches])


def _create_proxy(action: a.CreateProxyResource, ctx: Context) -> None:
    if ctx.proxy_id:  # the API a concurrent first deploy made, which this run carries on with, has it
        return
    try:
        resource = _on_api(ctx, "create_resource", expect=("ConflictException",), parentId=ctx.root_id,
                           pathPart="{proxy+}")
    except AwsError:  # made meanwhile: by a concurrent first deploy whose API this run carries on with
        _load_ids(ctx)
        return
    ctx.proxy_id = resource["id"]


def _delete_resource(action: a.DeleteResource, ctx: Context) -> None:
    try:
        ctx.aws.call("apigateway", "delete_resource", expect=("NotFoundException",), restApiId=ctx.api_id,
                     resourceId=action.resource_id)
    except AwsError:
        pass


def _wire(action: a.WireMethod, ctx: Context) -> None:
    if action.path == PROXY and not ctx.proxy_id:
        _load_ids(ctx)
    resource_id = ctx.root_id if action.path == "/" else ctx.proxy_id
    common = {"resourceId": resource_id, "httpMethod": "ANY"}
    if action.put_method:
        method = {"authorizationType": "NONE", "apiKeyRequired": False, **common}
        try:  # a method changed by hand (e.g. to AWS_IAM) must be replaced: PutMethod on it is a conflict
            _on_api(ctx, "put_method", expect=("ConflictException",), authorizationType="NONE", apiKeyRequired=False,
                    **common)
        except AwsError:
            # ... unless it is exactly what PutMethod makes: a concurrent first deploy whose API this run
            # carries on with put it (deleting it would pull it from under that run's integration)
            if not _pristine(_on_api(ctx, "get_method", **common)):
                _on_api(ctx, "delete_method", **common)
                _on_api(ctx, "put_method", authorizationType="NONE", apiKeyRequired=False, **common)
    # PutIntegration replaces the whole integration: the timeout is said so one set by hand goes too.
    _on_api(ctx, "put_integration", type="AWS_PROXY", integrationHttpMethod="POST", uri=action.uri,
            timeoutInMillis=TIMEOUT_MS, **common)


def _pristine(method: dict[str, Any]) -> bool:
    """The method as ``_wire``'s PutMethod makes it: open, nothing required of the request."""
    return (method.get("authorizationType", "NONE") == "NONE" and not method.get("apiKeyRequired")
            and not method.get("authorizerId") and not method.get("requestValidatorId")
            and not method.get("requestParameters") and not method.get("requestModels"))


def _delete_method(action: a.DeleteMethod, ctx: Context) -> None:
    if action.path == PROXY and not ctx.proxy_id:
        _load_ids(ctx)
    try:
        ctx.aws.call("apigateway", "delete_method", expect=("NotFoundException",), restApiId=ctx.api_id,
                     resourceId=ctx.root_id if action.path == "/" else ctx.proxy_id, httpMethod=action.http_method)
    except AwsError:  # gone meanwhile
        pass


def _deploy(action: a.CreateDeployment, ctx: Context) -> None:
    _on_api(ctx, "create_deployment", stageName=action.stage, description=DESCRIPTION_PREFIX + action.fingerprint)


def _delete_api(action: a.DeleteApi, ctx: Context) -> None:
    try:  # DeleteRestApi is throttled to about 1 per 30 s per account: Aws.call waits and says so
        ctx.aws.call("apigateway", "delete_rest_api", expect=("NotFoundException",), restApiId=action.api_id)
    except AwsError:
        pass


EXECUTORS = {
    a.CreateApi: _create,
    a.UpdateApi: _update,
    a.CreateProxyResource: _create_proxy,
    a.DeleteResource: _delete_resource,
    a.WireMethod: _wire,
    a.DeleteMethod: _delete_method,
    a.CreateDeployment: _deploy,
    a.DeleteApi: _delete_api,
    **api_stage.EXECUTORS,
}
