"""Lambda HTTP event sources and the helpers they share.

Each source module (``alb``, ``url``, ``http``, ``rest``) is three functions:
``detect(event) -> bool``, ``parse(event) -> Request``, ``render(response, event) -> dict``.
``SOURCES`` is tried in order; the first whose ``detect`` accepts the event wins.
"""

from __future__ import annotations

from binascii import Error as _B64Error
from binascii import a2b_base64, b2a_base64

from shoehorn.runtime.errors import MalformedEvent
from shoehorn.runtime.events.percent import allowed, quote

# Characters that may stay literal in a path we re-quote: RFC 3986 pchar plus "/" and "%"
# (so a path that is already percent-encoded is left exactly as it came).
_PATH_SAFE = "/%!$&'()*+,;=:@-._~"
# Query components are quoted with everything reserved for the query syntax escaped
# ("&", "=", "+", "#", "%", space), so decoded v1 values survive a round trip (apig-wsgi #186).
_QUERY_SAFE = "-_.~!$'()*,;:@/?[]"
_PATH_ALLOWED = allowed(_PATH_SAFE)
_QUERY_ALLOWED = allowed(_QUERY_SAFE)


def find_source(event: object):
    """The source module that understands ``event``, or None."""
    if type(event) is not dict:
        return None
    if "httpMethod" in event and event.get("version") != "2.0":
        # payload 1.0: what alb.detect and rest.detect decide, inline (this runs on every request)
        rc = event.get("requestContext")
        if rc is not None:
            return alb if type(rc) is dict and "elb" in rc else rest
        return rest if "resource" in event or "requestContext" in event else None
    for source in SOURCES:
        if source.detect(event):
            return source
    return None


# -- request helpers -------------------------------------------------------------------------


def quote_path(path: str) -> bytes:
    """A path as it appears on the wire: existing %-escapes kept, spaces/unicode escaped."""
    return quote(path, _PATH_ALLOWED).encode("ascii")


def encode_query(pairs) -> bytes:
    """``k=v&k=v`` from decoded (key, value) pairs; ``+``, ``&``, ``=`` and ``%`` escaped."""
    return "&".join(
        [quote(k, _QUERY_ALLOWED) + "=" + quote(v, _QUERY_ALLOWED) for k, v in pairs]
    ).encode("ascii")


def multi_value_pairs(single: dict | None, multi: dict | None) -> list:
    """(key, value) pairs from a v1/ALB query or header map; the multi-value map wins per key.

    API Gateway docs (set-up-lambda-proxy-integrations): when both maps hold a key, only the
    multiValue* values are used.
    """
    pairs = []
    if multi:
        for key, values in multi.items():
            if values:
                for value in values:
                    pairs.append((key, "" if value is None else value))
        if single and single.keys() != multi.keys():  # usually the same keys: skip the merge
            seen = {key.lower() for key in multi}
            for key, value in single.items():
                if key.lower() not in seen:
                    pairs.append((key, "" if value is None else value))
    elif single:
        for key, value in single.items():
            pairs.append((key, "" if value is None else value))
    return pairs


def collect_headers(single: dict | None, multi: dict | None = None, cookies=None):
    """Normalized request headers: (list of (lower-case name, value), {name: last value}).

    Repeated names are kept; every Cookie is merged into ONE header joined by "; " because
    HTTP/2 clients send several and both WSGI (one HTTP_COOKIE) and Starlette (reads the
    first) need them together; "; " not ", " (RFC 6265, smithy-typescript #1997). v2
    ``cookies[]`` join the same header. Content-Length is dropped: API Gateway does not
    forward it (aws-lambda-dotnet #559); ``with_content_length`` recomputes it from the
    decoded body. ``multi`` wins over ``single`` for a name in both (API Gateway docs).
    """
    flat = single
    if multi:
        values = multi.values()
        # Usually every name has one value and both maps agree: then the single map says it all.
        if not (
            single
            and single.keys() == multi.keys()
            and len(multi) == sum(map(len, values))
            and min(map(len, values)) == 1
        ):
            return _collect_multi(single, multi, cookies)
    if not flat:
        flat = {}
    lowered = {name.lower(): value for name, value in flat.items() if value is not None}
    if len(lowered) != len(flat):  # names differing only in case (or null values)
        return _collect_multi(None, {k: [v] for k, v in flat.items() if v is not None}, cookies)
    lowered.pop("content-length", None)
    jar = lowered.pop("cookie", None)
    out = list(lowered.items())
    if jar or cookies:
        joined = "; ".join(([jar] if jar else []) + (cookies or []))
        lowered["cookie"] = joined
        out.append(("cookie", joined))
    return out, lowered


def _collect_multi(single: dict | None, multi: dict, cookies):
    out = []
    jar = []
    for name, values in multi.items():
        if not values:
            continue
        name = name.lower()
        if name == "cookie":
            jar.extend([v for v in values if v])
        elif name != "content-length":
            out.extend([(name, "" if v is None else v) for v in values])
    if single:
        seen = {name.lower() for name in multi}
        for name, value in single.items():
            lname = name.lower()
            if lname in seen or value is None:
                continue
            if lname == "cookie":
                jar.append(value)
            elif lname != "content-length":
                out.append((lname, value))
    if cookies:
        jar.extend(cookies)
    if jar:
        out.append(("cookie", "; ".join(jar)))
    return out, dict(out)


def decode_body(event: dict) -> bytes:
    """The request body as bytes: base64-decoded when ``isBase64Encoded`` (invalid -> 400)."""
    body = event.get("body")
    if not body:
        return b""
    if event.get("isBase64Encoded"):
        try:
            # strict: binascii (C, no import cost) rejects anything but canonical base64
            return a2b_base64(body, strict_mode=True)
        except (_B64Error, ValueError) as exc:
            raise MalformedEvent(
                "the event says isBase64Encoded but its body is not valid base64",
                "check what built this event; API Gateway and ALB always send valid base64",
            ) from exc
    return body.encode("utf-8")


def with_content_length(headers: list, body: bytes) -> tuple[tuple[str, str], ...]:
    """Headers plus a Content-Length computed from the decoded body (serverless-wsgi #40)."""
    if body:
        headers.append(("content-length", str(len(body))))
    return tuple(headers)


def server_and_scheme(host, proto, forwarded_port, fallback_host: str | None, default_scheme: str):
    """(scheme, (host, port)) from the Host, X-Forwarded-Proto and X-Forwarded-Port values.

    No Host at all (ALB health checks, console tests: rust alb_no_host.json, apigw_no_host.json)
    falls back to requestContext.domainName, then "localhost", so URLs stay well formed.
    Remembered per combination (a function sees the same few hosts on every request).
    """
    key = (host, proto, forwarded_port, fallback_host, default_scheme)
    found = _SERVERS.get(key)
    if found is None:
        found = _server_and_scheme(host, proto, forwarded_port, fallback_host, default_scheme)
        if len(_SERVERS) < 256:  # bounded: Host comes from clients
            _SERVERS[key] = found
    return found


_SERVERS: dict[tuple, tuple] = {}


def _server_and_scheme(host, proto, forwarded_port, fallback_host, default_scheme):
    host = host or fallback_host or "localhost"
    scheme = proto.split(",")[0].strip().lower() if proto else default_scheme
    if scheme not in ("http", "https"):
        scheme = default_scheme
    port = None
    if host[0] == "[":  # IPv6 literal
        end = host.find("]")
        if end != -1 and host[end + 1 : end + 2] == ":":
            port = host[end + 2 :]
            host = host[: end + 1]
    elif host.count(":") == 1:
        host, _, port = host.partition(":")
    if forwarded_port:
        port = forwarded_port.split(",")[0].strip()
    if port and port.isdigit():
        return scheme, (host, int(port))
    return scheme, (host, 443 if scheme == "https" else 80)


def client_address(source_ip) -> tuple[str, int] | None:
    """(ip, 0) from the requestContext's source IP; never the spoofable first X-Forwarded-For.

    Values are not always plain IPs: console tests send "test-invoke-source-ip" and some
    samples "192.168.0.1/32" (powertools fixtures); keep the former, strip a CIDR suffix.
    """
    if not source_ip or not isinstance(source_ip, str):
        return None
    slash = source_ip.find("/")
    if slash != -1:
        source_ip = source_ip[:slash]
    return (source_ip, 0)


def strip_prefix(prefix: str, path: str, raw: bytes) -> tuple[str, bytes]:
    """Remove the mount prefix from the decoded and raw path (both keep a leading "/")."""
    if not prefix:
        return path, raw
    path = path[len(prefix) :] or "/"
    raw_prefix = prefix.encode("utf-8")
    if raw.startswith(raw_prefix):
        raw = raw[len(raw_prefix) :] or b"/"
    else:  # the prefix itself was percent-encoded on the wire
        raw = quote_path(path)
    return path, raw


# -- response helpers ------------------------------------------------------------------------

_TEXT_TYPES = (
    "application/json",
    "application/javascript",
    "application/ecmascript",
    "application/xml",
    "application/x-www-form-urlencoded",
    "application/graphql",
    "image/svg+xml",
    "application/vnd.oai.openapi",
)


def is_text_type(content_type: str | None) -> bool:
    """Content types sent as text; everything else (and any Content-Encoding) is base64."""
    found = _TEXT.get(content_type)
    if found is None:
        found = _is_text_type(content_type)
        if len(_TEXT) < 256:  # bounded: apps may put anything in Content-Type
            _TEXT[content_type] = found
    return found


_TEXT: dict[str | None, bool] = {}


def _is_text_type(content_type: str | None) -> bool:
    if content_type is None:
        return True
    ct = content_type.split(";", 1)[0].strip().lower()
    return (
        ct.startswith("text/")
        or ct in _TEXT_TYPES
        or ct.endswith("+json")
        or ct.endswith("+xml")
        or ct == ""
    )


def encode_response_body(response, method: str) -> tuple[str, bool]:
    """(body, isBase64Encoded) for a proxy response.

    HEAD and 1xx/204/304 carry no body (RFC 9110 6.4.1; mangum returned it for HEAD).
    Base64 follows the RESPONSE's type, not the request's flag (mangum #92); any
    Content-Encoding is binary (apig-wsgi PR #496); text that is not UTF-8 is sent as base64.
    """
    body = response.body
    status = response.status
    if not body or method == "HEAD" or status < 200 or status == 204 or status == 304:
        return "", False
    content_type = encoding = None
    for name, value in response.headers:
        lname = name.lower()
        if lname == "content-type":
            content_type = value
        elif lname == "content-encoding":
            encoding = value
    return encode_body(body, status, method, content_type, encoding)


def encode_body(body: bytes, status: int, method: str, content_type, encoding) -> tuple[str, bool]:
    """``encode_response_body`` once the Content-Type and Content-Encoding are known."""
    if not body or method == "HEAD" or status < 200 or status == 204 or status == 304:
        return "", False
    if encoding is None and is_text_type(content_type):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return b2a_base64(body, newline=False).decode("ascii"), True


def group_headers(headers) -> dict[str, list[str]]:
    """Header name (as the app first spelled it) -> values, names compared case-insensitively."""
    grouped: dict[str, list[str]] = {}
    spelled: dict[str, str] = {}
    for name, value in headers:
        lname = name.lower()
        key = spelled.get(lname)
        if key is None:
            spelled[lname] = name
            grouped[name] = [value]
        else:
            grouped[key].append(value)
    return grouped


def case_variants(name: str, count: int) -> list[str]:
    """``count`` distinct spellings of ``name`` (Set-Cookie, set-Cookie, SEt-Cookie, ...).

    Single-value header maps (ALB without multi-value, REST ``headers``) hold one value per
    key; HTTP names are case-insensitive, so distinct spellings keep every Set-Cookie
    (Miserlou/Zappa PR #636, serverless-wsgi #11).
    """
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    out = []
    for n in range(min(count, 2 ** len(letters))):
        chars = list(name.lower())
        for bit, index in enumerate(letters):
            if n >> bit & 1:
                chars[index] = chars[index].upper()
        out.append("".join(chars))
    return out


def status_description(status: int) -> str:
    """ALB's ``statusDescription``: "200 OK"."""
    text = _DESCRIPTIONS.get(status)
    if text is None:
        from http import HTTPStatus  # lazily: only ALB responses need it

        try:
            text = f"{status} {HTTPStatus(status).phrase}"
        except ValueError:
            text = str(status)
        _DESCRIPTIONS[status] = text
    return text


_DESCRIPTIONS: dict[int, str] = {}


from shoehorn.runtime.events import alb, http, rest, url  # noqa: E402  (modules use the helpers)

# Order matters: ALB events also carry httpMethod; Function URLs are payload 2.0 too.
SOURCES = (alb, url, http, rest)
