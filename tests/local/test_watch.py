"""The reloader of `dev --lambda` rebuilds only for changes the build can see."""

from __future__ import annotations

import time
from pathlib import Path

from shoehorn.local.watch import Reloader
from shoehorn.progress import discard

APP = "def app(environ, start_response):\n    start_response('200 OK', [])\n    return [b'v1']\n"


class RecordingReloader(Reloader):
    """The real watcher thread and filter; the rebuild itself only recorded."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory, None, pool=None, use_local_platform=False, progress=discard)
        self.rebuilds: list[str] = []

    def rebuild(self, what: str = "") -> bool:
        self.rebuilds.append(what)
        return True


def _settle(reloader: RecordingReloader, count: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while len(reloader.rebuilds) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # and nothing more arrives


def test_only_changes_the_build_can_see_rebuild(tmp_path):
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "shoehorn.toml").write_text('exclude = ["scratch/"]\n')
    (tmp_path / ".gitignore").write_text("*.log\n")
    (tmp_path / "scratch").mkdir()
    reloader = RecordingReloader(tmp_path)
    reloader.start()
    try:
        time.sleep(0.3)  # the watcher is running
        # a log the emulator's output is sent to (gitignored), shoehorn's own cache, an excluded folder
        for round_ in range(3):
            (tmp_path / "dev.log").write_text(f"START RequestId: {round_}\n" * 50)
            (tmp_path / ".shoehorn" / "lambda").mkdir(parents=True, exist_ok=True)
            (tmp_path / ".shoehorn" / "lambda" / f"dep{round_}.py").write_text("x = 1\n")
            (tmp_path / "scratch" / f"notes{round_}.py").write_text("y = 2\n")
            time.sleep(0.2)
        _settle(reloader, 0, seconds=0)
        assert reloader.rebuilds == []
        (tmp_path / "app.py").write_text(APP.replace("v1", "v2"))  # a shipped file
        _settle(reloader, 1)
        assert reloader.rebuilds == ["app.py"]
        (tmp_path / "views.py").write_text("z = 3\n")  # a new file the bundle will ship
        _settle(reloader, 2)
        assert reloader.rebuilds[1:] == ["views.py"]
        (tmp_path / "shoehorn.toml").write_text('exclude = ["scratch/"]\nmemory = 256\n')  # settings
        _settle(reloader, 3)
        assert reloader.rebuilds[2:] == ["shoehorn.toml"]
    finally:
        reloader.stop()


WAITS_FOR_A_FILE = '''
import os, pathlib, time

def handler(event, context):
    pathlib.Path(os.environ["BUSY"]).write_text("running")
    while not pathlib.Path(os.environ["GO"]).exists():  # the test lets it finish
        time.sleep(0.02)
    return {"code": pathlib.Path("version.txt").read_text()}  # a file of its own bundle, read late
'''


def _wait_for(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_a_request_running_through_two_reloads_finishes_on_its_own_bundle_which_goes_after(tmp_path, make_function):
    import json
    import threading

    from shoehorn.local.logs import LambdaLog
    from shoehorn.local.pool import Pool
    from shoehorn.local.runtime_api import Succeeded
    from tests.local.bundles import handler_bundle

    cache_root = tmp_path / ".shoehorn"
    busy, go = tmp_path / "busy", tmp_path / "go"
    roots, functions = {}, {}

    def unzip(version: str):  # what a save's rebuild unzips, before the swap
        roots[version] = handler_bundle(cache_root / "lambda" / version, WAITS_FOR_A_FILE)
        (roots[version] / "version.txt").write_text(version)
        functions[version] = make_function(roots[version], timeout_s=30, environment={"BUSY": str(busy), "GO": str(go)})
        return functions[version]

    unzip("a")
    pool = Pool(functions["a"], LambdaLog(discard))
    reloader = Reloader(tmp_path, None, pool, use_local_platform=False, progress=discard)
    pool.on_retired = reloader._retired  # what start() does, without the watcher thread
    result = {}
    request = threading.Thread(target=lambda: result.update(answer=pool.invoke({})))
    try:
        request.start()
        _wait_for(busy.exists)
        reloader.swap(unzip("b"), cache_root)  # the first save
        reloader.swap(unzip("c"), cache_root)  # the second: b was never used, a still is
        assert roots["a"].exists() and not roots["b"].exists() and roots["c"].exists()
        go.touch()
        request.join(30)
        outcome, _ = result["answer"]
        assert isinstance(outcome, Succeeded) and json.loads(outcome.payload) == {"code": "a"}
        _wait_for(lambda: not roots["a"].exists())  # its last container stopped: a goes too
        assert roots["c"].exists()
    finally:
        go.touch()
        pool.close()
