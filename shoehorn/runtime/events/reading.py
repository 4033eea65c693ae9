"""What the source readers share: typed fields out of an event, headers, query, body, server.

Every helper either returns a value of the type the Request record promises or raises
MalformedEvent saying which field was wrong, so nothing odd in an event ever reaches a driver
(the handler answers MalformedEvent with a 400).
"""

from __future__ import annotations

from binascii import Error as _B64Error
from binascii import a2b_base64

from shoehorn.runtime.errors import MalformedEvent
from shoehorn.runtime.events.percent import allowed, quote
from shoehorn.runtime.namesets import PerNameSet

_HINT = "check what built this event; API Gateway, Function URLs and ALB never send this"

# Characters that may stay literal in a path we re-quote: RFC 3986 pchar plus "/" and "%"
# (so a path that is already percent-encoded is left exactly as it came).
PATH_ALLOWED = allowed("/%!$&'()*+,;=:@-._~")
# Query components are quoted with everything reserved for the query syntax escaped
# ("&", "=", "+", "#", "%", space), so decoded v1 values survive a round trip (apig-wsgi #186).
QUERY_ALLOWED = allowed("-_.~!$'()*,;:@/?[]")
# A JSON array: a list, or a tuple in an event built by Python code.
ARRAYS = (list, tuple)
# RFC 9110 5.6.2 token characters: methods and header names.
TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def malformed(what: str) -> MalformedEvent:
    return MalformedEvent(f"the event's {what}", _HINT)


def text(value, field: str, default: str = "") -> str:
    """``value`` when it is a string, ``default`` when it is null or missing."""
    if value is None:
        return default
    if type(value) is not str:
        raise malformed(f"{field} has an unexpected type ({type(value).__name__}, not a string)")
    return value


def mapping(value, field: str) -> dict:
    """``value`` when it is an object, {} when it is null or missing."""
    if value is None:
        return {}
    if type(value) is not dict:
        raise malformed(f"{field} has an unexpected type ({type(value).__name__}, not an object)")
    return value


_METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"))


def method(value) -> str:
    """The request method, upper case; GET when missing."""
    found = text(value, "HTTP method", "GET").upper()
    if found not in _METHODS and (not found or not TOKEN.issuperset(found)):
        raise malformed(f"HTTP method {found!r} is not an HTTP token")
    return found


def path(value, field: str) -> str:
    """The URL path; "/" when missing; always starting with "/" (PEP 3333, ASGI)."""
    found = text(value, field, "/") or "/"
    if not found.isascii():
        utf8(found, field)
    return found if found[0] == "/" else "/" + found


def utf8(value: str, field: str) -> bytes:
    """``value`` as UTF-8; a lone surrogate (possible in JSON, never from AWS) is malformed."""
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:
        raise malformed(f"{field} is not valid Unicode text") from None


def quote_path(found: str) -> bytes:
    """A path as it appears on the wire: existing %-escapes kept, spaces/unicode escaped."""
    return quote(found, PATH_ALLOWED).encode("ascii")


def encode_query(pairs) -> bytes:
    """``k=v&k=v`` from decoded (key, value) pairs; ``+``, ``&``, ``=`` and ``%`` escaped."""
    return "&".join([quote(k, QUERY_ALLOWED) + "=" + quote(v, QUERY_ALLOWED) for k, v in pairs]).encode("ascii")


def multi_value_pairs(single, multi, field: str) -> list:
    """(key, value) pairs from a v1/ALB query map and its multi-value twin, both strings.

    API Gateway docs (set-up-lambda-proxy-integrations): when both maps hold a key, only the
    multiValue* values are used. Null values are empty strings.
    """
    single = mapping(single, field)
    multi = mapping(multi, "multiValue" + field[0].upper() + field[1:])
    if not multi or one_each(single, multi):
        pairs = [(name, values[0]) for name, values in multi.items()] if multi else list(single.items())
        try:
            "".join([value for _, value in pairs])  # TypeError: a null value, or not a string
            return pairs
        except TypeError:
            return [(key, text(value, field)) for key, value in pairs]
    pairs = []
    for key, values in multi.items():
        if values is None:
            continue
        if type(values) not in ARRAYS:
            raise malformed(f"multi-value {field} {key!r} has an unexpected type (not a list)")
        pairs.extend([(key, text(value, field)) for value in values])
    seen = {key.lower() for key in multi} if multi else ()
    for key, value in single.items():
        if key.lower() not in seen:
            pairs.append((key, text(value, field)))
    return pairs


def headers(single, multi=None, cookies=None) -> tuple[list, dict]:
    """Request headers: (list of (lower-case name, value), {name: last value}).

    - The multi-value map wins for a name in both (API Gateway docs); null values are skipped.
    - Every Cookie is merged into ONE header joined by "; ": HTTP/2 clients send several and
      WSGI (one HTTP_COOKIE) and Starlette (reads the first) need them together (RFC 6265,
      smithy-typescript #1997); v2 ``cookies[]`` join it.
    - Content-Length is dropped: API Gateway does not forward the client's (aws-lambda-dotnet
      #559); the reader adds one computed from the decoded body (serverless-wsgi #40).
    - Names with "_" are kept, as uvicorn keeps them for ASGI apps; the WSGI driver drops them
      (where ``X_Forwarded_For`` and ``X-Forwarded-For`` would share one environ key).
    """
    single = mapping(single, "headers")
    multi = mapping(multi, "multiValueHeaders")
    if not multi or one_each(single, multi):
        if multi:  # one value each: the multi-value map wins (the docs), as a single map
            single = {name: values[0] for name, values in multi.items()}
        names = tuple(single)
        lowered, special = _SHAPES.lookup(names)
        if lowered is not None:
            values = list(single.values())
            try:
                text = "".join(values)  # TypeError: a null value, or not a string
            except TypeError:
                pass
            else:
                if not text.isascii():
                    for name, value in zip(names, values):
                        utf8(value, f"header {name!r}")
                found = dict(zip(lowered, values))
                cookie = None
                if special:
                    found.pop("content-length", None)
                    cookie = found.pop("cookie", None)
                out = list(found.items())
                if cookie or cookies is not None:
                    out = _with_cookies(out, [cookie] if cookie else [], cookies)
                    if out and out[-1][0] == "cookie":
                        found["cookie"] = out[-1][1]
                return out, found
        return _checked(_merged(single, {}), cookies)
    return _checked(_merged(single, multi), cookies)


# Header names as an event spells them, in order -> (their lower-case forms, whether Cookie or
# Content-Length is among them), or (None, None) when they need a second look (not HTTP tokens,
# two alike but for case).
def _shape(names: tuple) -> tuple:
    lowered = tuple([name.lower() for name in names])
    joined = "".join(lowered)
    if len(set(lowered)) != len(lowered) or not TOKEN.issuperset(joined) or "" in lowered:
        return (None, None)
    return (lowered, "cookie" in lowered or "content-length" in lowered)


_SHAPES = PerNameSet(_shape)


def one_each(single: dict, multi: dict) -> bool:
    """Both maps name the same names, and the multi-value one holds one value (a list of one) each."""
    for values in multi.values():
        if type(values) not in ARRAYS or len(values) != 1:
            return False
    return single.keys() == multi.keys()


def _merged(single: dict, multi: dict) -> list:
    """(name, value) pairs of both maps: multi-value wins for a name in both, nulls skipped."""
    pairs = []
    for name, values in multi.items():
        if values is None:
            continue
        if type(values) not in ARRAYS:
            raise malformed(f"multiValueHeaders[{name!r}] has an unexpected type (not a list)")
        pairs.extend([(name, value) for value in values if value is not None])
    taken = {name.lower() for name in multi}
    pairs.extend([(n, v) for n, v in single.items() if v is not None and n.lower() not in taken])
    return pairs


def _checked(pairs: list, cookies) -> tuple[list, dict]:
    out = []
    jar = []
    for name, value in pairs:
        if type(value) is not str:
            raise malformed(f"header {name!r} has an unexpected type ({type(value).__name__}, not a string)")
        name = name.lower()
        if name == "cookie":
            if value:
                jar.append(value)
        elif name != "content-length":
            out.append((name, value))
    if jar or cookies is not None:
        out = _with_cookies(out, jar, cookies)
    names = [name for name, _ in out]
    if "" in names or not TOKEN.issuperset("".join(names)):
        _check_names(out)
    for name, value in out:
        if not value.isascii():
            utf8(value, f"header {name!r}")
    return out, dict(out)


def _with_cookies(out: list, jar: list, cookies) -> list:
    if cookies is not None:
        if type(cookies) is not list:
            raise malformed("cookies has an unexpected type (not a list)")
        jar = jar + [text(cookie, "cookies") for cookie in cookies]
    if jar:
        cookie = "; ".join(jar)
        if not cookie.isascii():  # cookies[] is not among the values headers() checked
            utf8(cookie, "cookies")
        out.append(("cookie", cookie))
    return out


def _check_names(pairs: list) -> None:
    for name, _ in pairs:
        if not name or not TOKEN.issuperset(name):
            raise malformed(f"header name {name!r} is not an HTTP token")


def body(event: dict) -> bytes:
    """The request body as bytes: base64-decoded when ``isBase64Encoded`` (invalid -> 400)."""
    found = text(event.get("body"), "body")
    if not found:
        return b""
    if event.get("isBase64Encoded"):
        try:
            return strict_base64(found)
        except (_B64Error, ValueError) as exc:
            raise MalformedEvent(
                "the event says isBase64Encoded but its body is not valid base64",
                "check what built this event; API Gateway and ALB always send valid base64",
            ) from exc
    return utf8(found, "body")


_BASE64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def strict_base64(text: str) -> bytes:
    """The bytes of ``text`` when it is base64 and nothing else (no newlines, spaces or stray
    characters, the padding only at the end); ValueError or binascii.Error otherwise.

    What ``a2b_base64(text, strict_mode=True)`` does on Python 3.11+, written so the python3.10
    runtime runs it too (strict_mode is a TypeError there: every base64 body was a 400). One C pass
    each (encode, rstrip, translate, a2b_base64), as fast on a 6 MB body."""
    data = text.encode("ascii")  # UnicodeEncodeError (a ValueError): not base64
    core = data.rstrip(b"=")
    if len(data) % 4 or len(data) - len(core) > 2 or core.translate(None, _BASE64):
        raise ValueError("not canonical base64")
    return a2b_base64(data)


def with_content_length(pairs: list, found: bytes) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(names, values) of the headers plus a Content-Length computed from the decoded body
    (serverless-wsgi #40)."""
    if found:
        pairs.append(("content-length", str(len(found))))
    return tuple([name for name, _ in pairs]), tuple([value for _, value in pairs])


def server_and_scheme(lowered: dict, fallback_host, default_scheme: str) -> tuple[str, tuple[str, int]]:
    return server_from(lowered.get("host"), lowered.get("x-forwarded-proto"), lowered.get("x-forwarded-port"), fallback_host, default_scheme)


def server_from(host, proto, forwarded_port, fallback_host, default_scheme: str) -> tuple[str, tuple[str, int]]:
    """``server_and_scheme`` from the three header values (None when absent); remembered per
    combination (a function sees the same few hosts)."""
    key = (host, proto, forwarded_port, fallback_host, default_scheme)
    found = _SERVERS.get(key)
    if found is None:
        found = _server_from(host, proto, forwarded_port, fallback_host, default_scheme)
        # bounded in bytes (values of at most 255 characters, 32 combinations): clients choose them
        if len(_SERVERS) < 32 and all(value is None or len(value) <= 255 for value in key):
            _SERVERS[key] = found
    return found


_SERVERS: dict[tuple, tuple] = {}


def _server_from(host, proto, forwarded_port, fallback_host, default_scheme: str) -> tuple[str, tuple[str, int]]:
    """(scheme, (host, port)) from the Host, X-Forwarded-Proto and X-Forwarded-Port headers.

    No Host at all (ALB health checks, console tests: rust alb_no_host.json, apigw_no_host.json)
    falls back to requestContext.domainName, then "localhost", so URLs stay well formed.
    """
    host = host or text(fallback_host, "requestContext.domainName") or "localhost"
    if not host.isascii():
        utf8(host, "requestContext.domainName")  # (a Host header's value was checked already)
    scheme = proto.split(",")[0].strip().lower() if proto else default_scheme
    if scheme != "https" and scheme != "http":
        scheme = default_scheme
    port = None
    if host[0] == "[":  # IPv6 literal
        end = host.find("]")
        if end != -1 and host[end + 1 : end + 2] == ":":
            port = host[end + 2 :]
            host = host[: end + 1]
    elif host.count(":") == 1:
        host, _, port = host.partition(":")
        host = host or text(fallback_host, "requestContext.domainName") or "localhost"  # ":8080" names no host
    if forwarded_port:
        port = forwarded_port.split(",")[0].strip()
    if port and port.isdigit() and port.isascii() and len(port) <= 5:
        return scheme, (host, int(port))
    return scheme, (host, 443 if scheme == "https" else 80)


def client_address(source_ip) -> tuple[str, int] | None:
    """(ip, 0) from the requestContext's source IP; never the spoofable first X-Forwarded-For.

    Values are not always plain IPs: console tests send "test-invoke-source-ip" and some
    samples "192.168.0.1/32" (powertools fixtures); keep the former, strip a CIDR suffix.
    """
    found = text(source_ip, "sourceIp")
    if not found:
        return None
    if not found.isascii():
        utf8(found, "sourceIp")
    return (found.partition("/")[0], 0)


def strip_prefix(prefix: str, decoded: str, raw: bytes) -> tuple[str, bytes]:
    """Remove the mount prefix from the decoded and raw path (both keep a leading "/")."""
    if not prefix:
        return decoded, raw
    decoded = decoded[len(prefix) :] or "/"
    raw_prefix = prefix.encode("utf-8", "replace")
    if raw.startswith(raw_prefix):
        raw = raw[len(raw_prefix) :] or b"/"
    else:  # the prefix itself was percent-encoded on the wire
        raw = quote_path(decoded)
    return decoded, raw
