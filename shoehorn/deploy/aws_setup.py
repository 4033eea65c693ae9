"""The user's AWS setup in words: where a profile, region or endpoint came from, and how to fix it.

botocore reads its configuration (profile, config files, credentials, region, endpoint) lazily and
raises its own exceptions, or a bare ValueError for a malformed endpoint URL, when a value is
wrong. ``shoehorn.deploy.aws`` catches them (it is the only module that imports botocore) and
builds the AwsSetupError (exit 4) from the texts here, so the message names the variable, option
or file the user has to change instead of ending as "internal error".
"""

from __future__ import annotations

import os

from shoehorn.errors import AwsSetupError

CREDENTIALS_HINT = (
    "Run `aws configure`, or set AWS_PROFILE (or pass --profile), or set AWS_ACCESS_KEY_ID and "
    "AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary credentials)."
)
REGION_HINT = ("Set AWS_REGION (e.g. `export AWS_REGION=us-east-1`), pass --region, or set `region` in your AWS profile "
               "(or add --local to use the local cloud on this machine).")
ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL"


def config_files() -> str:
    """The files botocore reads profiles from, as the user would spell them."""
    return (f"{os.environ.get('AWS_CONFIG_FILE') or '~/.aws/config'} and "
            f"{os.environ.get('AWS_SHARED_CREDENTIALS_FILE') or '~/.aws/credentials'}")


def profile_source(profile: str | None) -> str:
    """Where the profile botocore will use was set: botocore reads AWS_DEFAULT_PROFILE before AWS_PROFILE."""
    if profile:
        return "--profile"
    return "AWS_DEFAULT_PROFILE" if os.environ.get("AWS_DEFAULT_PROFILE") else "AWS_PROFILE"


def unknown_profile(name: str, source: str | None, available: list[str]) -> AwsSetupError:
    """``source``: --profile or the variable that named it; None when another profile names it."""
    choices = ", ".join(sorted(available)) or "(none configured)"
    if source is None:
        return AwsSetupError(f"AWS profile {name!r}, named in your AWS config (e.g. as a source_profile), is not in "
                             f"your AWS config files ({config_files()}).",
                             f"Create it (`aws configure --profile {name}`) or change the setting that names it; "
                             f"configured profiles: {choices}.")
    if source == "--profile":
        return AwsSetupError(f"AWS profile {name!r} is not in your AWS config files ({config_files()}).",
                             f"Run `aws configure --profile {name}`, or pick one of: {choices}.")
    return AwsSetupError(
        f"AWS profile {name!r}, set by {source}, is not in your AWS config files ({config_files()}).",
        f"Set {source} to one of: {choices}; or `unset {source}` to use the default credentials chain; "
        f"or run `aws configure --profile {name}` to create it.",
    )


def region_source(region: str | None, from_profile: bool = False) -> str:
    """Where ``Aws`` took its region from (the same order as ``Aws.__init__``)."""
    if region:
        return "--region"
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if os.environ.get(variable):
            return variable
    return "the `region` of your AWS profile" if from_profile else "your AWS configuration"


def bad_region(region: str, source: str) -> AwsSetupError:
    return AwsSetupError(
        f"{region!r} (from {source}) is not an AWS region name.",
        f"Use a region code such as us-east-1 or eu-west-1 in {source} (letters, digits and dashes; "
        "`aws ec2 describe-regions` lists them), or add --local to use the local cloud on this machine.",
    )


def bad_endpoint(url: str, source: str) -> AwsSetupError:
    return AwsSetupError(
        f"{url!r} (from {source}) is not a valid endpoint URL.",
        f"Set {source} to a full URL with its scheme, e.g. http://127.0.0.1:5000 for moto or LocalStack, "
        f"or unset it to use real AWS.",
    )


def bad_endpoint_somewhere(error: Exception) -> AwsSetupError:
    """A malformed endpoint URL botocore found in a place other than AWS_ENDPOINT_URL."""
    return AwsSetupError(
        f"an AWS endpoint URL in your configuration is not a valid URL: {error}",
        "Check the AWS_ENDPOINT_URL_<SERVICE> variables (e.g. AWS_ENDPOINT_URL_LAMBDA) and `endpoint_url` in "
        f"your AWS profile ({config_files()}): each must be a full URL such as http://127.0.0.1:5000, or unset.",
    )


def unreadable_config(error: Exception) -> AwsSetupError:
    return AwsSetupError(
        f"your AWS config could not be read: {error}",
        "Fix that file: it must be INI, with `[profile NAME]` (or `[NAME]` in the credentials file) headers and "
        "`key = value` lines; or point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at files that are.",
    )


def invalid_setting(error: Exception, profile: str) -> AwsSetupError:
    return AwsSetupError(
        f"your AWS configuration has an invalid setting: {error}",
        f"Fix that setting in profile {profile!r} ({config_files()}) or the AWS_* environment variable "
        "that sets it, then run the command again.",
    )


def unusable_credentials(error: Exception) -> AwsSetupError:
    # SSOTokenLoadError, UnauthorizedSSOTokenError, TokenRetrievalError: an expired or missing login
    sso = "sso" in type(error).__name__.lower() or "token" in type(error).__name__.lower()
    return AwsSetupError(
        f"your AWS credentials could not be loaded: {error}",
        "Run `aws sso login` (with --profile if you use one), then the command again." if sso else CREDENTIALS_HINT,
    )
