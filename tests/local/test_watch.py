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
