"""The zip is reproducible: same entries, same bytes; files dated with their mtimes, modes normalised;
the content digest identifies the code whatever the dates."""

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


def test_same_entries_give_identical_bytes_whatever_the_order(tmp_path: Path) -> None:
    first = entries(tmp_path)
    sha1 = zipper.write(first, tmp_path / "one.zip")
    sha2 = zipper.write(dict(reversed(list(first.items()))), tmp_path / "two.zip")
    assert sha1 == sha2
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()


def test_files_carry_their_mtime_in_utc_and_generated_files_1980(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    found = entries(tmp_path)
    os.utime(tmp_path / "data.txt", (1_700_000_001, 1_700_000_001))  # 2023-11-14 22:13:21 UTC
    os.utime(tmp_path / "run.sh", (0, 0))  # before what a zip can hold
    found = {**found, "a/data.txt": zipper.entry_for("a/data.txt", tmp_path / "data.txt"),
             "bin/run.sh": zipper.entry_for("bin/run.sh", tmp_path / "run.sh")}
    zipper.write(found, tmp_path / "d.zip")
    with zipfile.ZipFile(tmp_path / "d.zip") as archive:
        dates = {i.filename: i.date_time for i in archive.infolist()}
    # a zip date has 2-second steps
    assert dates == {"a/data.txt": (2023, 11, 14, 22, 13, 20), "bin/run.sh": (1980, 1, 1, 0, 0, 0),
                     "z.py": (1980, 1, 1, 0, 0, 0)}


def test_source_date_epoch_clamps_the_dates(tmp_path: Path, monkeypatch) -> None:
    data = tmp_path / "data.txt"
    data.write_text("x")
    os.utime(data, (1_700_000_000, 1_700_000_000))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")  # 2020-09-13 12:26:40 UTC
    assert zipper.date_time(zipper.entry_for("d", data)) == (2020, 9, 13, 12, 26, 40)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # later than the file: its own date
    assert zipper.date_time(zipper.entry_for("d", data)) == (2023, 11, 14, 22, 13, 20)


def test_the_content_digest_ignores_dates_and_sees_content_names_and_modes(tmp_path: Path) -> None:
    found = entries(tmp_path)
    first = zipper.write(found, tmp_path / "one.zip")
    os.utime(tmp_path / "data.txt", (1_700_000_000, 1_700_000_000))
    redated = {**found, "a/data.txt": zipper.entry_for("a/data.txt", tmp_path / "data.txt")}
    second = zipper.write(redated, tmp_path / "two.zip")
    assert first != second  # the date is in the zip
    digest = zipper.entries_digest(found)
    assert zipper.zip_digest(tmp_path / "one.zip") == zipper.zip_digest(tmp_path / "two.zip") == digest
    assert zipper.entries_digest(redated) == digest
    assert zipper.entries_digest({**found, "z.py": zipper.Entry("z.py", data=b"z = 2\n")}) != digest
    assert zipper.entries_digest({**found, "z.py": zipper.Entry("z.py", data=b"z = 1\n", executable=True)}) != digest
    moved = {("y.py" if n == "z.py" else n): (zipper.Entry("y.py", data=b"z = 1\n") if n == "z.py" else e)
             for n, e in found.items()}
    assert zipper.entries_digest(moved) != digest


def test_different_content_gives_a_different_digest(tmp_path: Path) -> None:
    one = entries(tmp_path)
    two = {**one, "z.py": zipper.Entry("z.py", data=b"z = 2\n")}
    assert zipper.write(one, tmp_path / "1.zip") != zipper.write(two, tmp_path / "2.zip")


def test_sorted_names_and_modes(tmp_path: Path) -> None:
    zipper.write(entries(tmp_path), tmp_path / "b.zip")
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == ["a/data.txt", "bin/run.sh", "z.py"]
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in infos}
        assert modes == {"a/data.txt": 0o644, "bin/run.sh": 0o755, "z.py": 0o644}
        assert archive.read("a/data.txt") == b"x" * 1000


def _base(tmp_path: Path) -> dict[str, zipper.Entry]:
    return {f"pkg/m{i}.py": zipper.Entry(f"pkg/m{i}.py", data=f"X = {i}\n".encode() * 50, mtime=1_600_000_000 + i)
            for i in range(30)}


def _members(path: Path) -> dict[str, tuple]:
    with zipfile.ZipFile(path) as archive:
        return {i.filename: (archive.read(i), i.date_time, i.external_attr) for i in archive.infolist()}


def test_merging_onto_a_cached_zip_holds_what_writing_everything_holds(tmp_path: Path) -> None:
    base = _base(tmp_path)
    app = {"app.py": zipper.Entry("app.py", data=b"app = 1\n", mtime=1_700_000_000)}
    zipper.write(base, tmp_path / "deps.zip")
    zipper.write({**base, **app}, tmp_path / "whole.zip")
    merged = zipper.write_merged(tmp_path / "deps.zip", app, tmp_path / "merged.zip")
    assert merged == zipper.write_merged(tmp_path / "deps.zip", app, tmp_path / "again.zip")  # reproducible
    assert _members(tmp_path / "merged.zip") == _members(tmp_path / "whole.zip")
    with zipfile.ZipFile(tmp_path / "merged.zip") as archive:
        assert archive.testzip() is None


def test_an_app_file_replacing_a_dependency_file_is_the_one_shipped(tmp_path: Path) -> None:
    base = _base(tmp_path)
    app = {"app.py": zipper.Entry("app.py", data=b"app = 1\n"),
           "pkg/m3.py": zipper.Entry("pkg/m3.py", data=b"replaced = True\n")}
    zipper.write(base, tmp_path / "deps.zip")
    whole = zipper.write({**base, **app}, tmp_path / "whole.zip")
    assert zipper.write_merged(tmp_path / "deps.zip", app, tmp_path / "merged.zip") == whole
