"""The one door to AWS: sessions, cached clients, counted calls, named retries, error mapping.

Only this module imports boto3/botocore. Everything else calls ``Aws.call(service, op, **params)``
with botocore's snake_case operation names and gets plain dicts back, or a ShoehornError.

botocore's own retries are switched off (``total_max_attempts=1``): retries happen here, so every
attempt is counted (the bench and the no-op test read the counter), every wait is announced
as a ``Waiting`` progress event, and each retryable condition has a named predicate.
"""

from __future__ import annotations

import contextlib
import os
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import boto3
import botocore.config
import botocore.exceptions
import botocore.loaders
import botocore.session
import botocore.utils

from shoehorn.commandline import suggest
from shoehorn.deploy import aws_setup
from shoehorn.deploy.aws_setup import CREDENTIALS_HINT, REGION_HINT  # noqa: F401 - imported from here too
from shoehorn.errors import AwsSetupError, ConfigError, ConflictError, DeployError
from shoehorn.progress import Progress, Waiting, discard

READ_PREFIXES = ("get_", "list_", "describe_", "head_")
# How long one response may take to start arriving; a synchronous Lambda invoke that runs longer
# (`shoehorn run`) needs its own, from the function's timeout.
READ_TIMEOUT_S = 120.0


class AwsError(Exception):
    """A failed AWS call as data: code, message, HTTP status. Raised by ``call`` only when the
    caller asked to handle that code itself (``expect=``); otherwise it is mapped to a
    ShoehornError."""

    def __init__(self, service: str, operation: str, code: str, message: str, status: int) -> None:
        super().__init__(f"{service}.{operation}: {code}: {message}")
        self.service, self.operation, self.code, self.message, self.status = service, operation, code, message, status


# --- named retry predicates -------------------------------------------------------------

THROTTLING_CODES = frozenset(
    {"TooManyRequestsException", "ThrottlingException", "Throttling", "RequestLimitExceeded", "ThrottledException",
     "SlowDown", "RequestThrottled", "RequestThrottledException"}
)


def is_throttling(error: AwsError) -> bool:
    """AWS throttles control-plane calls (API Gateway deletes ~1 per 30 s per account)."""
    return error.code in THROTTLING_CODES or error.status == 429


def is_iam_propagation(error: AwsError) -> bool:
    """A role created seconds ago cannot yet be assumed by Lambda (eventual consistency of IAM,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency)."""
    if error.code != "InvalidParameterValueException":
        return False
    text = error.message.lower()
    return "cannot be assumed" in text or ("role" in text and ("assume" in text or "not authorized" in text))


def is_update_in_progress(error: AwsError) -> bool:
    """Lambda updates are asynchronous; a second update while LastUpdateStatus is InProgress
    fails with ResourceConflictException (https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html)."""
    return error.code == "ResourceConflictException" and "in progress" in error.message.lower()


@dataclass(frozen=True, slots=True)
class RetryRule:
    predicate: Callable[[AwsError], bool]
    waiting_for: str  # what the user is told we are waiting for


RULES = (
    RetryRule(is_throttling, "AWS to accept more requests (throttled)"),
    RetryRule(is_iam_propagation, "the new IAM role to propagate to Lambda"),
    RetryRule(is_update_in_progress, "the previous Lambda update to finish"),
)


# --- error mapping -------------------------------------------------------------------------

def _is_bare_head_denial(error: AwsError) -> bool:
    """A HEAD answer has no body, so S3 can only say 403: botocore makes it Code "403", Message
    "Forbidden". S3 answers HEAD so when the caller lacks the permission (s3:ListBucket for HeadBucket,
    s3:GetObject for HeadObject), and when the bucket belongs to another AWS account."""
    return error.service == "s3" and error.operation.startswith("head_") and error.code == "403"


def _is_access_denied(error: AwsError) -> bool:
    return error.code.startswith("AccessDenied") or error.code in ("UnauthorizedOperation", "AuthorizationError") or (
        "not authorized to perform" in error.message
    ) or _is_bare_head_denial(error)


_IAM_PREFIX = {"lambda": "lambda", "iam": "iam", "apigateway": "apigateway", "logs": "logs", "s3": "s3", "sts": "sts",
               "resourcegroupstaggingapi": "tag"}


# Operations whose permission is not named after them (S3's "Actions, resources, and condition keys"
# page, https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html):
# there is no s3:HeadBucket, s3:ListObjectsV2 or s3:DeleteObjects to grant.
_IAM_ACTION = {
    ("s3", "head_bucket"): "s3:ListBucket",
    ("s3", "list_objects_v2"): "s3:ListBucket",
    ("s3", "head_object"): "s3:GetObject",
    ("s3", "delete_objects"): "s3:DeleteObject",
}


def iam_action(service: str, operation: str) -> str:
    """``lambda`` + ``create_function`` -> ``lambda:CreateFunction`` (the permission to grant)."""
    if (service, operation) in _IAM_ACTION:
        return _IAM_ACTION[service, operation]
    verb = "".join(part.capitalize() for part in operation.split("_"))
    if service == "apigateway":  # API Gateway permissions are per HTTP verb on a resource path
        verb = {"get": "GET", "create": "POST", "put": "PUT", "update": "PATCH", "delete": "DELETE"}.get(
            operation.split("_")[0], "*"
        )
    return f"{_IAM_PREFIX.get(service, service)}:{verb}"


def _squashed(text: str) -> str:
    return text.lower().replace(" ", "")


def to_shoehorn_error(error: AwsError) -> Exception:
    """Access denied, a concurrent writer, and the concurrency quota get their own message and fix."""
    if _is_access_denied(error):
        action = iam_action(error.service, error.operation)
        also = (" (S3 answers a HEAD the same way when the bucket belongs to another AWS account: if the bundle "
                "bucket's name is taken there, pick another `name` in shoehorn.toml.)"
                if _is_bare_head_denial(error) else "")
        return AwsSetupError(
            f"AWS denied {action}: {error.message}",
            f"Add {action} to the IAM policy of the user or role you deploy with (or use a profile that has "
            "it), then run the command again." + also,
        )
    if error.code in ("PreconditionFailedException",) or (
        error.code == "ResourceConflictException" and "revision" in error.message.lower()
    ):
        return ConflictError(
            f"another deploy is in progress: {error.service}.{error.operation} saw the resource change under it "
            f"({error.message})",
            f"Wait for the other `shoehorn up` (a teammate, CI) to finish, then run `{suggest('up')}` again: it "
            "will pick up from what is deployed.",
        )
    if error.code.isdigit() and not error.message:  # no AWS error body: only the HTTP status came back
        endpoint = os.environ.get("AWS_ENDPOINT_URL") or "the AWS endpoint"
        return AwsSetupError(
            f"{error.service}.{error.operation} got HTTP {error.code} from {endpoint} with no AWS error in the "
            "body: the endpoint is not an AWS API" + (" (404: nothing there answers this service)"
                                                      if error.code == "404" else ""),
            "Check AWS_ENDPOINT_URL (unset it to use real AWS, or point it at a running moto/LocalStack), "
            "and any HTTP(S)_PROXY in between.",
        )
    if error.code == "InvalidParameterValueException" and "unreservedconcurrentexecution" in _squashed(error.message):
        return DeployError(
            f"the reserved concurrency in your config is more than this account can spare: {error.message}",
            "Lambda keeps some concurrent executions unreserved per account and region (100 of the default "
            "quota of 1,000; the minimum is in the message above). Lower `concurrency` "
            "in shoehorn.toml, or ask AWS Support for a higher concurrency quota (Service Quotas > AWS Lambda > "
            "Concurrent executions).",
        )
    if error.code == "InvalidParameterValueException" and "snapstart" in _squashed(error.message):
        # SnapStart for Python is offered for python3.12+ and not in every region ("Lambda SnapStart",
        # https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html): the runtime is checked at config
        # load; the region only AWS knows, so its refusal is reported as the config choice it is.
        return ConfigError(
            f"AWS refused SnapStart for this function in {os.environ.get('AWS_REGION') or 'this region'}: "
            f"{error.message}",
            "Set `snapstart = false` in shoehorn.toml (or deploy to a region that offers SnapStart for Python), "
            "then run the command again.",
        )
    return DeployError(
        f"AWS {error.service}.{error.operation} failed: {error.code}: {error.message}",
        f"Fix the cause above and run the command again; `{suggest('plan')}` shows what would change. "
        "Run with -v for the traceback.",
    )


# --- the user's AWS setup -------------------------------------------------------------------

def _botocore_errors(*names: str) -> tuple[type[Exception], ...]:
    # by name: some of these are recent (LoginError) and the oldest botocore shoehorn supports lacks them
    return tuple(getattr(botocore.exceptions, name) for name in names if hasattr(botocore.exceptions, name))


CONFIG_FILE_ERRORS = _botocore_errors("ConfigParseError", "ConfigNotFound")
CREDENTIAL_ERRORS = _botocore_errors(
    "NoCredentialsError", "PartialCredentialsError", "CredentialRetrievalError", "UnknownCredentialError",
    "RefreshWithMFAUnsupportedError", "SSOError", "TokenRetrievalError", "NoAuthTokenError", "LoginError",
)
# Everything botocore raises because of a value in the user's profile, config files or AWS_*
# variables: a mistake to fix on the user's side (exit 4), never a bug in shoehorn.
SETUP_ERRORS = CONFIG_FILE_ERRORS + CREDENTIAL_ERRORS + _botocore_errors(
    "ProfileNotFound", "NoRegionError", "InvalidRegionError", "InvalidConfigError", "InvalidRetryConfigurationError",
    "InvalidS3AddressingStyleError", "InvalidS3UsEast1RegionalEndpointConfigError",
    "InvalidSTSRegionalEndpointsConfigError", "InvalidEndpointDiscoveryConfigurationError", "InvalidDefaultsMode",
    "InvalidProxiesConfigError", "InvalidIMDSEndpointError", "InvalidIMDSEndpointModeError",
    "InvalidChecksumConfigError", "InvalidEndpointConfigurationError", "UnknownSignatureVersionError",
)


def _env_profile() -> str | None:
    return os.environ.get("AWS_DEFAULT_PROFILE") or os.environ.get("AWS_PROFILE") or None


# --- the Aws object -------------------------------------------------------------------------

class Aws:
    """Session + cached clients + one counted, retried ``call``.

    ``sleep``, ``clock`` and ``rng`` are injectable so tests can run retries without waiting.
    ``deadline`` bounds the total time spent retrying ONE call (IAM propagation normally
    settles within ~10 s; the bound keeps a broken setup from hanging CI).
    """

    def __init__(
        self,
        profile: str | None = None,
        region: str | None = None,
        *,
        progress: Progress = discard,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        deadline: float = 180.0,
        base_delay: float = 0.5,
        max_delay: float = 20.0,
        read_timeout: float = READ_TIMEOUT_S,
    ) -> None:
        self.progress = progress
        self.sleep, self.clock, self.rng = sleep, clock, rng or random.Random()
        self.deadline, self.base_delay, self.max_delay = deadline, base_delay, max_delay
        self.calls: Counter[str] = Counter()  # "read" / "write"
        self.log: list[tuple[str, str]] = []  # (service, operation) of every attempt, in order
        core = botocore.session.get_session()
        # Share the parsed service models between sessions: a fresh loader re-reads and parses
        # the JSON model of every service for each Aws object (~0.1 s per client).
        core.register_component("data_loader", _shared_loader())
        self._profile, self._region_argument = profile, region
        with self._user_setup():
            # botocore checks the profile only when it first reads the config, deep in a client or a
            # call; checked here, the error names where the profile was set (--profile or AWS_PROFILE)
            name = profile or core.get_config_variable("profile")
            if name and name not in core.available_profiles:
                raise aws_setup.unknown_profile(name, aws_setup.profile_source(profile), core.available_profiles)
            self._session = boto3.Session(profile_name=profile, botocore_session=core)
            # botocore reads AWS_DEFAULT_REGION; the other AWS SDKs and most docs use AWS_REGION.
            self.region = region or os.environ.get("AWS_REGION") or self._session.region_name
        if not self.region:
            raise AwsSetupError("no AWS region is set, so shoehorn does not know where to deploy.", REGION_HINT)
        self._check_region_and_endpoint()
        self._clients: dict[str, Any] = {}
        # apply runs independent actions in threads: botocore clients are thread-safe, but making
        # one from a session is not, and neither is counting
        self._lock = threading.Lock()
        self._config = botocore.config.Config(
            retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=10, read_timeout=read_timeout
        )

    def _check_region_and_endpoint(self) -> None:
        """The checks botocore makes when it builds a client, made before anything is built or
        deployed, so `up` fails before its build and the message names the option or variable."""
        try:
            botocore.utils.validate_region_name(self.region)
        except botocore.exceptions.InvalidRegionError:
            raise aws_setup.bad_region(self.region, self._region_source()) from None
        endpoint = self.endpoint_url
        if endpoint and not (botocore.utils.is_valid_endpoint_url(endpoint)
                             or botocore.utils.is_valid_ipv6_endpoint_url(endpoint)):
            raise aws_setup.bad_endpoint(endpoint, aws_setup.ENDPOINT_VARIABLE)

    def _region_source(self) -> str:
        return aws_setup.region_source(self._region_argument, from_profile=True)

    @contextlib.contextmanager
    def _user_setup(self) -> Iterator[None]:
        """Turn botocore's configuration errors (see ``SETUP_ERRORS``) into AwsSetupError (exit 4)."""
        try:
            yield
        except SETUP_ERRORS as error:
            raise self._setup_error(error) from None
        except ValueError as error:
            # botocore.endpoint raises a bare ValueError for a malformed endpoint URL; any other
            # ValueError is not the user's setup and goes on as what it is
            if not str(error).startswith("Invalid endpoint"):
                raise
            raise aws_setup.bad_endpoint_somewhere(error) from None

    def _setup_error(self, error: Exception) -> AwsSetupError:
        if isinstance(error, botocore.exceptions.NoCredentialsError):
            return AwsSetupError("no AWS credentials found.", CREDENTIALS_HINT)
        if isinstance(error, botocore.exceptions.NoRegionError):
            return AwsSetupError("no AWS region is set.", REGION_HINT)
        if isinstance(error, botocore.exceptions.InvalidRegionError):
            return aws_setup.bad_region(str(error.kwargs.get("region_name")), self._region_source())
        if isinstance(error, botocore.exceptions.ProfileNotFound):
            name = str(error.kwargs.get("profile"))
            # the profile asked for, or one it names (source_profile of an assume-role profile)
            source = aws_setup.profile_source(self._profile) if name in (self._profile, _env_profile()) else None
            try:
                available = botocore.session.get_session().available_profiles
            except SETUP_ERRORS:
                available = []
            return aws_setup.unknown_profile(name, source, available)
        if isinstance(error, CONFIG_FILE_ERRORS):
            return aws_setup.unreadable_config(error)
        if isinstance(error, CREDENTIAL_ERRORS):
            return aws_setup.unusable_credentials(error)
        return aws_setup.invalid_setting(error, self._profile or _env_profile() or "default")

    def has_credentials(self) -> bool:
        """Whether the standard chain finds any credentials (without calling AWS)."""
        with self._user_setup():
            return self._session.get_credentials() is not None

    @property
    def endpoint_url(self) -> str | None:
        """Set when talking to an emulator (moto, LocalStack) instead of real AWS."""
        return os.environ.get("AWS_ENDPOINT_URL") or None

    def client(self, service: str) -> Any:
        with self._lock:
            if service not in self._clients:
                with self._user_setup():
                    self._clients[service] = self._session.client(service, region_name=self.region,
                                                                  config=self._config)
            return self._clients[service]

    def accepts(self, service: str, operation: str, *members: str) -> bool:
        """Whether this botocore's model of ``operation`` has the nested input member (e.g.
        ``"CreateBucketConfiguration", "Tags"``): a parameter AWS added after the oldest botocore
        shoehorn supports would fail client-side validation there."""
        shape = self.client(service).meta.service_model.operation_model(
            "".join(part.capitalize() for part in operation.split("_"))).input_shape
        for member in members:
            shape = getattr(shape, "members", {}).get(member)
            if shape is None:
                return False
        return True

    @property
    def reads(self) -> int:
        return self.calls["read"]

    @property
    def writes(self) -> int:
        return self.calls["write"]

    def call(self, service: str, operation: str, *, expect: tuple[str, ...] = (), **params: Any) -> dict:
        """Call ``service.operation(**params)``; retry named transient failures with exponential
        backoff and full jitter under ``deadline``. Error codes listed in ``expect`` are raised
        as ``AwsError`` for the caller to handle (e.g. ResourceNotFoundException on observe)."""
        started = self.clock()
        attempt = 0
        while True:
            attempt += 1
            kind = "read" if operation.startswith(READ_PREFIXES) else "write"
            with self._lock:
                self.calls[kind] += 1
                self.log.append((service, operation))
            try:
                response = getattr(self.client(service), operation)(**params)
                response.pop("ResponseMetadata", None)
                return response
            except SETUP_ERRORS as error:  # credentials are resolved (and refreshed) as a request is signed
                raise self._setup_error(error) from None
            except botocore.exceptions.EndpointConnectionError as error:
                raise DeployError(f"could not reach AWS: {error}", "Check your network, proxy and AWS_ENDPOINT_URL.") from None
            except (botocore.exceptions.HTTPClientError, botocore.exceptions.ConnectionError) as error:
                if kind == "read" and attempt == 1:
                    continue  # a read changes nothing: once more, on a new connection (a kept-alive one may have been closed)
                # A write is not retried: it may have been applied (a create repeated blindly could
                # duplicate it). The next run reads what exists and carries on from there.
                raise DeployError(f"the connection to AWS broke during {service}.{operation}: {error}",
                                  "Run the command again: it reads what exists and resumes from there.") from None
            except botocore.exceptions.ClientError as error:
                failure = _as_aws_error(service, operation, error)
            rule = next((r for r in RULES if r.predicate(failure)), None)
            if rule is None and failure.code in expect:
                raise failure
            if rule is None:
                raise to_shoehorn_error(failure) from None
            elapsed = self.clock() - started
            # Full jitter (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
            delay = self.rng.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))
            if elapsed + delay > self.deadline:
                raise DeployError(
                    f"gave up waiting for {rule.waiting_for} after {attempt} attempts ({elapsed:.0f} s): "
                    f"{failure.code}: {failure.message}",
                    "This is usually temporary: run the command again. If it keeps happening, check the AWS "
                    "Service Health Dashboard and your account's API rate limits.",
                )
            self.progress(Waiting(what=rule.waiting_for, attempt=attempt, delay=delay,
                                  reason=f"{service}.{operation}: {failure.code}"))
            self.sleep(delay)
            if rule.predicate is is_update_in_progress and service == "lambda" and "FunctionName" in params:
                # poll LastUpdateStatus rather than guess: retry once the running update has finished
                self.wait_function_updated(str(params["FunctionName"]))

    def wait_function_updated(self, function_name: str) -> dict:
        """Poll until the function is Active and its last update finished (Lambda states,
        https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html); return its configuration."""
        started = self.clock()
        attempt = 0
        while True:
            attempt += 1
            conf = self.call("lambda", "get_function_configuration", FunctionName=function_name)
            state, update = conf.get("State", "Active"), conf.get("LastUpdateStatus") or "Successful"
            if state == "Failed" or update == "Failed":
                reason = conf.get("LastUpdateStatusReason") or conf.get("StateReason") or "no reason given"
                raise DeployError(f"Lambda could not apply the update to {function_name}: {reason}",
                                  f"Fix the cause above and run `{suggest('up')}` again.")
            if state != "Pending" and update != "InProgress":
                return conf
            delay = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
            if self.clock() - started + delay > self.deadline:
                raise DeployError(f"{function_name} is still updating after {self.clock() - started:.0f} s",
                                  f"Run `{suggest('up')}` again in a minute; it resumes from what is deployed.")
            self.progress(Waiting(what=f"{function_name} to finish updating", attempt=attempt, delay=delay,
                                  reason=f"State={state}, LastUpdateStatus={update}"))
            self.sleep(delay)


_LOADER: list[botocore.loaders.Loader] = []


def _shared_loader() -> botocore.loaders.Loader:
    if not _LOADER:
        _LOADER.append(botocore.loaders.create_loader())
    return _LOADER[0]


def _as_aws_error(service: str, operation: str, error: botocore.exceptions.ClientError) -> AwsError:
    info = error.response.get("Error", {})
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    return AwsError(service, operation, str(info.get("Code") or status), str(info.get("Message") or ""), int(status or 0))
