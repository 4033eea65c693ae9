"""``--local``: point the standard AWS chain at the local cloud, for any AWS command.

``use(local)`` is the one line each command adds before it makes its ``Aws``: it finds the
running local cloud (``up --local`` and ``plan --local`` start one) and sets AWS_ENDPOINT_URL
to it, with dummy credentials and region us-east-1 unless the user set their own (in AWS_*
variables; AWS_PROFILE is dropped: the local cloud needs no profile). Every later
boto3 call, in this process and in subprocesses, then goes there.
"""

from __future__ import annotations

import os
import re

from shoehorn.cloud import PROFILE_ENV
from shoehorn.cloud import TARGET_ENV as _MARK  # set while a command targets the local cloud: its URL

_EXECUTE_API = re.compile(r"^https://(?P<api>[^.]+)\.execute-api\.[^.]+\.amazonaws\.com/(?P<stage>[^/]+)/?(?P<rest>.*)$")


def use(local: bool, *, start: bool = False):
    """The running local cloud (``lifecycle.Running``) the AWS chain now points at, or None without ``local``."""
    if not local:
        return None
    import importlib.util

    from shoehorn.cloud import lifecycle
    from shoehorn.errors import LocalError, NotDeployedError

    if importlib.util.find_spec("moto") is None:
        raise LocalError("the local cloud needs moto, which is not installed",
                         "pip install 'shoehorn[local]' (moto answers the AWS control plane locally)")

    if start:
        running, started = lifecycle.start()
        if started:
            from rich.markup import escape

            from shoehorn.cli.render import console_err

            console_err().print(f"[cyan]•[/] started the local cloud on {running.url}, Lambda runtime client "
                                f"{escape(str(running.status.get('runtime_client')))} [dim](log: {escape(str(running.log))}; `shoehorn cloud "
                                "stop` stops it)[/]", highlight=False)
    else:
        running = lifecycle.find()
        if running is None:
            from shoehorn.commandline import suggest

            raise NotDeployedError("no local cloud is running, so nothing is deployed in it",
                                   f"`{suggest('up', local_cloud=True)}` starts one and deploys into it")
    os.environ["AWS_ENDPOINT_URL"] = running.url
    os.environ[_MARK] = running.url
    for variable in PROFILE_ENV:  # credentials and region come from below, not from the user's profile
        os.environ.pop(variable, None)
    if not os.environ.get("AWS_ACCESS_KEY_ID"):
        os.environ["AWS_ACCESS_KEY_ID"] = "local"
        os.environ["AWS_SECRET_ACCESS_KEY"] = "local"
        os.environ.pop("AWS_SESSION_TOKEN", None)
    if not (os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")):
        os.environ["AWS_REGION"] = "us-east-1"
    return running


def cannot_run(running, runtime: str, architecture: str) -> str | None:
    """Why a function of ``runtime`` and ``architecture`` cannot run in the ``running`` local cloud, or
    None when it can: on the cloud's own Python, or on another Python of that version on this machine."""
    status = running.status if running is not None else {}
    here = (status.get("runtime"), status.get("architecture"))
    if None in here or here == (runtime, architecture):  # (a cloud started by an older shoehorn does not say)
        return None
    from shoehorn.local import interpreters
    from shoehorn.local.emulator import cannot_run_here

    if interpreters.for_target(runtime, architecture) is not None:
        return None
    return cannot_run_here(runtime, architecture) + (
        " (every request to it will fail there: InvalidRuntimeException in `shoehorn logs --local`)")


def shown_url(url: str) -> str:
    """The URL to print: for the local cloud, its path-style form of the execute-api URL."""
    cloud = os.environ.get(_MARK)
    found = _EXECUTE_API.match(url) if cloud else None
    if found is None:
        return url
    return f"{cloud}/restapis/{found['api']}/{found['stage']}/_user_request_/{found['rest']}"


def require_credentials(aws, local: bool) -> None:
    """Fail before the build when AWS has no credentials, and say the local cloud needs none."""
    from shoehorn.deploy.aws import CREDENTIALS_HINT
    from shoehorn.errors import AwsSetupError

    from shoehorn.commandline import suggest

    if not local and not aws.has_credentials():
        raise AwsSetupError("no AWS credentials found.",
                            f"{CREDENTIALS_HINT} Or try it locally, no AWS account needed: {suggest('up', local_cloud=True)}")
