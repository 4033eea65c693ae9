"""``shoehorn rollback``: move the ``live`` alias to an earlier published version; list versions.

Nothing is rebuilt or redeployed: API Gateway integrates with the alias (docs/ARCHITECTURE.md), so
moving the alias switches traffic at once. ``up`` publishes a version on every change, so
every earlier deploy is still there to go back to. A rollback sends every request to the version
chosen: weighted routing on the alias (a canary set in the console) is removed, and said.
"""

from __future__ import annotations

from dataclasses import dataclass

from shoehorn.commandline import suggest
from shoehorn.deploy import actions as a
from shoehorn.errors import ConflictError, ShoehornError
from shoehorn.ops.change import run
from shoehorn.ops.deployment import ALIAS, Deployment, live_version, pages
from shoehorn.progress import Progress, discard


class NoSuchVersionError(ShoehornError):
    exit_code = 2


@dataclass(frozen=True)
class Version:
    number: int
    deployed_at: str  # LastModified, ISO-8601 as Lambda reports it
    code_sha256: str
    description: str
    live: bool  # the version the alias points to
    share: float | None = None  # the share of requests it gets when the alias's routing is weighted


@dataclass(frozen=True)
class Rollback:
    function_name: str
    from_version: int
    to_version: int
    plan: a.Plan = ()
    cleared: tuple[tuple[str, float], ...] = ()  # the weighted routing removed (or, on a dry run, to remove)


def list_versions(deployment: Deployment) -> tuple[Version, ...]:
    """Published versions, oldest first ($LATEST is not a version you can roll back to)."""
    live = deployment.live_version
    weights = dict(deployment.live_weights)
    shares = {**weights, str(live): 1 - sum(weights.values())} if weights else {}
    raw = pages(deployment.aws, "lambda", "list_versions_by_function", "Versions", FunctionName=deployment.function_name)
    versions = [
        Version(
            number=int(item["Version"]),
            deployed_at=str(item.get("LastModified", "")),
            code_sha256=str(item.get("CodeSha256", "")),
            description=str(item.get("Description", "")),
            live=str(item["Version"]) == live,
            share=shares.get(str(item["Version"])),
        )
        for item in raw
        if item.get("Version", "$LATEST") != "$LATEST"
    ]
    return tuple(sorted(versions, key=lambda version: version.number))


def choose_target(versions: tuple[Version, ...], live: int, wanted: int | None) -> int:
    """The version to roll back to: ``wanted``, or the newest one older than ``live``."""
    numbers = [version.number for version in versions]
    if wanted is not None:
        if wanted not in numbers:
            raise NoSuchVersionError(
                f"version {wanted} does not exist",
                "published versions: " + (", ".join(map(str, numbers)) or "none") + f" (see `{suggest('rollback --list')}`)",
            )
        return wanted
    older = [number for number in numbers if number < live]
    if not older:
        raise NoSuchVersionError(
            f"version {live} is the oldest published version: there is nothing earlier to roll back to",
            f"`{suggest('rollback --list')}` shows the versions; `{suggest('rollback N')}` picks one",
        )
    return older[-1]


def rollback(deployment: Deployment, wanted: int | None = None, *, progress: Progress = discard,
             dry_run: bool = False) -> Rollback:
    live = live_version(deployment)
    target = choose_target(list_versions(deployment), int(live), wanted)
    weights = deployment.live_weights
    steps: a.Plan = () if target == int(live) and not weights else (
        # revision_id: if another deploy moved the alias since we read it, fail instead of
        # silently overwriting its choice (Lambda UpdateAlias, RevisionId parameter).
        a.UpdateAlias(reason="`shoehorn rollback`", name=deployment.function_name, from_version=live,
                      to_version=str(target), revision_id=deployment.alias["RevisionId"], clears=weights),)
    try:
        run(deployment, steps, progress=progress, dry_run=dry_run)
    except ConflictError:
        raise ConflictError(
            f"the '{ALIAS}' alias changed while rolling back (another deploy is in progress)",
            f"wait for it to finish, then run `{suggest('rollback --list', stage=deployment.config.stage)}` and try again",
        ) from None
    return Rollback(deployment.function_name, int(live), target, steps, weights)
