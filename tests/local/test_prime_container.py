"""Priming in a real container (`dev --lambda`'s data plane): the priming request runs inside the
init phase, so the REPORT line's Init Duration includes it and the first real request is warm."""

from __future__ import annotations

import json

from shoehorn.bundle import shim
from shoehorn.gateway import build_event
from shoehorn.local.logs import LambdaLog
from shoehorn.local.pool import Pool
from shoehorn.local.runtime_api import Succeeded
from shoehorn.progress import Recorder

from tests.local.bundles import copy_runtime

LAZY = 0.3  # seconds the route's first call takes (a lazy import, a template compiled...)

# A WSGI app whose route is slow the first time it is called, and says how many calls it has had.
APP = f'''
import json, time

calls = []

def app(environ, start_response):
    if not calls:
        time.sleep({LAZY})
    calls.append(environ["PATH_INFO"])
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(calls).encode()]
'''


def _invoke_cold(tmp_path, make_function, prime: tuple[str, ...]):
    root = tmp_path / "bundle"
    copy_runtime(root)
    (root / "lazyapp.py").write_text(APP)
    (root / "shoehorn_handler.py").write_text(shim.source("lazyapp:app", prime=prime))
    pool = Pool(make_function(root), LambdaLog(Recorder()), limit=1)
    try:
        outcome, report = pool.invoke(build_event("rest", "GET", "/dev/page", "", [], b"", stage="dev"))
    finally:
        pool.close()
    assert isinstance(outcome, Succeeded), outcome
    return json.loads(json.loads(outcome.payload)["body"]), report


def test_the_priming_request_runs_in_init_and_the_first_real_request_is_warm(tmp_path, make_function) -> None:
    calls, report = _invoke_cold(tmp_path, make_function, ("/healthz",))
    assert calls == ["/healthz", "/page"]  # the app had been called once, at init
    assert report.init_duration_ms >= LAZY * 1000  # the lazy work was paid inside init...
    assert report.duration_ms < LAZY * 1000  # ...not by the first user


def test_without_priming_the_first_real_request_pays(tmp_path, make_function) -> None:
    calls, report = _invoke_cold(tmp_path, make_function, ())
    assert calls == ["/page"]
    assert report.duration_ms >= LAZY * 1000
