"""Lambda function ``N-S``, its published versions, the ``live`` alias and reserved concurrency.

Code is uploaded only when the bundle's SHA-256 differs from Lambda's ``CodeSha256`` and the
function's ``shoehorn:code`` tag does not say that the deployed zip holds the same files (a
fresh checkout dates its files anew: zipper.py); configuration only when a field differs. A
version is published when the state ``live`` points to differs from the desired state; the
alias then moves to it. Every write to the alias sends all requests to its one version: weighted
routing set outside shoehorn (a console canary) is drift, planned away and said.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from shoehorn.bundle.artifact import Bundle
from shoehorn.commandline import suggest
from shoehorn.config import Config
from shoehorn.deploy import actions as a
from shoehorn.deploy.aws import Aws, AwsError
from shoehorn.deploy.context import Context
from shoehorn.deploy.naming import ALIAS, sha256_hex, tag_pairs
from shoehorn.deploy.ownership import APP_TAG, STAGE_TAG
from shoehorn.deploy.resources import function_pinned as pinned
from shoehorn.deploy.resources.bucket import bundle_key
from shoehorn.errors import ConflictError
from shoehorn.project import TAG as PROJECT_TAG

# Lambda quotas: 50 MB zipped for a direct upload (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
DIRECT_UPLOAD_LIMIT = 50 * 1024 * 1024
DESCRIPTION = "shoehorn app (managed by shoehorn up/down)"
WARM_TAG = "shoehorn:warm"
# "<content digest>/<CodeSha256 in hex>": the deployed code holds the files of that digest. It
# proves nothing once the function's CodeSha256 is another (code uploaded by someone else).
CODE_TAG = "shoehorn:code"
SETTING_NAMES = ("runtime", "handler", "memory", "timeout", "role", "environment", "ephemeral_storage", "snapstart",
                 *pinned.PINNED)
# SnapStart snapshots each published version ($LATEST never): "Activating and managing Lambda
# SnapStart", https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html.
SNAPSTART_ON = {"ApplyOn": "PublishedVersions"}
# UpdateAlias keeps an alias's weighted routing unless RoutingConfig is sent; an empty
# AdditionalVersionWeights removes it ("Lambda function aliases" / "Traffic shifting using aliases",
# https://docs.aws.amazon.com/lambda/latest/dg/configuration-aliases.html, and the UpdateAlias API,
# https://docs.aws.amazon.com/lambda/latest/api/API_UpdateAlias.html). moto 5 behaves the same way.
ONE_VERSION = {"AdditionalVersionWeights": {}}


@dataclass(frozen=True, slots=True)
class FunctionDesired:
    name: str
    settings: a.FunctionSettings
    code: a.Code
    tags: tuple[tuple[str, str], ...]
    concurrency: int | None


@dataclass(frozen=True, slots=True)
class Deployed:
    """One state of the function: $LATEST, or the version ``live`` points to."""

    settings: a.FunctionSettings
    code_sha256: str
    architecture: str
    version: str = "$LATEST"


@dataclass(frozen=True, slots=True)
class FunctionObserved:
    latest: Deployed
    live: Deployed | None  # None: the alias does not exist
    concurrency: int | None
    revision_id: str | None
    tags: tuple[tuple[str, str], ...] = ()
    made_by_shoehorn: bool = False  # shoehorn's description and role: ours even if untagged
    weights: tuple[tuple[str, float], ...] = ()  # the `live` alias's weighted routing: (version, share), ...
    alias_revision_id: str | None = None  # the `live` alias's RevisionId as read: UpdateAlias sends it back


def code_sha256(config: Config, bundle: Bundle, have: FunctionObserved | None) -> str:
    """The CodeSha256 the function should hold: the deployed one when its tag says it holds the
    bundle's files (dated differently) for the same architecture, else the bundle's. The tag is a
    hint written by shoehorn's own uploads: trusted only on a function tagged as this app's and
    stage's (never on one found untagged, even with --adopt), and only for the CodeSha256 it names."""
    if have is None or not bundle.content or have.latest.architecture != bundle.architecture:
        return bundle.code_sha256
    tags = dict(have.tags)
    ours = tags.get(APP_TAG) == config.name and tags.get(STAGE_TAG) == config.stage
    if ours and tags.get(CODE_TAG) == _code_tag(bundle.content, have.latest.code_sha256):
        return have.latest.code_sha256
    return bundle.code_sha256


def _code_tag(content: str, code_sha256: str) -> str:
    return f"{content}/{sha256_hex(code_sha256)}"


def _code_tags(code: a.Code) -> dict[str, str]:
    """The tag written with uploaded code: none when the bundle's content is unknown."""
    return {CODE_TAG: _code_tag(code.content, code.code_sha256)} if code.content else {}


def desired(config: Config, bundle: Bundle, *, bucket: str | None = None,
            have: FunctionObserved | None = None) -> FunctionDesired:
    settings = a.FunctionSettings(
        runtime=config.runtime, handler=bundle.handler, memory=config.memory, timeout=config.timeout,
        role_name=config.role_name, environment=tuple(sorted(config.environment.items())),
        ephemeral_storage=config.ephemeral_storage,
        snapstart=config.snapstart,
    )
    key = bundle_key(config.stage, bundle.sha256) if bucket else None
    code = a.Code(path=bundle.path, code_sha256=code_sha256(config, bundle, have), architecture=config.architecture,
                  bucket=bucket, key=key, content=bundle.content)
    # The warm-up setting the last `up` applied (its --warm included), so `status` tells an intended
    # override from drift.
    # and the project it is deployed from, by which `up` and `status` find this stage left under an old name
    # (deploy/renamed.py); none outside a git repository with a remote
    project = {PROJECT_TAG: config.project} if config.project else {}
    tags = tag_pairs({**config.tags, WARM_TAG: config.warm or "off", **project})
    return FunctionDesired(config.function_name, settings, code, tags, config.concurrency)


def _deployed(conf: dict[str, Any]) -> Deployed:
    settings = a.FunctionSettings(
        runtime=conf.get("Runtime", ""), handler=conf.get("Handler", ""), memory=int(conf.get("MemorySize", 0)),
        timeout=int(conf.get("Timeout", 0)), role_name=str(conf.get("Role", "")).rsplit("/", 1)[-1],
        environment=tuple(sorted(((conf.get("Environment") or {}).get("Variables") or {}).items())),
        ephemeral_storage=ephemeral_storage(conf),
        snapstart=(conf.get("SnapStart") or {}).get("ApplyOn") == SNAPSTART_ON["ApplyOn"],
        **pinned.observed(conf),
    )
    return Deployed(settings, conf.get("CodeSha256", ""), (conf.get("Architectures") or ["x86_64"])[0],
                    str(conf.get("Version", "$LATEST")))


def ephemeral_storage(conf: dict[str, Any]) -> int:
    """The MB of /tmp in a GetFunctionConfiguration answer (512, Lambda's default, when absent)."""
    return int((conf.get("EphemeralStorage") or {}).get("Size") or 512)


def alias_weights(alias: Mapping[str, Any] | None) -> tuple[tuple[str, float], ...]:
    """A GetAlias answer's weighted routing, as sorted (version, share of requests) pairs; () for none."""
    weights = ((alias or {}).get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    return tuple(sorted((str(version), float(share)) for version, share in weights.items()))


def _observe_live(aws: Aws, config: Config) -> tuple[Deployed | None, tuple[tuple[str, float], ...], str | None]:
    """The version ``live`` points to, the alias's weighted routing (GetFunctionConfiguration
    on an alias does not say it is weighted: GetAlias does) and the alias's RevisionId."""
    try:
        alias = aws.call("lambda", "get_alias", expect=("ResourceNotFoundException",),
                         FunctionName=config.function_name, Name=ALIAS)
        conf = aws.call("lambda", "get_function_configuration", expect=("ResourceNotFoundException",),
                        FunctionName=config.function_name, Qualifier=str(alias["FunctionVersion"]))
    except AwsError:
        return None, (), None
    return _deployed(conf), alias_weights(alias), alias.get("RevisionId")


def observe(aws: Aws, config: Config) -> FunctionObserved | None:
    try:
        got = aws.call("lambda", "get_function", expect=("ResourceNotFoundException",), FunctionName=config.function_name)
    except AwsError:
        return None
    live, weights, alias_revision = _observe_live(aws, config)
    conf = got["Configuration"]
    concurrency = (got.get("Concurrency") or {}).get("ReservedConcurrentExecutions")
    if concurrency is None and config.concurrency is not None:
        # moto leaves "Concurrency" out when it is 0 (the kill switch): ask directly before a cap goes over it.
        concurrency = aws.call("lambda", "get_function_concurrency",
                               FunctionName=config.function_name).get("ReservedConcurrentExecutions")
    tags = tuple(sorted((got.get("Tags") or {}).items()))
    return FunctionObserved(_deployed(conf), live, concurrency, conf.get("RevisionId"), tags,
                            made_by_shoehorn(conf, config), weights, alias_revision)


def made_by_shoehorn(conf: dict[str, Any], config: Config) -> bool:
    """shoehorn's description and this app's role: proof enough for an untagged function (GetFunction's Configuration)."""
    return conf.get("Description") == DESCRIPTION and str(conf.get("Role", "")).rsplit("/", 1)[-1] == config.role_name


def _changed(want: a.FunctionSettings, have: a.FunctionSettings) -> tuple[str, ...]:
    pairs = {
        "runtime": (want.runtime, have.runtime), "handler": (want.handler, have.handler),
        "memory": (want.memory, have.memory), "timeout": (want.timeout, have.timeout),
        "role": (want.role_name, have.role_name), "environment": (want.environment, have.environment),
        "ephemeral_storage": (want.ephemeral_storage, have.ephemeral_storage),
        "snapstart": (want.snapstart, have.snapstart),
        **{name: (getattr(want, name), getattr(have, name)) for name in pinned.PINNED},
    }
    return tuple(name for name in SETTING_NAMES if pairs[name][0] != pairs[name][1])


def diff(want: FunctionDesired, have: FunctionObserved | None) -> tuple[a.Action, ...]:
    name = want.name
    if have is None:
        steps: list[a.Action] = [
            a.CreateFunction(reason="the function does not exist", name=name, settings=want.settings, code=want.code,
                             tags=want.tags),
            a.PublishVersion(reason="a new function needs a first version", name=name),
            a.CreateAlias(reason=f"API Gateway calls the `{ALIAS}` alias", name=name),
        ]
        if want.concurrency is not None:
            steps.append(a.PutConcurrency(reason="the config caps concurrency", name=name, concurrency=want.concurrency))
        return tuple(steps)
    steps = []
    if not set(want.tags) <= set(have.tags):
        steps.append(a.TagFunction(reason="the function lacks shoehorn's tags (an interrupted first deploy, "
                                   "--adopt, a new warm-up setting, or the project's tag)", name=name, tags=want.tags))
    latest = have.latest
    if latest.code_sha256 != want.code.code_sha256 or latest.architecture != want.code.architecture:
        why = "the bundle changed" if latest.code_sha256 != want.code.code_sha256 else "the architecture changed"
        steps.append(a.UpdateFunctionCode(reason=f"{why} (deployed sha256 {sha256_hex(latest.code_sha256)[:12]}…)",
                                          name=name, code=want.code))
    else:
        code_tags = _code_tags(want.code)
        if not set(code_tags.items()) <= set(have.tags):  # an upload whose tag write was interrupted
            steps.append(a.TagFunction(reason="the deployed code's shoehorn:code tag is missing or out of date",
                                       name=name, tags=tuple(code_tags.items())))
    changed = _changed(want.settings, latest.settings)
    if changed:
        reason = "the config differs from what is deployed"
        if "environment" in changed:
            reason += f"; environment: {_environment_change(want.settings.environment, latest.settings.environment)}"
        reason = pinned.reason(changed, reason)
        steps.append(a.UpdateFunctionConfiguration(reason=reason, name=name, settings=want.settings, changed=changed))
    live = have.live
    if live is None:
        steps += [a.PublishVersion(reason=f"the `{ALIAS}` alias is missing", name=name),
                  a.CreateAlias(reason=f"API Gateway calls the `{ALIAS}` alias", name=name)]
    elif (live.code_sha256 != want.code.code_sha256 or live.architecture != want.code.architecture
          or _changed(want.settings, live.settings) or not live.version.isdigit()):
        why = "code or configuration changed" if steps else f"`{ALIAS}` points to an older state (an interrupted deploy?)"
        if not live.version.isdigit():
            # $LATEST (set in the console) changes under the alias with every edit, and invoke and
            # rollback need a published version: publish one (Lambda returns the last one when
            # nothing changed since) and move the alias to it.
            why = f"`{ALIAS}` points to {live.version}, not to a published version (set outside shoehorn)"
        steps += [a.PublishVersion(reason=why, name=name),
                  a.UpdateAlias(reason=f"version {live.version} is out of date", name=name, from_version=live.version,
                                clears=have.weights, revision_id=have.alias_revision_id)]
    elif have.weights:
        steps.append(a.UpdateAlias(
            reason=f"`{ALIAS}` routes requests to other versions too ({a.weights_text(have.weights)}: weighted "
                   f"routing set outside shoehorn); version {live.version} is the deployed one",
            name=name, from_version=live.version, to_version=live.version, clears=have.weights,
            revision_id=have.alias_revision_id))
    # 0 is the kill switch (`shoehorn stop`): only `shoehorn start` lifts it, whatever the config's cap.
    if want.concurrency is not None and have.concurrency not in (want.concurrency, 0):
        steps.append(a.PutConcurrency(reason=f"the config caps concurrency (now {have.concurrency})", name=name,
                                      concurrency=want.concurrency))
    elif want.concurrency is None and have.concurrency not in (None, 0):
        steps.append(a.DeleteConcurrency(reason="the config no longer caps concurrency", name=name))
    return tuple(steps)


def environment_changes(before: Mapping[str, str], after: Mapping[str, str]) -> tuple[tuple[str, ...], ...]:
    """(added, changed, removed) variable names, each sorted: from ``before`` to ``after``."""
    return (tuple(sorted(key for key in after if key not in before)),
            tuple(sorted(key for key in after if key in before and before[key] != after[key])),
            tuple(sorted(key for key in before if key not in after)))


def _environment_change(want: tuple[tuple[str, str], ...], have: tuple[tuple[str, str], ...]) -> str:
    """Which variables `up` adds, changes and removes (names only: values may be secrets). A variable
    set with `shoehorn env set` and not in shoehorn.toml is one `up` removes: the hint says so."""
    changes = environment_changes(dict(have), dict(want))
    text = "; ".join(f"{label} {', '.join(names)}" for label, names in zip(("adds", "changes", "removes"), changes)
                     if names)
    if changes[2]:
        text += " (not in shoehorn.toml's [environment]: add what `shoehorn env set` set there to keep it)"
    return text


def _code_params(code: a.Code) -> dict[str, Any]:
    if code.bucket:
        return {"S3Bucket": code.bucket, "S3Key": code.key}
    return {"ZipFile": code.path.read_bytes()}


def _env(settings: a.FunctionSettings) -> dict[str, Any]:
    return {"Variables": dict(settings.environment)}


def _create(action: a.CreateFunction, ctx: Context) -> None:
    # IAM propagation (a role made seconds ago) is retried inside Aws.call, announced as Waiting.
    try:
        conf = _create_call(action, ctx)
    except AwsError:  # "Function already exist": another run created it after we looked
        raise ConflictError(
            f"another deploy is in progress: Lambda function {action.name} appeared while this run was creating it",
            f"Wait for the other `shoehorn up` to finish, then run `{suggest('up', stage=ctx.config.stage)}` again.",
        ) from None
    ctx.revision_id = conf.get("RevisionId")
    ctx.revision_id = ctx.aws.wait_function_updated(action.name).get("RevisionId") or ctx.revision_id


def _create_call(action: a.CreateFunction, ctx: Context) -> dict[str, Any]:
    s = action.settings
    return ctx.aws.call(
        "lambda", "create_function", expect=("ResourceConflictException",), FunctionName=action.name,
        Runtime=s.runtime, Role=ctx.role_arn(), Handler=s.handler, MemorySize=s.memory, Timeout=s.timeout, Environment=_env(s),
        EphemeralStorage={"Size": s.ephemeral_storage}, Architectures=[action.code.architecture], Code=_code_params(action.code), Tags={**dict(action.tags), **_code_tags(action.code)},
        Description=DESCRIPTION, Publish=False, **_snapstart(s, ("snapstart",) if s.snapstart else ()),
    )


def _snapstart(settings: a.FunctionSettings, changed: tuple[str, ...]) -> dict[str, Any]:
    """The SnapStart parameter, sent only when it changes (older runtimes never see it)."""
    if "snapstart" not in changed:
        return {}
    return {"SnapStart": SNAPSTART_ON if settings.snapstart else {"ApplyOn": "None"}}


def _guarded(ctx: Context) -> dict[str, Any]:
    """RevisionId makes Lambda refuse the write if someone else changed the function since we read it."""
    return {"RevisionId": ctx.revision_id} if ctx.revision_id else {}


def _update_code(action: a.UpdateFunctionCode, ctx: Context) -> None:
    conf = ctx.aws.call("lambda", "update_function_code", FunctionName=action.name,
                        Architectures=[action.code.architecture], **_code_params(action.code), **_guarded(ctx))
    ctx.revision_id = conf.get("RevisionId")
    tags = _code_tags(action.code)
    if tags:  # after the code (the tag names its CodeSha256); the wait below reads the RevisionId after both
        ctx.aws.call("lambda", "tag_resource", Resource=conf.get("FunctionArn") or _arn(action.name, ctx), Tags=tags)
    ctx.revision_id = ctx.aws.wait_function_updated(action.name).get("RevisionId") or ctx.revision_id


def _update_config(action: a.UpdateFunctionConfiguration, ctx: Context) -> None:
    s = action.settings
    conf = ctx.aws.call("lambda", "update_function_configuration", FunctionName=action.name, Runtime=s.runtime,
                        Role=ctx.role_arn(s.role_name), Handler=s.handler, MemorySize=s.memory, Timeout=s.timeout,
                        Environment=_env(s), EphemeralStorage={"Size": s.ephemeral_storage}, **_snapstart(s, action.changed),
                        **pinned.params(s, action.changed, action.name), **_guarded(ctx))
    ctx.revision_id = conf.get("RevisionId")
    ctx.revision_id = ctx.aws.wait_function_updated(action.name).get("RevisionId") or ctx.revision_id


def _publish(action: a.PublishVersion, ctx: Context) -> None:
    conf = ctx.aws.call("lambda", "publish_version", FunctionName=action.name, **_guarded(ctx))
    ctx.version = str(conf["Version"])


def _create_alias(action: a.CreateAlias, ctx: Context) -> None:
    try:
        ctx.aws.call("lambda", "create_alias", expect=("ResourceConflictException",), FunctionName=action.name,
                     Name=action.alias, FunctionVersion=ctx.version, Description="the version API Gateway serves")
    except AwsError:  # made by an interrupted or concurrent run: move it instead
        ctx.aws.call("lambda", "update_alias", FunctionName=action.name, Name=action.alias, FunctionVersion=ctx.version,
                     RoutingConfig=ONE_VERSION)


def _update_alias(action: a.UpdateAlias, ctx: Context) -> None:
    # RevisionId: if another run moved the alias since it was read, Lambda refuses (UpdateAlias API).
    guard = {"RevisionId": action.revision_id} if action.revision_id else {}
    # RoutingConfig always: without it the alias would keep sending a share of requests to another version.
    ctx.aws.call("lambda", "update_alias", FunctionName=action.name, Name=action.alias,
                 FunctionVersion=action.to_version or ctx.version, RoutingConfig=ONE_VERSION, **guard)


def _put_concurrency(action: a.PutConcurrency, ctx: Context) -> None:
    ctx.aws.call("lambda", "put_function_concurrency", FunctionName=action.name,
                 ReservedConcurrentExecutions=action.concurrency)


def _delete_concurrency(action: a.DeleteConcurrency, ctx: Context) -> None:
    ctx.aws.call("lambda", "delete_function_concurrency", FunctionName=action.name)


def _arn(name: str, ctx: Context) -> str:
    return f"arn:aws:lambda:{ctx.region}:{ctx.account}:function:{name}"


def _tag(action: a.TagFunction, ctx: Context) -> None:
    ctx.aws.call("lambda", "tag_resource", Resource=_arn(action.name, ctx), Tags=dict(action.tags))


def _delete(action: a.DeleteFunction, ctx: Context) -> None:
    try:  # without a Qualifier, Lambda deletes every version, alias and their permissions
        ctx.aws.call("lambda", "delete_function", expect=("ResourceNotFoundException",), FunctionName=action.name)
    except AwsError:
        pass


EXECUTORS = {
    a.CreateFunction: _create,
    a.UpdateFunctionCode: _update_code,
    a.UpdateFunctionConfiguration: _update_config,
    a.PublishVersion: _publish,
    a.CreateAlias: _create_alias,
    a.UpdateAlias: _update_alias,
    a.PutConcurrency: _put_concurrency,
    a.DeleteConcurrency: _delete_concurrency,
    a.DeleteFunction: _delete,
    a.TagFunction: _tag,
}
