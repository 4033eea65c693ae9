"""Unchecked-hash .pyc: valid whatever the file dates, and actually used by the import system."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from shoehorn.bundle import bytecode


def test_pyc_name_is_where_python_looks() -> None:
    tag = sys.implementation.cache_tag
    assert bytecode.pyc_name("app.py") == f"__pycache__/app.{tag}.pyc"
    assert bytecode.pyc_name("pkg/sub/mod.py") == f"pkg/sub/__pycache__/mod.{tag}.pyc"


def test_header_is_unchecked_hash() -> None:
    import importlib.util

    pyc = bytecode.compile_source(b"x = 1\n", "x.py")
    assert pyc is not None
    assert pyc[:4] == importlib.util.MAGIC_NUMBER
    assert int.from_bytes(pyc[4:8], "little") == 0b01  # hash-based, check_source off
    assert pyc[8:16] == importlib.util.source_hash(b"x = 1\n")


def test_syntax_errors_are_skipped() -> None:
    assert bytecode.compile_source(b"print 'python 2'\n", "old.py") is None


def test_python_loads_the_pyc_without_checking_the_source(tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text("VALUE = 'from source'\n")
    assert bytecode.compile_tree(tmp_path) == 1
    # Change the source after compiling: an unchecked-hash pyc is still used (as in an immutable bundle),
    # which proves the import system takes the precompiled file instead of recompiling.
    (tmp_path / "mod.py").write_text("VALUE = 'recompiled'\n")
    out = subprocess.run([sys.executable, "-I", "-B", "-c", f"import sys; sys.path.insert(0, {str(tmp_path)!r}); "
                          "import mod; print(mod.VALUE)"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "from source"


def test_this_python_compiles_its_own_runtime_and_none_is_found_for_a_missing_one(monkeypatch, tmp_path) -> None:
    from shoehorn.local import interpreters
    from tests.pythons import other_runtime, without_python

    here = f"python{sys.version_info.major}.{sys.version_info.minor}"
    assert bytecode.compiler(here) == sys.executable
    monkeypatch.setattr(interpreters, "_found", {})
    for name, value in without_python(other_runtime(), tmp_path).items():
        if name in ("PATH", "PYENV_ROOT", "UV_PYTHON_INSTALL_DIR"):
            monkeypatch.setenv(name, value)
    assert bytecode.compiler(other_runtime()) is None


def test_pyc_name_for_another_runtime() -> None:
    assert bytecode.pyc_name("pkg/mod.py", "python3.12") == "pkg/__pycache__/mod.cpython-312.pyc"


def test_another_python_writes_its_own_bytecode_and_loads_it(tmp_path: Path) -> None:
    from tests.pythons import others

    if not others():
        pytest.skip("this machine has no CPython for another Lambda runtime")
    runtime, python = others()[0]
    (tmp_path / "mod.py").write_text("VALUE = 'from source'\n")
    assert bytecode.compile_tree(tmp_path, runtime, python) == 1
    assert (tmp_path / bytecode.pyc_name("mod.py", runtime)).is_file()
    (tmp_path / "mod.py").write_text("VALUE = 'recompiled'\n")  # (as above: proves the .pyc is what loads)
    out = subprocess.run([python, "-I", "-B", "-c", f"import sys; sys.path.insert(0, {str(tmp_path)!r}); "
                          "import mod; print(mod.VALUE)"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "from source"


def test_compile_many_is_reproducible_whatever_the_caller_has_loaded(tmp_path: Path) -> None:
    # In-process marshal output depends on refcounts (FLAG_REF), i.e. on what else is loaded;
    # compile_many must give `shoehorn build` and `shoehorn up` (boto3 loaded) the same bytes.
    import flask
    import starlette

    sources = sorted(Path(flask.__file__).parent.glob("*.py")) + sorted(Path(starlette.__file__).parent.glob("*.py"))
    probe = ("import hashlib, sys\n{pre}\nfrom pathlib import Path\nfrom shoehorn.bundle.bytecode import compile_many\n"
             "items = [(p.name, p.read_bytes()) for p in map(Path, sys.argv[1:])]\n"
             "print(hashlib.sha256(b''.join(v or b'' for _, v in sorted(compile_many(items, 2).items()))).hexdigest())")
    digests = set()
    # (with compile_source in place of compile_many, these two digests differ)
    for pre in ("", "import json, typing, email.message, http.client, flask, werkzeug.routing, starlette.routing"):
        done = subprocess.run([sys.executable, "-c", probe.format(pre=pre), *map(str, sources)],
                              capture_output=True, text=True, check=True)
        digests.add(done.stdout.strip())
    assert len(digests) == 1
    in_process = {name: bytecode.compile_source(Path(p).read_bytes(), name) for name, p in
                  ((Path(s).name, s) for s in sources)}
    many = bytecode.compile_many([(Path(s).name, Path(s).read_bytes()) for s in sources])
    assert set(many) == set(in_process)  # same files compiled; bytes may differ in-process


def test_compiled_files_are_remembered_and_reused(tmp_path: Path, monkeypatch) -> None:
    items = [("app.py", b"A = 1\n"), ("broken.py", b"def (:\n")]
    first = bytecode.compile_cached(items, tmp_path)
    assert first["app.py"] == bytecode.compile_many(items)["app.py"] and first["broken.py"] is None
    compiled = []
    monkeypatch.setattr(bytecode, "compile_many", lambda todo, python: compiled.extend(todo) or {n: None for n, _ in todo})
    again = bytecode.compile_cached(items + [("new.py", b"N = 1\n")], tmp_path)
    assert again["app.py"] == first["app.py"]
    assert [name for name, _ in compiled] == ["broken.py", "new.py"]  # only what was not remembered


def test_an_interrupted_compile_stops_its_compilers_instead_of_waiting_for_them(monkeypatch) -> None:
    # SIGTERM during a build's bytecode step took 4-14 s to exit: the compilers ran to the end
    import signal
    import time

    monkeypatch.setattr(bytecode, "_WORKER", "import time; time.sleep(60)")

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            bytecode.compile_many([(f"m{i}.py", b"x = 1\n") for i in range(60)], workers=2)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - started < 30  # not the compilers' 60 s
