"""The read-only code directory's audit hook, in a fresh interpreter (a hook cannot be removed)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from shoehorn.local.readonly import HOOK

PROBE = r"""
import json, os, runpy, sqlite3, sys
os.environ["LAMBDA_TASK_ROOT"] = os.getcwd()
runpy.run_path(sys.argv[1], run_name="__main__")
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
    done = subprocess.run([sys.executable, "-I", "-c", PROBE, HOOK], cwd=tmp_path, capture_output=True, text=True,
                          check=True)
    out = json.loads(done.stdout)
    assert out["memory_uri"] == out["read_only_uri"] == out["immutable_uri"] == out["plain"] == 1
    assert "read-only on Lambda" in out["new_file"] and "read-only on Lambda" in out["new_file_uri"]
    assert not (tmp_path / "new.db").exists()
