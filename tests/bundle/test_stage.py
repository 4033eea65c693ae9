"""The check's staged tree: after each sync it holds exactly the zip's files, whatever happened to it."""

from __future__ import annotations

import os
from pathlib import Path

from shoehorn.bundle import stage, zipper


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    zipper.write({name: zipper.Entry(name, data=data) for name, data in files.items()}, path)
    return path


def _tree(tree: Path) -> dict[str, bytes]:
    found = {p.relative_to(tree).as_posix(): p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    assert not [p for p in tree.rglob("*") if p.is_dir() and not any(p.iterdir())], "empty folders left"
    return found


def test_a_sync_writes_only_changed_members_and_removes_dropped_ones(tmp_path: Path) -> None:
    first = {"app.py": b"A = 1\n", "pkg/__init__.py": b"", "pkg/gone.py": b"G = 1\n"}
    with stage.staged(_zip(tmp_path / "1.zip", first), tmp_path / "check") as tree:
        assert _tree(tree) == first
    kept = tree / "pkg" / "__init__.py"
    untouched = kept.stat().st_ino, kept.stat().st_mtime_ns
    second = {"app.py": b"A = 2\n", "pkg/__init__.py": b"", "new/mod.py": b"N = 1\n"}
    with stage.staged(_zip(tmp_path / "2.zip", second), tmp_path / "check") as tree:
        assert _tree(tree) == second
    assert (kept.stat().st_ino, kept.stat().st_mtime_ns) == untouched  # written once, not again


def test_whatever_the_app_left_in_the_tree_is_undone(tmp_path: Path) -> None:
    files = {"app.py": b"A = 1\n", "data/seed.json": b"{}", "lib/x.py": b"X = 1\n"}
    archive = _zip(tmp_path / "1.zip", files)
    with stage.staged(archive, tmp_path / "check") as tree:
        (tree / "app.db").write_bytes(b"sqlite")  # a file the zip does not hold
        (tree / "cache").mkdir()  # an empty folder: a namespace package in the check, absent on Lambda
        (tree / "data" / "seed.json").write_bytes(b"{1}")  # a changed file of the same member
        os.utime(tree / "lib" / "x.py", ns=(1, 1))  # same bytes, but touched
        (tree / "link").symlink_to(tmp_path)
    with stage.staged(archive, tmp_path / "check") as tree:
        assert _tree(tree) == files and not (tree / "link").exists()


def test_a_lost_or_foreign_manifest_starts_over(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "1.zip", {"app.py": b"A = 1\n"})
    with stage.staged(archive, tmp_path / "check") as tree:
        (tree / "stray.py").write_bytes(b"")
    (tmp_path / "check" / "manifest.json").write_text("{not json")
    with stage.staged(archive, tmp_path / "check") as tree:
        assert _tree(tree) == {"app.py": b"A = 1\n"}


def test_a_folder_may_become_a_file(tmp_path: Path) -> None:
    with stage.staged(_zip(tmp_path / "1.zip", {"thing/a.py": b""}), tmp_path / "check"):
        pass
    with stage.staged(_zip(tmp_path / "2.zip", {"thing": b"data"}), tmp_path / "check") as tree:
        assert _tree(tree) == {"thing": b"data"}
