"""Work done in the container's init phase, so the first user does not pay for it.

``at_init(handler, paths)`` is called by the generated ``shoehorn_handler.py`` at import, which
Lambda runs in the init phase: it starts the app (the ASGI lifespan startup) and then sends each
configured priming request (``prime = ["/healthz"]`` in shoehorn.toml) through the very handler
that serves users, as an API Gateway REST event built here. Lazy imports, template compilation,
pydantic schema building and connection pools are then paid during init (which Lambda runs at
full CPU, and which SnapStart snapshots), not by the first request.

A route the app does not have, or an app that raises while priming, is logged and init goes on:
priming is an optimisation. A failing lifespan startup fails init, as a server exits when its
app cannot start: Lambda reports the error and the next request gets a fresh environment that
starts the app again. (Remembered and raised by every request instead, a startup that failed once,
say while the database was briefly away, left that environment answering 502 until Lambda
recycled it.)
"""

from __future__ import annotations

from shoehorn.runtime.log import log

# The Host a priming request carries: there is no client yet, and API Gateway's own domain is
# unknown at init. "localhost" passes Django's default ALLOWED_HOSTS checks under DEBUG.
HOST = "localhost"
USER_AGENT = "shoehorn-prime"


# Where the front puts the app (the generated entry point passes the deployed stage, "/dev"):
# the local emulator sets it for a front that has no stage in its URLs (Function URL, ALB).
ROOT_ENV = "SHOEHORN_PRIME_ROOT"


def event(target: str, number: int = 1, root: str = "") -> dict:
    """The REST (payload 1.0) event API Gateway's ``/{proxy+}`` sends for ``GET target``.

    ``target`` is a path with an optional query ("/search?q=x"). ``root`` is the stage prefix
    ("/dev") real requests arrive under, as execute-api sends them (``requestContext.path``
    holds it): the app must see its first request under the prefix of every later one, as
    frameworks keep what they work out from it (Django's STATIC_URL takes the script prefix
    of the first request that reads it, for the container's life).
    """
    from urllib.parse import parse_qsl

    path, _, query = target.partition("?")
    pairs = parse_qsl(query, keep_blank_values=True)
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        multi.setdefault(name, []).append(value)
    headers = {"Host": HOST, "User-Agent": USER_AGENT, "Accept": "*/*"}
    return {
        "resource": "/{proxy+}" if path != "/" else "/",
        "path": path,
        "httpMethod": "GET",
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": {name: values[-1] for name, values in multi.items()} or None,
        "multiValueQueryStringParameters": multi or None,
        "pathParameters": {"proxy": path.lstrip("/")} if path != "/" else None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}" if path != "/" else "/",
            "httpMethod": "GET",
            "requestId": f"shoehorn-prime-{number}",
            "identity": {"sourceIp": "127.0.0.1", "userAgent": USER_AGENT},
            "domainName": HOST,
            **({"stage": root.strip("/"), "path": root + path} if root else {}),
        },
        "body": None,
        "isBase64Encoded": False,
    }


def at_init(handler, paths: tuple[str, ...] | list[str] = (), root: str = "") -> int:
    """Start the app, then send each priming request under ``root`` (the stage prefix, see
    event()); the number answered with a success (< 400)."""
    handler.start()  # a failed startup fails init (see above); Lambda's runtime client logs it
    answered = 0
    for number, target in enumerate(paths, 1):
        try:
            result = handler(event(target, number, root), None)
        except Exception:  # noqa: BLE001 — priming is an optimisation, never a reason to fail init
            log().exception("priming request GET %s failed at init (ignored)", target)
            continue
        status = result.get("statusCode") if isinstance(result, dict) else None
        if isinstance(status, int) and status < 400:
            answered += 1
        else:
            log().warning("priming request GET %s answered %s at init (ignored; check `prime` in shoehorn.toml)",
                          target, status)
    return answered
