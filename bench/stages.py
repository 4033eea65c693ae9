"""Where the adapter's time goes: each stage of the request path, timed where it runs.

    python bench/stages.py            # about 15 s
    python bench/stages.py --quick    # about 5 s, noisier

A stage timed alone in a loop runs with everything it touches in the CPU's caches; between two
calls of the app it finds them evicted and costs about twice as much (bench/README.md). So each
stage is measured here by what the whole handler saves when that one stage is replaced by a
stand-in that returns the same answer prepared in advance (same process, rounds interleaved,
best round; each call handed a just-parsed event, as in bench/adapter.py), next to the stage
timed alone. The stand-ins check nothing: the last row (every stand-in at once but the loop
pass, which any ASGI handler pays, and a handler that only calls read -> driver -> render) is a
lower bound, not a target. The control row swaps in an identical copy of a stage: what it
"saves" is the method's own error (swapping a function makes the interpreter re-learn the
calls to it), so a row within that of zero says nothing; bench/adapter.py runs in separate
processes (or an A/B of two checkouts) decide.
"""

from __future__ import annotations

import argparse
import gc
import io
import sys
import timeit
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import _apps  # noqa: E402
from adapter import per_call  # noqa: E402

from shoehorn.runtime import answer, asgi, handler, payload, wsgi  # noqa: E402
from shoehorn.runtime.events import rest  # noqa: E402
from shoehorn.runtime.types import Response  # noqa: E402


def _unchecked(status, headers, body) -> Response:
    return tuple.__new__(Response, (status, tuple(headers), body))


def _plain_render(response, event) -> dict:
    status, headers, body = response
    return {"statusCode": status, "headers": dict(headers), "multiValueHeaders": {}, "body": body.decode(), "isBase64Encoded": False}


def _driven_straight(loop, coro, selector=None):
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    raise RuntimeError("the app waited: this stand-in only drives apps that never do")


def stand_ins(kind: str, h, event, context) -> dict[str, list[tuple[object, str, object]]]:
    """Stage name -> the (module, attribute, stand-in) replacements that skip it."""
    request = rest.read(event)
    response = h._drive(request, event, context)
    rendered = rest.render(response, event)
    out = {
        "read (rest.read)": [(rest, "read", lambda e: request)],
        "answer checks (answer.response)": [(answer, "response", _unchecked)],
        "render (rest.render)": [(rest, "render", lambda r, e: dict(rendered))],
        "payload limit (over_limit)": [(handler, "over_limit", lambda result, s, e, c: result)],
    }
    if kind == "wsgi":
        environ = wsgi.build_environ(request, event, context)
        out["environ (wsgi.build_environ)"] = [(wsgi, "build_environ", lambda r, e, c: {**environ, "wsgi.input": io.BytesIO(r.body)})]
    else:
        state = h._asgi.lifespan.state if h._asgi.lifespan is not None else None
        scope = asgi.build_scope(request, event, context, state)
        out["scope (asgi.build_scope)"] = [(asgi, "build_scope", lambda r, e, c, s: {**scope, "headers": list(scope["headers"])})]
        # the app's coroutine driven straight, outside any loop: fine for this app, which never
        # waits (and needs no running loop); what entering the loop costs per request
        out["loop pass (asgi.run_until_complete)"] = [(asgi, "run_until_complete", _driven_straight)]
    same = payload.over_limit
    copy = types.FunctionType(same.__code__, same.__globals__, same.__name__, same.__defaults__, same.__closure__)
    out["control: over_limit, same code"] = [(handler, "over_limit", copy)]
    return out


def measure(label: str, app, kind: str, rounds: int) -> None:
    h = handler.adapt(app)
    event, context = _apps.fresh_event(), _apps.Context()
    assert _apps.body_of(h(event, context)) == _apps.EXPECTED
    stages = stand_ins(kind, h, event, context)
    # every stand-in but the loop's: the pass into the loop is what any ASGI handler must pay
    everything = [patch for name, patches in stages.items() if not name.startswith(("control", "loop")) for patch in patches]

    def minimal(e, c):
        return rest.render(h._drive(rest.read(e), e, c), e)

    rows = {"as is": ([], h), **{name: (patches, h) for name, patches in stages.items()}, "all stand-ins, minimal handler": (everything, minimal)}
    best: dict[str, float] = {}
    alone: dict[str, float] = {}
    gc.disable()
    try:
        for _ in range(rounds):
            for name, (patches, call) in rows.items():
                saved = [(module, attr, getattr(module, attr)) for module, attr, _ in patches]
                for module, attr, stand_in in patches:
                    setattr(module, attr, stand_in)
                try:
                    seconds = min(per_call(lambda fresh: call(fresh, context), event)(500) for _ in range(3)) / 500
                finally:
                    for module, attr, original in saved:
                        setattr(module, attr, original)
                best[name] = min(best.get(name, seconds), seconds)
    finally:
        gc.enable()
    request = rest.read(event)
    response = h._drive(request, event, context)
    alone_calls = {
        "read (rest.read)": lambda: rest.read(event),
        "render (rest.render)": lambda: rest.render(response, event),
        "answer checks (answer.response)": lambda: answer.response(response.status, response.headers, response.body),
    }
    for name, call in alone_calls.items():
        alone[name] = min(timeit.repeat(call, number=2000, repeat=5)) / 2000
    base = best["as is"]
    print(f"\n{label}: the handler {base * 1e6:.1f} µs per request")
    print(f"  {'stage':<34} {'saved when skipped':>19} {'timed alone':>12}")
    for name in rows:
        if name == "as is":
            continue
        solo = f"{alone[name] * 1e6:9.2f} µs" if name in alone else ""
        print(f"  {name:<34} {(base - best[name]) * 1e6:16.2f} µs {solo:>12}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, noisier")
    args = parser.parse_args(argv)
    rounds = 4 if args.quick else 15
    print(f"Python {sys.version.split()[0]}; bench/adapter.py's REST event; best of {rounds} interleaved rounds")
    measure("Flask (WSGI)", _apps.flask_app(), "wsgi", rounds)
    measure("Starlette (ASGI)", _apps.starlette_app(), "asgi", rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
