"""Errors a user can fix. Each carries what went wrong and how to fix it.

The CLI prints ``message`` and ``hint`` and exits with ``exit_code``; a traceback
is shown only with ``-v``. Anything that is not a ShoehornError is a bug in
shoehorn and is reported as such.
"""

from __future__ import annotations


class ShoehornError(Exception):
    """Base class: ``message`` says what happened, ``hint`` says what to do."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class ConfigError(ShoehornError):
    """shoehorn.toml / [tool.shoehorn] / app discovery is wrong."""

    exit_code = 2


class BuildError(ShoehornError):
    """The bundle could not be built or failed its checks."""

    exit_code = 3


class AwsSetupError(ShoehornError):
    """Credentials, region or permissions are missing on the user's side."""

    exit_code = 4


class DeployError(ShoehornError):
    """AWS refused or failed an action while converging."""

    exit_code = 5


class NotDeployedError(ShoehornError):
    """The app/stage has not been deployed (or was deleted)."""

    exit_code = 6


class ConflictError(DeployError):
    """Another deploy changed the same resource at the same time."""


class NotOursError(ShoehornError):
    """A resource under this app's name was made by someone else: shoehorn will not touch it."""

    exit_code = 8


class LocalError(ShoehornError):
    """The local server or Lambda emulator could not start or run."""

    exit_code = 7


EXIT_CODES = {
    0: "success",
    1: "unexpected error (a bug in shoehorn: please report it with -v output)",
    2: "bad configuration or usage, or an error in the app's code (named by file:line)",
    3: "build failed",
    4: "AWS credentials, region or permissions missing",
    5: "AWS refused or failed a deploy action",
    6: "nothing deployed for this app/stage",
    7: "local server/emulator failed",
    8: "an AWS resource under this app's name is not this app's (another app's, or not made by shoehorn)",
    130: "interrupted (Ctrl-C)",
    141: "the output pipe closed before the command finished (e.g. `| head`)",
    143: "terminated (SIGTERM)",
}


class AppCodeError(ShoehornError):
    """The app's own code fails to import or start (a syntax error, an import error, a missing
    name): the message names the file and line."""

    exit_code = 2
