"""The read-only code directory's audit hook, in a fresh interpreter (a hook cannot be removed)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from shoehorn.local.readonly import HOOK

# Each probe runs in a fresh interpreter after this: the hook installed for the code directory
# (argv[2], else the working directory), then the probe's own code.
PRELUDE = r"""
import json, os, runpy, sys
os.environ["LAMBDA_TASK_ROOT"] = sys.argv[2] if len(sys.argv) > 2 else os.getcwd()
runpy.run_path(sys.argv[1], run_name="__main__")
"""


def _probe(code: str, cwd: Path, *args: str, sqlite_first: bool = False) -> dict:
    """``sqlite_first``: sqlite3 imported before the hook (it wraps the loaded module at once)."""
    script = ("import sqlite3\n" if sqlite_first else "") + PRELUDE + code
    done = subprocess.run([sys.executable, "-I", "-c", script, HOOK, *args], cwd=cwd, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


PROBE = r"""
import sqlite3
out = {}
for name, database, uri in [
    ("memory_uri", "file:mem1?mode=memory&cache=shared", True),
    ("read_only_uri", "file:data.db?mode=ro", True),
    ("immutable_uri", "file:data.db?immutable=1", True),
    ("plain", "data.db", False),
    ("new_file", "new.db", False),
    ("new_file_uri", "file:new.db", True),
]:
    try:
        out[name] = sqlite3.connect(database, uri=uri).execute("select 1").fetchone()[0]
    except sqlite3.Error as error:
        out[name] = str(error)
print(json.dumps(out))
"""


def test_sqlite_opens_what_lambda_opens_and_refuses_a_new_file_in_the_code_directory(tmp_path: Path) -> None:
    # datasette opens its internal database as file:...?mode=memory and shipped ones with ?mode=ro or
    # ?immutable=1: all work on Lambda; the hook took the URI for a file name that did not exist
    sqlite3.connect(tmp_path / "data.db").close()
    out = _probe(PROBE, tmp_path, sqlite_first=True)
    assert out["memory_uri"] == out["read_only_uri"] == out["immutable_uri"] == out["plain"] == 1
    assert "read-only on Lambda" in out["new_file"] and "read-only on Lambda" in out["new_file_uri"]
    assert not (tmp_path / "new.db").exists()


WRITER = r"""
import sqlite3  # imported after the hook, as an app imports it
from sqlite3 import dbapi2  # Django's import
out = {}
shipped = os.path.join(sys.argv[2], "data.db")
for name, connect, args, kwargs in [
    ("plain", sqlite3.connect, [shipped], {}),
    ("dbapi2", dbapi2.connect, [shipped], {}),
    ("read_write_uri", sqlite3.connect, ["file:" + shipped + "?mode=rw&cache=private"], {"uri": True}),
    ("all_positional", sqlite3.connect, [shipped, 5.0, 0, "DEFERRED", True, sqlite3.Connection, 128, False], {}),
    ("path_with_uri_true", sqlite3.connect, [], {"database": shipped, "uri": True}),  # Django's call
    ("relative_uri", sqlite3.connect, ["file:data.db?mode=rw"], {"uri": True}),
    ("uri_without_uri_true", sqlite3.connect, ["file:data.db?cache=private"], {}),
    ("in_tmp", sqlite3.connect, [sys.argv[3]], {}),
]:
    connection = connect(*args, **kwargs)
    read = connection.execute("select count(*) from t").fetchone()[0]
    try:
        with connection:
            connection.execute("insert into t values (1)")
        out[name] = [read, "written"]
    except sqlite3.Error as error:
        out[name] = [read, str(error)]
print(json.dumps(out))
"""


def test_a_database_shipped_in_the_code_directory_opens_read_only_as_on_lambda(tmp_path: Path) -> None:
    # On Lambda /var/task is a read-only file system: SQLite opens a shipped database read-only and a
    # write fails with "attempt to write a readonly database"; locally it was written.
    code, scratch = tmp_path / "task", tmp_path / "tmp"
    code.mkdir()
    scratch.mkdir()
    for folder in (code, scratch):
        with sqlite3.connect(folder / "data.db") as connection:
            connection.execute("create table t (x)")
    out = _probe(WRITER, code, str(code), str(scratch / "data.db"))
    for name in ("plain", "dbapi2", "read_write_uri", "all_positional", "path_with_uri_true", "relative_uri",
                 "uri_without_uri_true"):
        assert out[name] == [0, "attempt to write a readonly database"], name
    assert out["in_tmp"] == [0, "written"]
    assert sqlite3.connect(code / "data.db").execute("select count(*) from t").fetchone()[0] == 0


ODD = r"""
import sqlite3
out = {}
for name, args, kwargs in [("no_database", [], {}), ("a_folder", ["folder"], {}), ("wal", ["wal.db"], {})]:
    try:
        sqlite3.connect(*args, **kwargs).execute("select count(*) from t").fetchone()
        out[name] = "opened"
    except Exception as error:
        out[name] = [type(error).__name__, str(error)]
print(json.dumps(out))
"""


def test_odd_sqlite_calls_fail_as_sqlite_fails_and_a_wal_database_as_on_lambda(tmp_path: Path) -> None:
    # A user's mistake fails in sqlite3 itself (not in shoehorn's wrapper); a WAL-mode database cannot be
    # read on Lambda's read-only directory without its -shm and -wal files (sqlite.org/wal.html), and
    # locally SQLite created them inside the code directory.
    (tmp_path / "folder").mkdir()
    with sqlite3.connect(tmp_path / "wal.db") as connection:
        connection.execute("pragma journal_mode=wal")
        connection.execute("create table t (x)")
    connection.close()
    for extra in ("wal.db-wal", "wal.db-shm"):
        (tmp_path / extra).unlink(missing_ok=True)
    out = _probe(ODD, tmp_path)
    assert out["no_database"][0] == "TypeError" and "read_only_connect" not in out["no_database"][1]
    assert out["a_folder"] == ["OperationalError", "unable to open database file"]
    assert out["wal"][0] == "OperationalError" and out["wal"][1].startswith("attempt to write a readonly database")
    assert "journal_mode=DELETE" in out["wal"][1]
    assert not (tmp_path / "wal.db-shm").exists() and not (tmp_path / "wal.db-wal").exists()
