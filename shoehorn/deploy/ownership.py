"""Is a resource found by its name ours? Checked before anything is written or deleted.

The function, role, log group and warm-up rule are found by name (``{name}-{stage}``...), and a
name alone proves nothing: a person or another tool may have made a resource under it. A
resource is ours when its ``shoehorn:app`` and ``shoehorn:stage`` tags say so. An untagged one
is taken over only when the facts shoehorn writes with it prove it was ours all along (a first
deploy interrupted between creating and tagging), or when the user asks with ``--adopt``.
Tagged for another app or stage: refused, whatever the flags. With one of the two tags removed
by hand, the one left decides: naming another app or stage, refused; naming this one, the
resource counts as untagged (re-tagged when proven ours, or with ``--adopt``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from shoehorn.commandline import suggest
from shoehorn.config import Config
from shoehorn.errors import NotOursError

if TYPE_CHECKING:
    from shoehorn.deploy.resources.bucket import BucketObserved
    from shoehorn.deploy.resources.function import FunctionObserved
    from shoehorn.deploy.resources.logs import LogsObserved
    from shoehorn.deploy.resources.role import RoleObserved
    from shoehorn.deploy.resources.schedule import ScheduleObserved

APP_TAG, STAGE_TAG = "shoehorn:app", "shoehorn:stage"


@dataclass(frozen=True, slots=True)
class Claim:
    """One resource found by name, with what says who made it."""

    kind: str  # "Lambda function", "IAM role", ...
    name: str
    tags: tuple[tuple[str, str], ...]
    proven: bool = False  # untagged, but carries what shoehorn writes (trust policy, description)
    app_wide: bool = False  # shared by the app's stages (the bundle bucket): tagged with the app only
    made_by: str = ""  # another deploy tool, by its marks (other_tool): "Zappa", "CloudFormation stack X"


def owner(claim: Claim) -> tuple[str, str] | None:
    """The (app, stage) the tags name; None when the resource carries no shoehorn tags."""
    tags = dict(claim.tags)
    if APP_TAG not in tags and STAGE_TAG not in tags:
        return None
    return tags.get(APP_TAG, "?"), tags.get(STAGE_TAG, "?")


def check(claims: tuple[Claim, ...], config: Config, *, adopt: bool = False, command: str = "up") -> None:
    """Raise NotOursError for the first claim that is not provably this app's and stage's."""
    for claim in claims:
        who = owner(claim)
        what = f"{claim.kind} {claim.name}"
        if who == (config.name, config.stage) or (claim.app_wide and who is not None and who[0] == config.name):
            continue
        if claim.app_wide:
            # not adopted, even with --adopt: an S3 bucket holds data shoehorn cannot tell from its own
            raise NotOursError(
                f"{what} exists but is not tagged shoehorn:app={config.name} "
                + (f"(it is app {who[0]!r}'s)" if who is not None else "(it has no shoehorn tags)")
                + "; nothing was uploaded",
                f"shoehorn keeps bundles over 50 MB in a bucket of that name. If it is this app's (a first upload "
                f"interrupted before the tag), tag it shoehorn:app={config.name}; otherwise delete or rename it, "
                "or pick another `name` in shoehorn.toml.",
            )
        tags = dict(claim.tags)
        if APP_TAG in tags and STAGE_TAG in tags:
            raise NotOursError(
                f"{what} belongs to app {who[0]!r} stage {who[1]!r} (its shoehorn tags), not to "
                f"{config.name!r} stage {config.stage!r}; nothing was changed",
                "Pick another `name` in shoehorn.toml or another --stage: shoehorn never touches another app's "
                "resources.",
            )
        if who is not None:
            _check_one_tag(claim, tags, config, adopt=adopt, command=command)
            continue
        if claim.proven or adopt:
            continue
        if command.startswith("down"):
            hint = (f"It is not this app's to delete: delete it yourself if it should go, or pick another `name`/"
                    f"--stage." + _adopt_aside(config, command))
        elif claim.made_by:
            hint = _other_tools_hint(claim, config, command)
        else:
            hint = (f"Pick another `name` in shoehorn.toml or another --stage, or run "
                    f"`{suggest(f'{command} --adopt', stage=config.stage)}` to take it over on purpose (shoehorn then "
                    "tags it and manages it like its own).")
        raise NotOursError(f"{what} exists but was not created by shoehorn (it has no shoehorn tags); "
                           "nothing was changed", hint)


# Marks other deploy tools leave on a Lambda function. Zappa names its function PROJECT-STAGE, as shoehorn
# does (and its default project name is the folder's, as shoehorn's): a Zappa user deploying in place meets it.
_ZAPPA_HANDLER = "handler.lambda_handler"  # Zappa's `lambda_handler` default
_STACK_TAG = "aws:cloudformation:stack-name"  # SAM and the Serverless Framework deploy through CloudFormation


def other_tool(handler: str, tags: tuple[tuple[str, str], ...]) -> str:
    """The deploy tool that made an untagged function, by its marks; "" when none is known."""
    found = dict(tags)
    if _STACK_TAG in found:
        return f"CloudFormation stack {found[_STACK_TAG]}"
    if "aws-chalice" in found:
        return "Chalice"
    return "Zappa" if handler == _ZAPPA_HANDLER else ""


def _other_tools_hint(claim: Claim, config: Config, command: str) -> str:
    """Take-over is not the way with another tool's function: that tool still holds it (its API still calls
    it, and its own removal would delete it), so the hint says how to remove it or deploy beside it."""
    remove = {"Zappa": f"`zappa undeploy {config.stage}`", "Chalice": "`chalice delete`"}.get(
        claim.made_by, "deleting that stack (`sam delete`, `serverless remove`)")
    return (f"It is {claim.made_by}'s: set another `name` in shoehorn.toml to deploy beside it, or remove it with "
            f"{remove} and run `{suggest(command, stage=config.stage)}` again. Taking it over "
            f"(--adopt) would not take it from {claim.made_by}: its API would still call it, and removing "
            f"{claim.made_by}'s deployment later would delete it.")


def _check_one_tag(claim: Claim, tags: dict[str, str], config: Config, *, adopt: bool, command: str) -> None:
    """One of the two tags is gone (removed in the console: the tag editor removes one key at a time).
    What is left says nothing about another app unless it disagrees: one that agrees leaves the
    resource as good as untagged (``up`` re-tags it if proven ours, or with --adopt); one that
    disagrees names another app or stage, and is refused whatever the flags."""
    (key, value), missing = ((APP_TAG, tags[APP_TAG]), STAGE_TAG) if APP_TAG in tags else \
        ((STAGE_TAG, tags[STAGE_TAG]), APP_TAG)
    mine = config.name if key == APP_TAG else config.stage
    what = f"{claim.kind} {claim.name}"
    carries = f"it carries {key}={value} but no {missing} tag"
    if value != mine:
        raise NotOursError(
            f"{what} is not this app's and stage's ({carries}, and {config.name}/{config.stage} needs "
            f"{key}={mine}); nothing was changed",
            f"If it is this app's (its tags edited by hand), tag it {APP_TAG}={config.name} and "
            f"{STAGE_TAG}={config.stage}; otherwise pick another `name` in shoehorn.toml or another --stage.",
        )
    if claim.proven or adopt:
        return
    if command.startswith("down"):
        hint = (f"Nothing else shows shoehorn made it, so it is not deleted: tag it {APP_TAG}={config.name} and "
                f"{STAGE_TAG}={config.stage} if it is this app's, or delete it yourself."
                + _adopt_aside(config, command))
    else:
        hint = (f"Nothing else shows shoehorn made it: run `{suggest(f'{command} --adopt', stage=config.stage)}` to "
                "take it over on purpose (shoehorn then tags it and manages it like its own), or pick another `name` "
                "or --stage.")
    raise NotOursError(f"{what} lacks one of shoehorn's tags ({carries}) and was not otherwise shown to be "
                       "shoehorn's; nothing was changed", hint)


def _adopt_aside(config: Config, command: str) -> str:
    """`up --adopt` acts on this directory's app: named only by a `down` of that app, not by `down --app`
    (another name's stack), where it would take over the wrong thing."""
    if command != "down":
        return ""
    return f" (`{suggest('up --adopt', stage=config.stage)}` takes it over on purpose.)"


def check_observed(observed, config: Config, *, adopt: bool = False, command: str = "up") -> None:
    """``check`` over everything ``deploy.observe`` found under this app's names."""
    check(claims(config, role=observed.role, function=observed.function, logs=observed.logs,
                 schedule=observed.schedule, bucket=observed.bucket), config, adopt=adopt, command=command)


def claims(config: Config, *, role: RoleObserved | None, function: FunctionObserved | None,
           logs: LogsObserved | None, schedule: ScheduleObserved | None,
           bucket: BucketObserved | None = None) -> tuple[Claim, ...]:
    """What was found under this app's names. The REST API is not here: it is found by its tags in
    the first place. The bundle bucket is, when it exists: a name (even with the account in it) is
    no proof (a bucket of that name was written into whoever had made it)."""
    from shoehorn.deploy.resources.schedule import rule_name

    found: list[Claim] = []
    if role is not None:
        found.append(Claim("IAM role", config.role_name, role.tags, role.made_by_shoehorn))
    function_ours = function is not None and (owner(Claim("", "", function.tags)) == (config.name, config.stage)
                                              or function.made_by_shoehorn)
    if function is not None:
        found.append(Claim("Lambda function", config.function_name, function.tags, function.made_by_shoehorn,
                           made_by=other_tool(function.latest.settings.handler, function.tags)))
    if logs is not None:
        # Lambda itself creates /aws/lambda/<function> (untagged) when our function first logs.
        found.append(Claim("log group", config.log_group, logs.tags, function_ours))
    if schedule is not None:
        found.append(Claim("EventBridge rule", rule_name(config), schedule.tags, schedule.made_by_shoehorn))
    if bucket is not None and bucket.exists:
        found.append(Claim("S3 bucket", bucket.name, bucket.tags, app_wide=True))
    return tuple(found)
