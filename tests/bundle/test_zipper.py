"""The zip is deterministic: same entries, same bytes; fixed timestamps and normalised modes."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from shoehorn.bundle import zipper


def entries(tmp_path: Path) -> dict[str, zipper.Entry]:
    script = tmp_path / "run.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o700)
    data = tmp_path / "data.txt"
    data.write_text("x" * 1000)
    data.chmod(0o600)
    return {
        "z.py": zipper.Entry("z.py", data=b"z = 1\n"),
        "bin/run.sh": zipper.entry_for("bin/run.sh", script),
        "a/data.txt": zipper.entry_for("a/data.txt", data),
    }


def test_same_entries_give_identical_bytes_whatever_the_order_and_mtime(tmp_path: Path) -> None:
    first = entries(tmp_path)
    sha1 = zipper.write(first, tmp_path / "one.zip")
    os.utime(tmp_path / "data.txt", (1_700_000_000, 1_700_000_000))
    reordered = dict(reversed(list(entries(tmp_path).items())))
    sha2 = zipper.write(reordered, tmp_path / "two.zip")
    assert sha1 == sha2
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()


def test_different_content_gives_a_different_digest(tmp_path: Path) -> None:
    one = entries(tmp_path)
    two = {**one, "z.py": zipper.Entry("z.py", data=b"z = 2\n")}
    assert zipper.write(one, tmp_path / "1.zip") != zipper.write(two, tmp_path / "2.zip")


def test_sorted_names_fixed_dates_and_modes(tmp_path: Path) -> None:
    zipper.write(entries(tmp_path), tmp_path / "b.zip")
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == ["a/data.txt", "bin/run.sh", "z.py"]
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in infos}
        assert modes == {"a/data.txt": 0o644, "bin/run.sh": 0o755, "z.py": 0o644}
        assert archive.read("a/data.txt") == b"x" * 1000


def test_merging_onto_a_cached_zip_gives_the_same_bytes_as_writing_everything(tmp_path: Path) -> None:
    base = {f"pkg/m{i}.py": zipper.Entry(f"pkg/m{i}.py", data=f"X = {i}\n".encode() * 50) for i in range(30)}
    app = {"app.py": zipper.Entry("app.py", data=b"app = 1\n"),
           "pkg/m3.py": zipper.Entry("pkg/m3.py", data=b"replaced = True\n")}
    zipper.write(base, tmp_path / "deps.zip")
    whole = zipper.write({**base, **app}, tmp_path / "whole.zip")
    merged = zipper.write_merged(tmp_path / "deps.zip", app, tmp_path / "merged.zip")
    assert merged == whole
    with zipfile.ZipFile(tmp_path / "merged.zip") as archive:
        assert archive.testzip() is None
        assert archive.read("pkg/m3.py") == b"replaced = True\n" and len(archive.namelist()) == 31
