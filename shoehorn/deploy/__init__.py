"""Deploy: desired (config + bundle) -> observed (AWS) -> plan (actions) -> apply.

``up``, ``plan`` and ``down`` are the library entry points the CLI calls; nothing is stored
locally, so any machine (or CI) converges the same resources.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from shoehorn.bundle.artifact import Bundle
from shoehorn.commandline import suggest
from shoehorn.config import Config
from shoehorn.deploy import actions as a
from shoehorn.deploy.aws import Aws
from shoehorn.deploy.planner import plan as _make_plan
from shoehorn.errors import DeployError, ShoehornError
from shoehorn.progress import Progress, Warn, discard


@dataclass(frozen=True, slots=True)
class Result:
    url: str
    api_id: str
    version: str | None  # the version `live` points to
    actions: a.Plan  # what was applied (empty: nothing changed)
    seconds: float
    reads: int
    writes: int
    # this project's stage under other app names (deploy/renamed.py), looked for when the function was created
    other_names: tuple = ()


@dataclass(frozen=True, slots=True)
class DownResult:
    actions: a.Plan
    seconds: float
    others: tuple[str, ...] = ()  # ARNs shoehorn did not make that carry the stage's tags: left alone
    notes: tuple[str, ...] = ()  # what the user should know about a teardown that succeeded
    untagged_bucket: str | None = None  # the app's bundle-bucket name, in this account, untagged: left as it is


def _observe_and_plan(config: Config, bundle: Bundle, aws: Aws, progress: Progress, upload_limit: int | None,
                      adopt: bool, command: str):
    from shoehorn.deploy import ownership
    from shoehorn.deploy.observe import observe
    from shoehorn.deploy.resources.role import INLINE_PREFIX

    limits = {} if upload_limit is None else {"upload_limit": upload_limit}
    observed = observe(aws, config, bundle, **limits)
    ownership.check_observed(observed, config, adopt=adopt, command=command)  # before any write
    foreign = [name for name in (observed.role.inline if observed.role else ()) if not name.startswith(INLINE_PREFIX)]
    if foreign:
        # not deleted (an inline policy's document would be lost, not merely detached), but said at each deploy
        progress(Warn(f"the role {config.role_name} has inline policies shoehorn did not write: {', '.join(foreign)}; "
                      "they grant more than `statements` in shoehorn.toml (move them there, then delete them)"))
    if observed.api and observed.api.duplicates:
        progress(Warn(f"several REST APIs carry the tags of {config.name}/{config.stage}; using {observed.api.id}, "
                      f"ignoring {', '.join(observed.api.duplicates)} (delete them in the console)"))
    others = _other_names(config, aws) if observed.function is None else ()
    return observed, _make_plan(config, bundle, observed, **limits), others


def _other_names(config: Config, aws: Aws) -> tuple:
    """A function about to be created: is this project's stage deployed under another name (a rename's
    leftover)? Asked only then, so a no-op deploy makes no extra read (deploy/renamed.py)."""
    from shoehorn.deploy import renamed

    try:
        return renamed.find(aws, config)
    except ShoehornError:
        # no tag:GetResources (or lambda:GetFunction) in the deploy policy: the deploy needs neither, so it
        # goes on without the courtesy check; `status` asks again
        return ()


def plan(config: Config, bundle: Bundle, aws: Aws, progress: Progress = discard, *,
         upload_limit: int | None = None, adopt: bool = False) -> a.Plan:
    """What ``up`` would do now. Reads only. ``upload_limit`` overrides Lambda's direct-upload limit (tests);
    ``adopt`` plans to take over resources under this app's names that shoehorn did not create. A stack
    this project left under another app name is said as a warning (``up`` puts it in its Result)."""
    from shoehorn.deploy import renamed

    _, steps, others = _observe_and_plan(config, bundle, aws, progress, upload_limit, adopt, "plan")
    for other in others:
        progress(Warn(renamed.words(config.name, other)))
    return steps


def up(config: Config, bundle: Bundle, aws: Aws, progress: Progress = discard, *,
       upload_limit: int | None = None, adopt: bool = False) -> Result:
    from shoehorn.deploy import apply, naming
    from shoehorn.deploy.context import Context

    started = time.monotonic()
    observed, steps, others = _observe_and_plan(config, bundle, aws, progress, upload_limit, adopt, "up")
    have_api, have_function = observed.api, observed.function
    ctx = Context(
        aws=aws, config=config, account=observed.account, progress=progress,
        api_id=have_api.id if have_api else None,
        root_id=have_api.route("/").id if have_api and have_api.route("/") else None,
        proxy_id=have_api.route("/{proxy+}").id if have_api and have_api.route("/{proxy+}") else None,
        version=have_function.live.version if have_function and have_function.live else None,
        revision_id=have_function.revision_id if have_function else None,
    )
    if have_api and not ctx.root_id and steps:
        raise DeployError(f"REST API {have_api.id} has no root resource", f"Delete it in the console and run `{suggest('up', stage=config.stage)}`.")
    apply.apply(steps, ctx)
    assert ctx.api_id, "the plan always ends with an API"
    return Result(
        url=naming.url(ctx.api_id, aws.region, config.stage), api_id=ctx.api_id, version=ctx.version, actions=steps,
        seconds=time.monotonic() - started, reads=aws.reads, writes=aws.writes, other_names=others,
    )


def down(config: Config, aws: Aws, progress: Progress = discard, *, keep_logs: bool = False,
         named: bool = False) -> DownResult:
    """``named``: the app name came from the command line (``down --app NAME``, a renamed app's old
    stack), not from this directory's config: its function must also not carry another project's tag."""
    from shoehorn.deploy import apply, ownership, renamed, sweep
    from shoehorn.deploy.context import Context

    started = time.monotonic()
    command = f"down --app {config.name}" if named else "down"
    found = sweep.observe(aws, config)
    ownership.check(found.claims, config, command=command)  # before any delete
    if named:
        renamed.check_same_project(config, found.function_tags)
    steps = sweep.plan(config, found, keep_logs=keep_logs)
    apply.apply(steps, Context(aws=aws, config=config, account=found.account, progress=progress))
    left = sweep.leftovers(aws, config, keep_logs=keep_logs)
    if left:
        raise DeployError(f"`down` finished but these still exist: {', '.join(left)}",
                          f"Run `{suggest(command, stage=config.stage)}` again; if they stay, delete them in "
                          "the AWS console.")
    notes: list[str] = []
    if found.untagged_bucket:
        notes.append(f"S3 bucket {found.untagged_bucket} has the name shoehorn gives {config.name}'s bundle bucket "
                     f"but is not tagged shoehorn:app={config.name}, so it was left as it is: nothing proves "
                     "shoehorn made it (a first upload of a bundle over 50 MB interrupted between creating and "
                     "tagging it leaves one like this). If it is yours to delete: "
                     f"`aws s3 rb s3://{found.untagged_bucket}` (--force also deletes what it holds).")
    try:
        others = tuple(sweep.others_tagged(aws, config))
    except ShoehornError as error:
        # Only a courtesy after the teardown (naming a user's own resources tagged like the stage, which
        # shoehorn never deletes): without tag:GetResources the teardown above still succeeded, and every
        # kind shoehorn makes was checked gone by its own API (sweep.leftovers).
        others = ()
        notes.append(f"could not check for other resources tagged shoehorn:app={config.name}, "
                     f"shoehorn:stage={config.stage} (shoehorn deletes only what it made; it names the others): "
                     f"{error.message}")
    return DownResult(steps, time.monotonic() - started, others, tuple(notes), found.untagged_bucket)
