"""shoehorn.runtime ships inside every bundle: it must import only the standard library."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

_PROBE = textwrap.dedent(
    """
    import sys
    before = set(sys.modules)
    import shoehorn.runtime
    from shoehorn import adapt

    def wsgi_app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    async def asgi_app(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def broken(scope, receive, send):
        raise RuntimeError("exercise the logging path")

    after_build = set(sys.modules)
    event = {
        "httpMethod": "GET", "path": "/x", "resource": "/{proxy+}",
        "headers": {"Host": "h"}, "requestContext": {"stage": "prod", "path": "/prod/x"},
    }
    alb = {"httpMethod": "GET", "path": "/", "headers": {}, "requestContext": {"elb": {}}}
    v2 = {"version": "2.0", "rawPath": "/", "requestContext": {"http": {"method": "GET"}}}
    for app in (wsgi_app, asgi_app, broken):
        handler = adapt(app)
        for e in (event, alb, v2):
            handler(e, None)
    import json
    print(json.dumps({
        "build": sorted(after_build - before),
        "all": sorted(set(sys.modules) - before - {"json", "json.decoder", "json.scanner", "json.encoder"}),
    }))
    """
)


def _foreign(names):
    return [
        n
        for n in names
        if n.split(".")[0] not in sys.stdlib_module_names
        and n != "shoehorn"
        and not n.startswith("shoehorn.runtime")
    ]


def test_runtime_imports_only_the_standard_library():
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True)
    modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert "shoehorn.runtime.handler" in modules["build"]
    assert _foreign(modules["all"]) == []


def test_building_a_wsgi_handler_stays_light():
    # cold start: no asyncio, logging, inspect, dataclasses, urllib until they are needed
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True)
    build = json.loads(done.stdout.strip().splitlines()[-1])["build"]
    heavy = {"asyncio", "logging", "inspect", "dataclasses", "urllib.parse", "json", "base64"}
    assert heavy.isdisjoint(build), heavy & set(build)


def test_no_generated_code_and_no_private_names_of_other_objects():
    # issue 13: a Lambda runtime update to a newer Python must not change the request path under
    # deployed functions, so the runtime uses public APIs only (no loop._ready, no exec).
    import ast
    from pathlib import Path

    import shoehorn.runtime

    found = []
    for path in sorted(Path(shoehorn.runtime.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("exec", "eval", "compile"):
                found.append(f"{path.name}:{node.lineno} {node.func.id}()")
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                    found.append(f"{path.name}:{node.lineno} .{node.attr}")
    assert found == []
