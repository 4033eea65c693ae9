"""A small Lambda runtime client of our own, for machines where awslambdaric cannot run (macOS).

It speaks the Runtime API as AWS's client does (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html):
import the handler (``init/error`` with Runtime.ImportModuleError & co. when that fails), then
loop: ``invocation/next`` -> ``handler(event, context)`` -> ``/response`` or ``/error``. The
context carries the same fields (request id, ARN, deadline, memory, log group and stream,
client context, Cognito identity), ``_X_AMZN_TRACE_ID`` is set per request, and log records get
Lambda's text format (``[LEVEL]\\t<time>Z\\t<request id>\\t<message>``).

Standard library only: the file is copied on its own into the containers' runtime directory
(``install``) and run there as ``shoehorn_runtime_client``. ``choose`` picks the client.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
import sys
import time
import traceback
import urllib.error
import urllib.request
from pathlib import Path

MODULE = "shoehorn_runtime_client"  # its name inside the containers
AWSLAMBDARIC = "awslambdaric"
FORCE_ENV = "SHOEHORN_RUNTIME_CLIENT"  # "awslambdaric" or "stdlib": pick one (tests run both)
_REQUEST_ID = {"current": None}


class ClientContext:
    """``context.client_context`` as AWS's client gives it: attributes, not the raw JSON."""

    def __init__(self, document: dict) -> None:
        self.client = document.get("client")
        self.custom = document.get("custom")
        self.env = document.get("env")


class CognitoIdentity:
    def __init__(self, document: dict) -> None:
        self.cognito_identity_id = document.get("cognitoIdentityId")
        self.cognito_identity_pool_id = document.get("cognitoIdentityPoolId")


class InvocationContext:
    """What Lambda passes as ``context`` (the attributes AWS's Python runtime documents)."""

    def __init__(self, headers, env) -> None:
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn", "")
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms") or 0)
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        context = headers.get("Lambda-Runtime-Client-Context")
        self.client_context = ClientContext(json.loads(context)) if context else None
        identity = headers.get("Lambda-Runtime-Cognito-Identity")
        self.identity = CognitoIdentity(json.loads(identity) if identity else {})
        self.tenant_id = headers.get("Lambda-Runtime-Aws-Tenant-Id")

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self._deadline_ms - int(time.time() * 1000))


def _error(kind: str, message: str, trace: list[str], request_id: str = "") -> dict:
    return {"errorMessage": message, "errorType": kind, "requestId": request_id, "stackTrace": trace}


def _from_exception(error: BaseException, request_id: str = "") -> dict:
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if not f.filename.endswith(f"{MODULE}.py")]
    return _error(type(error).__name__, str(error), traceback.format_list(ours), request_id)


def _log_error(result: dict) -> None:
    """The error as one record (one frame; on stdout "\\r" joins its lines, as AWS's client does)."""
    lines = [f"[ERROR] {result['errorType']}: {result['errorMessage']}", "Traceback (most recent call last):"]
    lines += [line for element in result["stackTrace"] for line in element.rstrip("\n").splitlines()]
    if _FRAMES["sink"] is not None:
        _FRAMES["sink"].write_frame("\n".join(lines))
    else:
        sys.stdout.write("\r".join(lines) + "\n")
        sys.stdout.flush()


class _FrameSink:
    """Lambda's log pipe (_LAMBDA_TELEMETRY_LOG_FD), as awslambdaric writes it: per record a 4-byte
    frame type, a 4-byte length, an 8-byte timestamp in microseconds (big-endian), the message."""

    TEXT = 0xA55A0003

    def __init__(self, fd: int) -> None:
        self.file = os.fdopen(fd, "wb", 0)

    def write_frame(self, message: str) -> None:
        data = message.encode("utf-8")
        head = self.TEXT.to_bytes(4, "big") + len(data).to_bytes(4, "big") + (time.time_ns() // 1000).to_bytes(8, "big")
        self.file.write(head + data)


class _FrameHandler(logging.Handler):
    def __init__(self, sink: _FrameSink) -> None:
        super().__init__()
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.sink.write_frame(self.format(record))
        except Exception:  # noqa: BLE001 - logging's own contract: a failing handler reports, never raises
            self.handleError(record)


_FRAMES: dict = {"sink": None}


class _Api:
    def __init__(self, address: str) -> None:
        self.base = f"http://{address}/2018-06-01/runtime"

    def _send(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        return urllib.request.urlopen(request, timeout=None)  # `next` long-polls: no timeout

    def next(self):
        with self._send("GET", "/invocation/next") as answer:
            return answer.read(), answer.headers

    def post(self, path: str, document: bytes, error_type: str | None = None) -> None:
        headers = {"Content-Type": "application/json"}
        if error_type:
            headers["Lambda-Runtime-Function-Error-Type"] = error_type
        try:
            self._send("POST", path, document, headers).close()
        except urllib.error.HTTPError as refused:  # e.g. 413: the response was too large; the API said so
            refused.close()


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = _REQUEST_ID["current"] or ""
        return True


def _setup_logging() -> None:
    fd = os.environ.pop("_LAMBDA_TELEMETRY_LOG_FD", None)  # as awslambdaric: the app never sees it
    if fd is not None:
        _FRAMES["sink"] = _FrameSink(int(fd))
        handler: logging.Handler = _FrameHandler(_FRAMES["sink"])
    else:
        handler = logging.StreamHandler(sys.stdout)
    formatter = logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
                                  "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(_RequestIdFilter())
    logging.getLogger().addHandler(handler)


def _load(handler: str):
    module_name, _, function_name = handler.rpartition(".")
    if not module_name:
        raise LookupError(("Runtime.MalformedHandlerName", f"Bad handler '{handler}': not enough values to unpack"))
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as error:
        raise LookupError(("Runtime.ImportModuleError", f"Unable to import module '{module_name}': {error}")) from error
    except SyntaxError as error:
        raise LookupError(("Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {error}")) from error
    if not hasattr(module, function_name):
        raise LookupError(("Runtime.HandlerNotFound", f"Handler '{function_name}' missing on module '{module_name}'"))
    return getattr(module, function_name)


def main(handler_name: str) -> None:
    api = _Api(os.environ["AWS_LAMBDA_RUNTIME_API"])
    sys.stdout.reconfigure(line_buffering=True)  # each print reaches the log at once, as on Lambda
    sys.stderr.reconfigure(line_buffering=True)
    _setup_logging()
    try:
        handler = _load(handler_name)
    except LookupError as fault:
        kind, message = fault.args[0]
        result = _error(kind, message, [])
    except Exception as error:  # noqa: BLE001 - the app's own import-time failure
        result = _from_exception(error)
    else:
        result = None
    if result is not None:
        _log_error(result)
        api.post("/init/error", json.dumps(result).encode(), result["errorType"])
        sys.exit(1)
    while True:
        body, headers = api.next()
        request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
        _REQUEST_ID["current"] = request_id
        trace = headers.get("Lambda-Runtime-Trace-Id")
        if trace:
            os.environ["_X_AMZN_TRACE_ID"] = trace
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        try:
            answer = handler(json.loads(body or b"null"), InvocationContext(headers, os.environ))
            document = json.dumps(answer).encode()
        except Exception as error:  # noqa: BLE001 - reported to the Runtime API, as Lambda does
            result = _from_exception(error, request_id)
            _log_error(result)
            _flush()
            api.post(f"/invocation/{request_id}/error", json.dumps(result).encode(), result["errorType"])
            continue
        _flush()
        api.post(f"/invocation/{request_id}/response", document)


def _flush() -> None:
    """What the invocation printed without a newline reaches the log before its answer (line
    buffering keeps it otherwise): awslambdaric's streams are unbuffered for the same reason."""
    sys.stdout.flush()
    sys.stderr.flush()


def install(cache_root: Path) -> Path:
    """A runtime directory holding only this client (once per content), for the containers' sys.path."""
    source = Path(__file__).read_bytes()
    target = cache_root / "runtime-libs" / f"stdlib-client-{hashlib.sha256(source).hexdigest()[:12]}"
    if not (target / f"{MODULE}.py").exists():
        target.mkdir(parents=True, exist_ok=True)
        staging = target / f"{MODULE}.py.tmp"
        staging.write_bytes(source)
        staging.rename(target / f"{MODULE}.py")
    return target


def available() -> bool:
    """Whether awslambdaric is installed (it installs on Linux only)."""
    import importlib.util

    return importlib.util.find_spec(AWSLAMBDARIC) is not None


def choose(cache_root: Path) -> tuple[Path, str]:
    """(runtime directory, client module) for the containers: awslambdaric, else our own client."""
    wanted = os.environ.get(FORCE_ENV) or (AWSLAMBDARIC if available() else "stdlib")
    if wanted == AWSLAMBDARIC:
        from shoehorn.local import runtime_libs

        return runtime_libs.ensure(cache_root), AWSLAMBDARIC
    return install(cache_root), MODULE


if __name__ == "__main__":
    main(sys.argv[1])
