from __future__ import annotations

import subprocess
import sys

from shoehorn.local import runtime_libs


def test_the_runtime_libraries_are_copied_once_and_import_in_isolation(tmp_path):
    target = runtime_libs.ensure(tmp_path)
    assert (target / "awslambdaric" / "bootstrap.py").is_file()
    assert (target / "simplejson").is_dir()
    assert runtime_libs.ensure(tmp_path) == target  # cached
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]); import awslambdaric.bootstrap, simplejson, snapshot_restore_py; "
        "print(awslambdaric.__file__)"
    )
    done = subprocess.run([sys.executable, "-I", "-S", "-c", probe, str(target)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(str(target))
    isolated = subprocess.run([sys.executable, "-I", "-S", "-c", "import awslambdaric"], capture_output=True)
    assert isolated.returncode != 0  # proves the copy, not site-packages, satisfied the import
