"""`shoehorn clean` removes build output (and with --cache the dependency cache); build says when the cache is large."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from shoehorn.bundle import housekeeping
from shoehorn.cli import main


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(list(args))
    return code, out.getvalue()


def test_clean_removes_the_build_output_and_with_cache_the_dependency_cache(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SHOEHORN_CACHE_DIR", str(tmp_path / "cache"))
    app = tmp_path / "app"
    (app / ".shoehorn" / "lambda" / "abc").mkdir(parents=True)
    (app / ".shoehorn" / "lambda" / "abc" / "x.py").write_bytes(b"x" * 1000)
    (app / "app.py").write_text("app = None\n")
    (tmp_path / "cache" / "deps" / "k").mkdir(parents=True)
    (tmp_path / "cache" / "deps" / "k" / ".deps.zip").write_bytes(b"z" * 10)
    code, out = run("clean", "-C", str(app))
    assert code == 0 and not (app / ".shoehorn").exists() and (app / "app.py").exists()
    assert (tmp_path / "cache" / "deps" / "k").exists()
    code, out = run("clean", "-C", str(app), "--cache")
    assert code == 0 and not (tmp_path / "cache" / "deps").exists() and "dependency cache" in out


def test_clean_cache_deletes_only_the_entries_builds_made(tmp_path: Path, monkeypatch) -> None:
    # SHOEHORN_CACHE_DIR pointed at a project: `clean --cache` deleted its deps/ folder, notes and all
    monkeypatch.setenv("SHOEHORN_CACHE_DIR", str(tmp_path))
    deps = tmp_path / "deps"
    entry, staging = deps / ("0123456789abcdef" * 2), deps / ("0123456789abcdef" * 2 + ".x1y2z3")
    for folder in (entry, staging, deps / "vendor"):
        folder.mkdir(parents=True)
    (entry / ".complete").write_text("key\n")
    (deps / "notes.txt").write_text("mine")
    (deps / "vendor" / "lib.py").write_text("mine too")
    code, out = run("clean", "-C", str(tmp_path), "--cache")
    assert code == 0 and not entry.exists() and not staging.exists()
    assert (deps / "notes.txt").read_text() == "mine" and (deps / "vendor" / "lib.py").exists()
    assert "not made by shoehorn: notes.txt, vendor" in out


def test_clean_leaves_a_linked_build_folder_alone(tmp_path: Path) -> None:
    # it crashed: "internal error: OSError: Cannot call rmtree on a symbolic link"
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "keep.txt").write_text("x")
    app = tmp_path / "app"
    app.mkdir()
    (app / ".shoehorn").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    code, out = run("clean", "-C", str(app))
    assert code == 2 and "symbolic link" in out and (tmp_path / "elsewhere" / "keep.txt").exists()


def test_build_says_when_the_dependency_cache_is_large(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SHOEHORN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(housekeeping, "LARGE_CACHE", 0)
    (tmp_path / "app.py").write_text("def app(environ, start_response):\n    pass\n")
    code, out = run("build", "-C", str(tmp_path), "--no-check")
    assert code == 0 and "shoehorn clean --cache" in out


@pytest.mark.parametrize("size", [0, 3 * 1024])
def test_dependency_cache_size_counts_the_entries(tmp_path: Path, monkeypatch, size: int) -> None:
    monkeypatch.setenv("SHOEHORN_CACHE_DIR", str(tmp_path))
    if size:
        (tmp_path / "deps" / "k").mkdir(parents=True)
        (tmp_path / "deps" / "k" / ".deps.zip").write_bytes(b"z" * size)
    assert housekeeping.dependency_cache_size() == 2 * size


def test_clean_says_when_there_is_nothing_and_refuses_a_missing_directory(tmp_path: Path) -> None:
    # it printed "removed .../.shoehorn (0.0 MB)" and exit 0 for both
    code, out = run("clean", "-C", str(tmp_path))
    assert code == 0 and "nothing to remove" in out and "removed" not in out
    code, out = run("clean", "-C", str(tmp_path / "no" / "such"))
    assert code == 2 and "is not a directory" in out
