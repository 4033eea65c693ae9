"""A failed ASGI lifespan startup under `dev --lambda`: the real shim in real containers behind the front.

The init fails (as on Lambda, each request then gets a fresh container that fails again): the app's
traceback is shown once per container start, under INIT, and each request's GATEWAY line names the
failure in one line instead of carrying the traceback a second time.
"""

from __future__ import annotations

import httpx

from shoehorn.bundle import shim
from shoehorn.local.front import create_app
from shoehorn.local.logs import LambdaLog
from shoehorn.local.pool import Pool
from shoehorn.progress import Recorder

from tests.local.bundles import copy_distributions, copy_runtime

APP = '''
import contextlib
from starlette.applications import Starlette


def connect():
    raise RuntimeError("db down")


@contextlib.asynccontextmanager
async def lifespan(app):
    connect()
    yield


app = Starlette(routes=[], lifespan=lifespan)
'''

APP_FRAME = 'raise RuntimeError("db down")'  # the app's own line: in its traceback, nowhere else


async def test_the_apps_traceback_is_shown_once_per_container_start_and_the_gateway_line_is_one_line(
        tmp_path, make_function) -> None:
    root = tmp_path / "bundle"
    copy_runtime(root)
    copy_distributions(["starlette"], root)
    (root / "dbapp.py").write_text(APP)
    (root / "shoehorn_handler.py").write_text(shim.source("dbapp:app"))
    recorder = Recorder()
    pool = Pool(make_function(root), LambdaLog(recorder), limit=1)
    front = create_app(pool.invoke_async, LambdaLog(recorder), stage="dev")
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=front), base_url="http://127.0.0.1") as client:
            statuses = [(await client.get("/dev/")).status_code for _ in range(2)]
    finally:
        pool.close()
    assert statuses == [502, 502]
    printed = "\n".join(event.message for event in recorder.events)
    assert printed.count(APP_FRAME) == 2, printed  # two container starts, each shown once (under INIT)
    assert all(line.startswith("INIT\t") for line in printed.splitlines() if APP_FRAME in line)
    gateway = [line for line in printed.splitlines() if line.startswith("GATEWAY")]
    assert gateway == ["GATEWAY\tGET /dev/: function init failed LifespanFailed: the ASGI app's lifespan startup "
                       "failed: RuntimeError: db down (in full above, under INIT)"] * 2, printed
