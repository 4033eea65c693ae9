"""SnapStart hooks through a stand-in for Lambda's ``snapshot_restore_py``.

The stand-in has the library's documented API ("Lambda SnapStart runtime hooks for Python",
https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-python.html):
``register_before_snapshot(func, *args, **kwargs)`` and ``register_after_restore(func, *args, **kwargs)``;
it records the hooks so the test can run them as Lambda would (before snapshot: reverse order of
registration; after restore: order of registration).
"""

from __future__ import annotations

import random
import runpy
import sys

import pytest

from shoehorn.bundle import shim
from shoehorn.runtime import snapstart

FAKE_LIBRARY = '''
before, after = [], []

def register_before_snapshot(func, *args, **kwargs):
    before.append((func, args, kwargs))
    return func

def register_after_restore(func, *args, **kwargs):
    after.append((func, args, kwargs))
    return func

def snapshot():
    for func, args, kwargs in reversed(before):
        func(*args, **kwargs)

def restore():
    for func, args, kwargs in after:
        func(*args, **kwargs)
'''

APP = '''
from shoehorn.runtime.snapstart import after_restore

events = []

@after_restore
def reconnect():
    events.append("reconnect")

async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        await receive()
        events.append("startup")
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await send({"type": "lifespan.shutdown.complete"})
        return
    events.append(scope["path"])
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})
'''


@pytest.fixture
def app_hooks(monkeypatch):
    monkeypatch.setattr(snapstart, "_AFTER_RESTORE", [])  # the app's hooks, fresh for each test
    return snapstart._AFTER_RESTORE


def _load(tmp_path, monkeypatch, *, with_library: bool, name: str):
    if with_library:
        (tmp_path / "snapshot_restore_py.py").write_text(FAKE_LIBRARY)
    else:
        monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)  # import fails, as on a laptop
    (tmp_path / f"{name}.py").write_text(APP)
    handler_file = tmp_path / f"handler_{name}.py"
    handler_file.write_text(shim.source(f"{name}:app", prime=("/warm",), snapstart=True))
    monkeypatch.syspath_prepend(str(tmp_path))
    for module in (name, "snapshot_restore_py") if with_library else (name,):
        monkeypatch.delitem(sys.modules, module, raising=False)
    namespace = runpy.run_path(str(handler_file))
    return namespace["handler"], sys.modules[name].events


def test_hooks_are_registered_and_run_as_lambda_runs_them(tmp_path, monkeypatch, app_hooks) -> None:
    handler, events = _load(tmp_path, monkeypatch, with_library=True, name="snap_app")
    import snapshot_restore_py as library

    assert len(library.before) == 1 and len(library.after) == 1
    assert events == ["startup", "/warm"]  # done at init, so before the snapshot
    library.snapshot()
    assert events == ["startup", "/warm"]  # the startup is not repeated
    random.seed(42)
    frozen = random.getstate()
    library.restore()
    assert random.getstate() != frozen  # re-seeded: restored containers do not share a sequence
    assert events == ["startup", "/warm", "reconnect"]  # then the app's own hook
    assert handler(_event("/real"), None)["statusCode"] == 200


def test_the_before_snapshot_hook_starts_an_app_not_yet_started(app_hooks, monkeypatch, tmp_path) -> None:
    (tmp_path / "snapshot_restore_py.py").write_text(FAKE_LIBRARY)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "snapshot_restore_py", raising=False)
    started = []

    class Handler:
        def start(self):
            started.append(True)

    import snapshot_restore_py as library

    snapstart.register(Handler(), library.register_before_snapshot, library.register_after_restore)

    library.snapshot()
    assert started == [True]


def test_without_the_library_nothing_is_registered_and_init_goes_on(tmp_path, monkeypatch, app_hooks) -> None:
    handler, events = _load(tmp_path, monkeypatch, with_library=False, name="laptop_app")
    assert events == ["startup", "/warm"]  # the entry point imported, without the library
    assert [f.__name__ for f in app_hooks] == ["reconnect"]  # kept, never called


def test_after_restore_returns_the_function_and_refuses_what_is_not_callable(app_hooks) -> None:
    def hook():
        pass

    assert snapstart.after_restore(hook) is hook
    with pytest.raises(TypeError, match="takes a function"):
        snapstart.after_restore("reconnect")


def test_the_shim_registers_hooks_only_when_snapstart_is_on() -> None:
    assert "snapstart.register(handler, " in shim.source("app:app", snapstart=True)
    assert "snapstart" not in shim.source("app:app")


def _event(path):
    from shoehorn.runtime.prime import event

    return event(path)
