"""`dev --lambda`'s code directories, laid out without a zip: what they hold and what a rebuild rewrites."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path

import pytest

from shoehorn.bundle import install, zipper
from shoehorn.bundle.build import Contents
from shoehorn.local import tree
from shoehorn.local.emulator import prune

DEPENDENCY = {"dep/__init__.py": "VERSION = 1\n", "dep/data/words.txt": "alpha\n", "dep-1.0.dist-info/RECORD": "",
              "solo.py": "X = 1\n"}


def _contents(tmp_path: Path, app: dict[str, str], dates: float = 1_700_000_001) -> Contents:
    """A dependency cache entry holding ``DEPENDENCY`` (its zip written as install writes it) and ``app``."""
    deps_dir = tmp_path / "cache" / ("ab" * 16)
    if not deps_dir.is_dir():
        deps_dir.mkdir(parents=True)
        for name, text in DEPENDENCY.items():
            (deps_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (deps_dir / name).write_text(text)
            os.utime(deps_dir / name, (1_600_000_001, 1_600_000_001))  # odd seconds: a zip keeps even ones
        entries = {name: zipper.entry_for(name, deps_dir / name) for name in DEPENDENCY}
        zipper.write(entries, deps_dir / install.DEPS_ZIP)
    entries = {name: zipper.Entry(name, data=text.encode(), mtime=dates) for name, text in app.items()}
    return Contents(deps_dir, entries, install.Target("python3.11", "x86_64"), False, ())


def _files(root: Path) -> dict[str, tuple[str, int]]:
    """name -> (sha256, mtime) of every file below ``root`` but the publish stamp."""
    return {p.relative_to(root).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in root.rglob("*") if p.is_file() and p.name != ".complete"}


def test_a_code_directory_holds_exactly_what_unzipping_the_bundle_gives(tmp_path):
    parts = _contents(tmp_path, {"app.py": "app = None\n", "solo.py": "X = 2  # the app's own\n"})
    root, made = tree.assemble(parts, tmp_path / "lambda")
    assert made and root.parent == tmp_path / "lambda"
    merged = tmp_path / "bundle.zip"
    zipper.write_merged(parts.deps_dir / install.DEPS_ZIP, parts.app, merged)  # what `build` zips
    zipper.extract(merged, tmp_path / "unzipped")
    assert _files(root) == _files(tmp_path / "unzipped")
    assert (root / "solo.py").read_text() == "X = 2  # the app's own\n"  # the app's file replaces the dependency's
    assert tree.assemble(parts, tmp_path / "lambda") == (root, False)  # the same parts: the same directory


def test_a_rebuild_links_the_dependencies_writes_the_edit_and_leaves_the_running_directory_alone(tmp_path):
    first, _ = tree.assemble(_contents(tmp_path, {"app.py": "v = 1\n"}), tmp_path / "lambda")
    before = _files(first)
    second, made = tree.assemble(_contents(tmp_path, {"app.py": "v = 2\n"}), tmp_path / "lambda")
    assert made and second != first
    assert (second / "app.py").read_text() == "v = 2\n" and _files(first) == before
    for name in DEPENDENCY:  # the same files, not copies: nothing of the dependencies was written again
        assert (second / name).stat().st_ino == (first / name).stat().st_ino


def test_a_directory_no_container_uses_is_stripped_to_the_dependencies_and_taken_by_the_next_rebuild(tmp_path):
    lambda_dir = tmp_path / "lambda"
    first, _ = tree.assemble(_contents(tmp_path, {"app.py": "v = 1\n", "solo.py": "X = 2\n"}), lambda_dir)
    (first / "made-by-a-container").write_text("")  # what a process other than Python could leave there
    (first / "dep" / "cache").mkdir()
    (first / "dep" / "data" / "words.txt").unlink()
    second, _ = tree.assemble(_contents(tmp_path, {"app.py": "v = 2\n"}), lambda_dir)
    prune(tmp_path, keep={second})  # what the reloader does once new containers run `second`
    [spare] = lambda_dir.glob(".spare-*")
    assert not first.exists() and spare.name.endswith(f"-{os.getpid()}")
    base = next(p for p in (lambda_dir / tree.BASES).iterdir() if not p.name.startswith(".")) / "tree"
    assert _files(spare) == _files(base)  # the dependencies' links only, whatever the containers did
    assert all((spare / n).stat().st_ino == (base / n).stat().st_ino for n in DEPENDENCY)
    third, _ = tree.assemble(_contents(tmp_path, {"app.py": "v = 3\n"}), lambda_dir)
    assert not spare.exists() and (third / "app.py").read_text() == "v = 3\n"  # taken whole
    unzipped = tmp_path / "unzipped"
    merged = tmp_path / "bundle.zip"
    zipper.write_merged(_contents(tmp_path, {}).deps_dir / install.DEPS_ZIP,
                        _contents(tmp_path, {"app.py": "v = 3\n"}).app, merged)
    zipper.extract(merged, unzipped)
    assert _files(third) == _files(unzipped)

    gone = lambda_dir / ".spare-0123456789abcdef-1-999999999"  # a session that is gone (no such pid)
    gone.mkdir()
    prune(tmp_path, keep={third})
    assert not gone.exists() and third.is_dir() and not second.exists()


def test_a_dependency_file_written_through_a_link_is_found_and_the_dependencies_extracted_again(tmp_path):
    first, _ = tree.assemble(_contents(tmp_path, {"app.py": "v = 1\n"}), tmp_path / "lambda")
    linked = first / "dep/__init__.py"
    with open(linked, "r+") as file:  # what a process other than Python could do in its code directory
        file.write("VERSION = 9")
    second, _ = tree.assemble(_contents(tmp_path, {"app.py": "v = 2\n"}), tmp_path / "lambda")
    assert (second / "dep/__init__.py").read_text() == "VERSION = 1\n"
    assert (second / "dep/__init__.py").stat().st_ino != linked.stat().st_ino


def _bases(lambda_dir: Path) -> list[Path]:
    return sorted(p for p in (lambda_dir / tree.BASES).iterdir() if p.is_dir() and not p.name.startswith("."))


def test_a_requirements_change_drops_the_old_dependencies_once_no_other_session_uses_them(tmp_path):
    import subprocess
    import sys

    lambda_dir = tmp_path / "lambda"
    tree.assemble(_contents(tmp_path / "one", {"app.py": ""}), lambda_dir)
    [old] = _bases(lambda_dir)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:  # another live session laid out code directories from it
        (lambda_dir / tree.BASES / ".in-use" / f"{old.name}.{other.pid}").touch()
        tree.assemble(_contents(tmp_path / "two", {"app.py": ""}), lambda_dir)  # another cache entry
        assert old in _bases(lambda_dir) and len(_bases(lambda_dir)) == 2
    finally:
        other.kill()
        other.wait(10)
    tree.assemble(_contents(tmp_path / "three", {"app.py": ""}), lambda_dir)
    assert old not in _bases(lambda_dir) and len(_bases(lambda_dir)) == 1


def test_the_unzipped_size_limit_holds_without_a_zip(tmp_path, monkeypatch):
    from shoehorn.bundle import limits
    from shoehorn.errors import BuildError

    monkeypatch.setattr(limits, "UNZIPPED_LIMIT", 100)
    with pytest.raises(BuildError, match="unzipped"):
        tree.assemble(_contents(tmp_path, {"big.bin": "x" * 200}), tmp_path / "lambda")
    assert [p.name for p in (tmp_path / "lambda").iterdir() if not p.name.startswith(".")] == []


# The real packager, containers and reloader: a flask app (its dependencies from PyPI, cached for the session).
SLOW_APP = '''
import os, pathlib, time
import flask  # a dependency: its files are what a rebuild must not write again

def app(environ, start_response):
    if environ["PATH_INFO"] == "/slow":
        pathlib.Path(os.environ["BUSY"]).write_text("running")
        while not pathlib.Path(os.environ["GO"]).exists():  # the test lets it finish
            time.sleep(0.02)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [pathlib.Path("version.txt").read_bytes()]  # a file of its own bundle, read late
'''


@pytest.fixture
def shoehorn_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path_factory.getbasetemp() / "shoehorn-cache"  # tests/bundle's: one install per session
    monkeypatch.setenv("SHOEHORN_CACHE_DIR", str(cache))
    return cache


def _get(pool, path: str) -> str:
    import json

    from shoehorn.gateway import build_event
    from shoehorn.local.runtime_api import Succeeded

    outcome, _ = pool.invoke(build_event("rest", "GET", f"/dev{path}", "", [], b"", stage="dev"))
    assert isinstance(outcome, Succeeded), outcome
    return json.loads(outcome.payload)["body"]


@pytest.mark.slow
def test_an_edit_reaches_new_containers_and_a_busy_one_finishes_on_its_untouched_bundle(tmp_path, shoehorn_cache):
    from shoehorn.bundle import build
    from shoehorn.config import load
    from shoehorn.local.emulator import prepare
    from shoehorn.local.logs import LambdaLog
    from shoehorn.local.pool import Pool
    from shoehorn.local.watch import Reloader
    from shoehorn.progress import discard

    app_dir = tmp_path / "app"
    app_dir.mkdir()
    busy, go = tmp_path / "busy", tmp_path / "go"
    (app_dir / "app.py").write_text(SLOW_APP)
    (app_dir / "version.txt").write_text("v1")
    (app_dir / "requirements.txt").write_text("flask>=3,<4\n")
    (app_dir / "shoehorn.toml").write_text(f'[environment]\nBUSY = "{busy}"\nGO = "{go}"\n')
    config = load(app_dir)
    function = prepare(config)
    unzipped = tmp_path / "unzipped"
    zipper.extract(build(config, check=False).path, unzipped)  # what `up` would ship, unzipped
    assert _files(function.task_root) == _files(unzipped)

    pool = Pool(function, LambdaLog(discard))
    reloader = Reloader(app_dir, None, pool, use_local_platform=False, progress=discard)
    pool.on_retired = reloader._retired  # what start() does, without the watcher thread
    result = {}
    request = threading.Thread(target=lambda: result.update(body=_get(pool, "/slow")))
    try:
        assert _get(pool, "/") == "v1"
        request.start()
        deadline = time.monotonic() + 30
        while not busy.exists():
            assert time.monotonic() < deadline
            time.sleep(0.02)
        first = function.task_root
        before = _files(first)
        (app_dir / "version.txt").write_text("v2")
        assert reloader.rebuild("version.txt")
        second = pool.function.task_root
        assert second != first and _get(pool, "/") == "v2"
        flask_files = [p.relative_to(first) for p in (first / "flask").rglob("*") if p.is_file()]
        assert flask_files and all((second / n).stat().st_ino == (first / n).stat().st_ino for n in flask_files)
        assert _files(first) == before  # the busy container's bundle, untouched
        go.touch()
        request.join(30)
        assert result["body"] == "v1"
        deadline = time.monotonic() + 20
        while first.exists():  # its last container stopped: pruned (stripped into the next rebuild's spare)
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        go.touch()
        pool.close()


def test_an_app_without_dependencies_is_laid_out_too(tmp_path):
    deps_dir = tmp_path / "cache" / ("cd" * 16)
    deps_dir.mkdir(parents=True)
    zipper.write({}, deps_dir / install.DEPS_ZIP)  # what install writes for no requirements
    parts = Contents(deps_dir, {"app.py": zipper.Entry("app.py", data=b"app = None\n")},
                     install.Target("python3.11", "x86_64"), False, ())
    root, _ = tree.assemble(parts, tmp_path / "lambda")
    assert _files(root).keys() == {"app.py"}


def test_a_bundle_without_the_module_app_names_is_refused_before_it_is_laid_out(tmp_path, shoehorn_cache):
    from shoehorn.config import load
    from shoehorn.errors import BuildError
    from shoehorn.local.emulator import prepare

    (tmp_path / "app.py").write_text("def app(environ, start_response):\n    return []\n")
    (tmp_path / "requirements.txt").write_text("# nothing yet\n")  # (without one, the config itself refuses)
    (tmp_path / "shoehorn.toml").write_text('app = "ap:app"\n')  # a typo: as `build --no-check` refuses it
    with pytest.raises(BuildError, match="holds no module 'ap'"):
        prepare(load(tmp_path))
    assert not (tmp_path / ".shoehorn" / "lambda").exists()
    (tmp_path / "shoehorn.toml").write_text('app = "app:app"\n')
    assert (prepare(load(tmp_path)).task_root / "app.py").is_file()
