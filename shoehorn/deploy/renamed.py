"""This project's stage deployed under another app name: what a rename leaves behind.

Resources are found by name (``{name}-{stage}``), so when ``name`` changes (in shoehorn.toml, or
the folder's name it defaults to) ``up`` creates a new stack and the old one keeps running, and
costing, unseen. ``up`` tags the function with the project it comes from (shoehorn/project.py:
the git remote and the folder, the same on every clone and in CI), so the old stack is found by
asking AWS for this project's functions at this stage whose ``shoehorn:app`` is another name.

Asked only where it costs nothing on the everyday path: by ``up`` and ``plan`` when the function
does not exist (the first deploy under a name, when a rename's new stack is about to be made; a
no-op deploy never asks), by ``status``, and when a command finds nothing deployed. Nothing is
ever deleted here: the words name the command that deletes the old stack (``down --app``), whose
own checks (the tags of every resource, this project's tag on the function) come first.
"""

from __future__ import annotations

from dataclasses import dataclass

from shoehorn.commandline import suggest
from shoehorn.config import Config
from shoehorn.deploy.aws import Aws, AwsError
from shoehorn.deploy.ownership import APP_TAG, STAGE_TAG
from shoehorn.errors import NotOursError
from shoehorn.project import TAG as PROJECT_TAG


@dataclass(frozen=True, slots=True)
class OtherName:
    app: str  # the app name it is deployed under
    stage: str
    function_name: str


def find(aws: Aws, config: Config) -> tuple[OtherName, ...]:
    """This project's functions at ``config.stage`` tagged with another app name: one tag:GetResources
    call, then a GetFunction for each one found (the tagging API lists a function for a while after
    it is deleted: a `down --app` just run must not be named again). None without a project."""
    if not config.project:
        return ()
    candidates: dict[str, str] = {}  # function name -> app
    token = ""
    while True:
        page = aws.call(
            "resourcegroupstaggingapi", "get_resources", **({"PaginationToken": token} if token else {}),
            TagFilters=[{"Key": PROJECT_TAG, "Values": [config.project]}, {"Key": STAGE_TAG, "Values": [config.stage]}],
            ResourceTypeFilters=["lambda:function"],
        )  # fmt: skip
        for mapping in page.get("ResourceTagMappingList", []):
            tags = {tag["Key"]: tag["Value"] for tag in mapping.get("Tags", [])}
            app = tags.get(APP_TAG)
            function_name = mapping["ResourceARN"].split(":function:", 1)[-1].split(":", 1)[0]
            if app and app != config.name and function_name == f"{app}-{config.stage}":
                candidates[function_name] = app
        token = page.get("PaginationToken") or ""
        if not token:
            break
    found = []
    for function_name, app in sorted(candidates.items()):
        try:
            got = aws.call("lambda", "get_function", expect=("ResourceNotFoundException",), FunctionName=function_name)
        except AwsError:
            continue
        tags = got.get("Tags") or {}
        if (tags.get(APP_TAG), tags.get(STAGE_TAG), tags.get(PROJECT_TAG)) == (app, config.stage, config.project):
            found.append(OtherName(app, config.stage, function_name))
    return tuple(found)


def down_command(other: OtherName) -> str:
    return suggest(f"down --app {other.app}", stage=other.stage)


def words(name: str, other: OtherName) -> str:
    """What ``up``, ``plan`` and ``status`` say about one: it may be a rename's leftover (delete it) or the
    name the app should still have (a clone in a folder of another name, whose name it defaults to)."""
    return (f"this project (the same git remote and folder) is also deployed at stage {other.stage} as app "
            f"{other.app!r} (function {other.function_name}), not as {name!r}: if the app was renamed (`name` in "
            f"shoehorn.toml, or the folder it defaults to), that stack is left over and still answers at its URL; "
            f"`{down_command(other)}` deletes it. If {other.app!r} is the name to keep, set name = \"{other.app}\" "
            "in shoehorn.toml.")


def check_same_project(config: Config, function_tags: dict[str, str]) -> None:
    """``down --app NAME``: NAME came from the command line, not from this project's config, so a typo
    could name a colleague's app. The function must not carry another project's tag (one deployed
    before shoehorn wrote the tag, or from outside a git repository, carries none: its shoehorn:app
    and shoehorn:stage tags, checked like every `down`'s, are the proof)."""
    theirs = function_tags.get(PROJECT_TAG)
    if theirs is None or config.project is None or theirs == config.project:
        return
    raise NotOursError(
        f"app {config.name!r} stage {config.stage} was deployed from another project (the function "
        f"{config.function_name} carries {PROJECT_TAG}={theirs}, this project's is {config.project}); "
        "nothing was deleted",
        f"Run `shoehorn down` in that app's own directory. If it is this project's after all (its git remote or "
        f"folder changed since), remove the {PROJECT_TAG} tag from {config.function_name} and run this again.",
    )
