"""A real HTTP hop on 127.0.0.1 in front of the moto server that injects AWS faults.

Point ``AWS_ENDPOINT_URL`` at ``FaultProxy.url``: every request is forwarded to moto unchanged,
except the first N requests matching an operation, which get an AWS-shaped error instead
(rest-json for Lambda/API Gateway/Logs, query-XML for IAM/STS) or are held until released
(to kill a deploy at a chosen point). The code under test is not patched: botocore parses
these responses exactly as it parses AWS's. ``delay`` adds that many seconds to every request,
as AWS's own latency would (tens to hundreds of ms per control-plane call).
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# operation -> (service, HTTP method, path regex) for the REST protocols; query protocols match on Action=.
REST_OPERATIONS = {
    "CreateFunction": ("lambda", "POST", r"/2015-03-31/functions/?$"),
    "GetFunction": ("lambda", "GET", r"/2015-03-31/functions/[^/]+/?$"),
    "DeleteFunction": ("lambda", "DELETE", r"/2015-03-31/functions/[^/]+/?$"),
    "UpdateFunctionCode": ("lambda", "PUT", r"/2015-03-31/functions/[^/]+/code$"),
    "UpdateFunctionConfiguration": ("lambda", "PUT", r"/2015-03-31/functions/[^/]+/configuration$"),
    "PublishVersion": ("lambda", "POST", r"/2015-03-31/functions/[^/]+/versions$"),
    "CreateAlias": ("lambda", "POST", r"/2015-03-31/functions/[^/]+/aliases$"),
    "UpdateAlias": ("lambda", "PUT", r"/2015-03-31/functions/[^/]+/aliases/[^/]+$"),
    "AddPermission": ("lambda", "POST", r"/2015-03-31/functions/[^/]+/policy$"),
    "PutFunctionConcurrency": ("lambda", "PUT", r"/2017-10-31/functions/[^/]+/concurrency$"),
    "CreateRestApi": ("apigateway", "POST", r"/restapis/?$"),
    "GetRestApis": ("apigateway", "GET", r"/restapis/?$"),
    "CreateDeployment": ("apigateway", "POST", r"/restapis/[^/]+/deployments$"),
    "PutIntegration": ("apigateway", "PUT", r"/restapis/[^/]+/resources/[^/]+/methods/[^/]+/integration$"),
    # S3, path-style (an endpoint on 127.0.0.1 has no bucket subdomains)
    "HeadBucket": ("s3", "HEAD", r"^/[^/]+/?$"),
    "HeadObject": ("s3", "HEAD", r"^/[^/]+/.+$"),
    "CreateBucket": ("s3", "PUT", r"^/[^/?]+/?$"),
    "PutBucketTagging": ("s3", "PUT", r"^/[^/?]+/?\?tagging$"),
    "DeleteObjects": ("s3", "POST", r"^/[^/?]+/?\?delete$"),
    "DeleteBucket": ("s3", "DELETE", r"^/[^/?]+/?$"),
    "ListObjectsV2": ("s3", "GET", r"^/[^/?]+/?\?list-type$"),
}
QUERY_SERVICES = ("iam", "sts")
JSON_TARGET_SERVICES = ("logs", "tagging")  # "tagging": the Resource Groups Tagging API

FAULTS = {
    # kind: (HTTP status, error code, message)
    "throttle": (429, "TooManyRequestsException", "Rate exceeded"),
    "server-fault": (500, "ServiceException", "An internal error occurred"),
    "throttle-iam": (400, "Throttling", "Rate exceeded"),
    "iam-propagation": (400, "InvalidParameterValueException",
                        "The role defined for the function cannot be assumed by Lambda."),
    "update-in-progress": (409, "ResourceConflictException",
                           "The operation cannot be performed at this time. An update is in progress for resource: "
                           "arn:aws:lambda:us-east-1:123456789012:function:shop-dev"),
    "revision-conflict": (412, "PreconditionFailedException",
                          "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/"
                          "GetAlias API to retrieve the latest Revision Id"),
    "access-denied": (403, "AccessDeniedException",
                      "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: lambda:CreateFunction "
                      "on resource: arn:aws:lambda:us-east-1:123456789012:function:shop-dev because no "
                      "identity-based policy allows the lambda:CreateFunction action"),
    "access-denied-tagging": (400, "AccessDeniedException",
                              "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
                              "tag:GetResources because no identity-based policy allows the tag:GetResources action"),
    "access-denied-s3": (403, "AccessDenied", "Access Denied"),
    "snapstart-region": (400, "InvalidParameterValueException",
                         "SnapStart is not supported for the python3.12 runtime in this Region."),
    "concurrency-limit": (400, "InvalidParameterValueException",
                          "Specified ReservedConcurrentExecutions for function decreases account's "
                          "UnreservedConcurrentExecution below its minimum value of [10]."),
}


@dataclass
class Rule:
    operation: str
    kind: str  # a FAULTS key, "bare-403", "stall" or "hold"
    times: int = 1
    hits: int = 0
    seconds: float = 60.0  # how long a stall or hold keeps the request before dropping or forwarding it
    reached: threading.Event = field(default_factory=threading.Event)  # set when a stall is reached
    release: threading.Event = field(default_factory=threading.Event)


def _service(headers) -> str:
    match = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request", headers.get("Authorization", ""))
    return match.group(1) if match else ""


def operation_of(method: str, path: str, headers, body: bytes) -> tuple[str, str]:
    service = _service(headers)
    if service in QUERY_SERVICES:
        action = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
        return service, action
    if service in JSON_TARGET_SERVICES:
        return service, headers.get("X-Amz-Target", "").rsplit(".", 1)[-1]
    parts = urllib.parse.urlsplit(path)
    bare = parts.path
    if service == "s3" and parts.query:  # S3 names a bucket's sub-resource in the query: PUT /b?tagging
        bare += "?" + parts.query.split("&")[0].split("=")[0]
    for name, (svc, verb, pattern) in REST_OPERATIONS.items():
        if svc == service and verb == method and re.search(pattern, bare):
            return service, name
    return service, f"{method} {bare}"


def _error_response(service: str, kind: str) -> tuple[int, dict[str, str], bytes]:
    status, code, message = FAULTS[kind]
    if service in QUERY_SERVICES:
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
                f"<RequestId>fault-proxy</RequestId></ErrorResponse>").encode()
        return status, {"Content-Type": "text/xml"}, body
    if service == "s3":  # S3's REST-XML error body
        body = f"<Error><Code>{code}</Code><Message>{message}</Message><RequestId>fault-proxy</RequestId></Error>"
        return status, {"Content-Type": "application/xml"}, body.encode()
    body = json.dumps({"__type": code, "message": message, "Type": "User"}).encode()
    return status, {"Content-Type": "application/json", "x-amzn-ErrorType": code}, body


class ForwardingProxy:
    """A 127.0.0.1 HTTP hop that forwards every request to ``upstream`` unchanged; subclasses
    override ``answer`` to serve some requests themselves."""

    def __init__(self, upstream: str) -> None:
        self.upstream = urllib.parse.urlsplit(upstream)
        self.delay = 0.0  # seconds added to every request
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                answer = proxy.answer(self.command, self.path, self.headers, body)
                if answer is None:
                    self.close_connection = True
                    return  # drop the connection: the client is expected to be dead by now
                status, headers, payload = answer
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def answer(self, method: str, path: str, headers, body: bytes) -> tuple[int, dict[str, str], bytes] | None:
        """``(status, headers, payload)`` for the client, or None to drop the connection."""
        return self._forward(method, path, headers, body)

    def _forward(self, method: str, path: str, headers, body: bytes) -> tuple[int, dict[str, str], bytes]:
        if self.delay:
            time.sleep(self.delay)
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=60)
        try:
            forward = {k: v for k, v in headers.items() if k.lower() not in ("host", "connection", "content-length")}
            forward["Host"] = self.upstream.netloc
            connection.request(method, path, body=body or None, headers=forward)
            response = connection.getresponse()
            payload = response.read()
            keep = {k: v for k, v in response.getheaders()
                    if k.lower() not in ("connection", "transfer-encoding", "content-length", "server", "date")}
            return response.status, keep, payload
        finally:
            connection.close()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


class FaultProxy(ForwardingProxy):
    """``with FaultProxy(moto_url) as proxy: proxy.fail("CreateFunction", "throttle", times=2)``."""

    def __init__(self, upstream: str) -> None:
        super().__init__(upstream)
        self.rules: list[Rule] = []
        self.seen: list[tuple[str, str]] = []  # (service, operation) of every request, in order
        self.injected: list[tuple[str, str]] = []  # (operation, kind) of every fault served
        self._lock = threading.Lock()

    def answer(self, method: str, path: str, headers, body: bytes) -> tuple[int, dict[str, str], bytes] | None:
        service, operation = operation_of(method, path, headers, body)
        rule = self._take(service, operation)
        if rule is not None and rule.kind == "stall":
            rule.reached.set()
            rule.release.wait(rule.seconds)
            return None
        if rule is not None and rule.kind == "hold":
            rule.reached.set()
            rule.release.wait(rule.seconds)
            rule = None  # then forward it as if nothing happened, only later
        if rule is not None and rule.kind == "bare-403":
            return 403, {}, b""  # what S3 answers a HEAD it refuses: a HEAD answer has no body
        if rule is not None:
            return _error_response(service, rule.kind)
        return self._forward(method, path, headers, body)

    def fail(self, operation: str, kind: str, times: int = 1, seconds: float = 60.0) -> Rule:
        rule = Rule(operation, kind, times, seconds=seconds)
        with self._lock:
            self.rules.append(rule)
        return rule

    def stall(self, operation: str, seconds: float = 60.0) -> Rule:
        """Hold the first matching request and drop it: after ``seconds``, or once the test kills the client.
        A test whose client is not killed passes a short time: the client then sees the connection drop."""
        return self.fail(operation, "stall", 1, seconds)

    def hold(self, operation: str) -> Rule:
        """Hold the first matching request until ``rule.release.set()``, then forward it."""
        return self.fail(operation, "hold", 1)

    def _take(self, service: str, operation: str) -> Rule | None:
        with self._lock:
            self.seen.append((service, operation))
            for rule in self.rules:
                if rule.operation == operation and rule.hits < rule.times:
                    rule.hits += 1
                    self.injected.append((operation, rule.kind))
                    return rule
        return None

    def __exit__(self, *exc) -> None:
        for rule in self.rules:
            rule.release.set()
        super().__exit__(*exc)
