"""`shoehorn dev --lambda` follows the code: a change rebuilds the bundle, new containers run it.

What a deploy does on Lambda, done locally: requests already running finish on the old code,
idle containers are stopped, and the next request cold-starts a container on the new bundle
(the REPORT line shows its Init Duration). The rebuild is the normal cached build without the
zip: dependencies come from the cache, a Django project's static files are collected again only
when something collectstatic read changed, and the new code directory links the dependencies'
files and writes the app's (``tree``). A change the bundle does not ship (a .gitignored file,
say) gives the same code directory and changes nothing. ``shoehorn.toml`` is
read again too, so environment, memory and timeout edits apply. A rebuild that fails (a typo
in the config, an unresolvable requirement) is reported and the previous bundle keeps serving.

Only changes the build can see count: a file the bundle ships, or one that decides what it
ships or how (settings, requirements, ``.gitignore``). A log the developer or a tool writes
into the app directory, an editor's swap file or anything ``exclude``d changes nothing, so it
rebuilds nothing (it used to: each log write restarted every container).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from shoehorn.config import Config
from shoehorn.config import load as load_config
from shoehorn.errors import ShoehornError
from shoehorn.local.server import RELOAD_EXCLUDED_DIRS
from shoehorn.progress import Info, Progress, Warn
from shoehorn.words import plural


def _watched(change, path: str) -> bool:
    return not (set(Path(path).parts) & set(RELOAD_EXCLUDED_DIRS))


def build_inputs(config: Config) -> frozenset[str]:
    """Paths (relative, posix) whose change can change the bundle: what it ships and what decides that."""
    from shoehorn.bundle.ignore import select

    deciding = {"shoehorn.toml", "pyproject.toml"}
    for path in (config.requirements, config.source_file):
        if path is not None and path.is_relative_to(config.directory):
            deciding.add(path.relative_to(config.directory).as_posix())
    return frozenset(select(config).files) | deciding


class Reloader:
    """Watches the app directory in a thread; ``rebuild()`` also works on its own (tests)."""

    def __init__(self, directory: Path, stage: str | None, pool, *, use_local_platform: bool, progress: Progress) -> None:
        self.directory = directory
        self.stage = stage
        self.pool = pool
        self.use_local_platform = use_local_platform
        self.progress = progress
        self._stop = threading.Event()
        self._inputs: frozenset[str] = frozenset()  # build_inputs() as last seen
        # One rebuild or prune at a time: a prune between a rebuild's unzip and the pool taking the
        # new bundle would see that bundle unused and delete it.
        self._pruning = threading.Lock()
        self._cache_root: Path | None = None  # the .shoehorn folder, known from the first rebuild
        self._config_warnings: list = []  # the config's warnings as last shown
        self._thread = threading.Thread(target=self._run, name="shoehorn-reload", daemon=True)

    def start(self) -> None:
        self.matters(set())  # what the build reads now, before anything changes
        if self.pool is not None:
            self.pool.on_retired = self._retired
        self._config_warnings = self._read_warnings()  # `dev --lambda` showed these at start
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        from watchfiles import watch

        for changes in watch(self.directory, watch_filter=_watched, stop_event=self._stop, raise_interrupt=False):
            paths = {Path(path) for _, path in changes}
            if not self.matters(paths):
                continue
            # editors save through temporary files: name what is still there, if anything
            names = sorted({p.name for p in paths if p.exists()} or {p.name for p in paths})
            self.rebuild(", ".join(names[:3]) + (" ..." if len(names) > 3 else ""))

    def matters(self, paths: set[Path]) -> bool:
        """Whether a change to ``paths`` can change the bundle (remembers what the build reads)."""
        relative = {path.relative_to(self.directory).as_posix() for path in paths if path.is_relative_to(self.directory)}
        if relative & self._inputs or any(Path(rel).name == ".gitignore" for rel in relative):
            return True  # the common edit: a file the bundle ships, no walk needed
        try:
            inputs = build_inputs(load_config(self.directory, stage=self.stage))
        except ShoehornError:
            return True  # the rebuild reports what is wrong
        # a new file the bundle will ship, or one that was shipped and is gone
        changed = inputs != self._inputs
        self._inputs = inputs
        return changed

    def rebuild(self, what: str = "") -> bool:
        """Build again and hand new containers the new bundle; whether the code changed."""
        from shoehorn.local.emulator import prepare

        with self._pruning:
            previous = self.pool.function
            began = time.perf_counter()
            try:
                warnings: list = []
                config = load_config(self.directory, stage=self.stage, progress=warnings.append)
                if warnings != self._config_warnings:  # an edit changed them (a timeout over 29 s, say): say so once
                    self._config_warnings = warnings
                    for warning in warnings:
                        self.progress(warning)
                # one line per reload, not the build's step-by-step output; its warnings still show
                function = prepare(config, use_local_platform=self.use_local_platform, progress=self._warnings)
            except ShoehornError as error:
                hint = f" ({error.hint})" if error.hint else ""
                self.progress(Warn(f"rebuild failed, still serving the previous bundle: {error.message}{hint}"))
                return False
            if function == previous:
                return False  # nothing the bundle ships changed
            rebuilt = time.perf_counter() - began  # new containers run it from the swap on
            stopped = self.swap(function, config.directory / ".shoehorn")
        self.progress(
            Info(
                f"reloaded after a change to {what or 'the app'} (rebuilt in {rebuilt:.1f} s): the "
                f"next request starts a container on the new bundle ({plural(stopped, 'idle container')} stopped)"
            )
        )
        return True

    def swap(self, function, cache_root: Path) -> int:
        """The pool runs ``function`` from now on; bundles no container uses any more are deleted
        (a busy one when its last container stops: ``_retired``). Returns the idle containers stopped."""
        self._cache_root = cache_root
        stopped = self.pool.replace(function)
        self._prune()
        return stopped

    def _prune(self) -> None:
        from shoehorn.local.emulator import prune

        if self._cache_root is not None:
            prune(self._cache_root, keep=self.pool.task_roots())

    def _retired(self) -> None:
        # called on the thread that answers a request: deleting a bundle must not delay that answer
        def prune_now() -> None:
            with self._pruning:
                self._prune()

        threading.Thread(target=prune_now, name="shoehorn-prune", daemon=True).start()

    def _read_warnings(self) -> list:
        warnings: list = []
        try:
            load_config(self.directory, stage=self.stage, progress=warnings.append)
        except ShoehornError:
            pass  # the first rebuild reports it
        return warnings

    def _warnings(self, event) -> None:
        if isinstance(event, Warn):
            self.progress(event)
