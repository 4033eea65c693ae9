"""Precompiled bytecode that stays valid inside Lambda's read-only, re-timestamped task dir.

Lambda unpacks the zip into a read-only /var/task, so a missing or stale .pyc is
recompiled in memory on EVERY cold start. Timestamp-based .pyc go stale because zip
entries carry a fixed date (serverless/serverless#13889, aws-lambda-builders#924), so we
write unchecked-hash .pyc (PEP 552): Python loads them without looking at the source.
They are only valid for the Python version that wrote them, so they are written by a Python of
the target's version: the build's own, or another CPython of that version on this machine
(shoehorn/local/interpreters.py); with none, the bundle ships sources only.
"""

from __future__ import annotations

import importlib.util
import marshal
import sys
from pathlib import Path

# PEP 552 flags: bit 0 = hash-based, bit 1 = check_source. Unchecked: the bundle is immutable.
_UNCHECKED_HASH = 0b01


def pyc_name(module_path: str, runtime: str | None = None) -> str:
    """``pkg/mod.py`` -> ``pkg/__pycache__/mod.cpython-311.pyc``, where ``runtime``'s import system
    looks (this Python's by default)."""
    directory, _, filename = module_path.rpartition("/")
    stem = filename.removesuffix(".py")
    prefix = f"{directory}/" if directory else ""
    tag = sys.implementation.cache_tag if runtime is None else "cpython-" + runtime.removeprefix("python").replace(".", "")
    return f"{prefix}__pycache__/{stem}.{tag}.pyc"


def compiler(runtime: str) -> str | None:
    """The Python that writes ``runtime``'s bytecode: this one, else a CPython of that version on this
    machine (of this architecture: bytecode is the same on every one), else None."""
    from shoehorn.local import interpreters

    return interpreters.for_target(runtime, interpreters.architecture_here())


def compile_source(source: bytes, name: str) -> bytes | None:
    """The .pyc bytes for ``source``, or None when it does not compile (the import will say why).

    In-process: the bytes depend on this process's state (see ``compile_many``).
    """
    try:
        code = compile(source, name, "exec", dont_inherit=True, optimize=0)
    except (SyntaxError, ValueError):
        return None
    header = importlib.util.MAGIC_NUMBER + _UNCHECKED_HASH.to_bytes(4, "little")
    return header + importlib.util.source_hash(source) + marshal.dumps(code)


# marshal marks an object as shareable (FLAG_REF) when its refcount is above one, and the
# refcount of an interned name depends on everything else the process has loaded, so the
# same source gives different .pyc bytes in `shoehorn build` and in `shoehorn up` (which has
# boto3 loaded). A fresh interpreter with a fixed environment and nothing imported gives the
# same bytes every time; PYTHONHASHSEED fixes the order of frozenset constants.
_WORKER = """
import importlib.util, marshal, sys
items = marshal.loads(sys.stdin.buffer.read())
header = importlib.util.MAGIC_NUMBER + (1).to_bytes(4, "little")
out = []
for name, source in items:
    try:
        code = compile(source, name, "exec", dont_inherit=True, optimize=0)
    except (SyntaxError, ValueError):
        out.append(None)
        continue
    out.append(header + importlib.util.source_hash(source) + marshal.dumps(code))
    del code
sys.stdout.buffer.write(marshal.dumps(out, 4))
"""


def compile_many(items: list[tuple[str, bytes]], workers: int = 1, python: str = sys.executable) -> dict[str, bytes | None]:
    """name -> .pyc bytes (None: does not compile), made by ``python`` in fresh interpreters, reproducibly."""
    import os
    import subprocess
    import tempfile
    from concurrent.futures import ThreadPoolExecutor

    if not items:
        return {}
    env = {"PYTHONHASHSEED": "0", "PATH": os.environ.get("PATH", "")}
    # -S -s: no site-packages, no user site; -B: write nothing. sys.path[0] is the working directory,
    # an empty one (-P would say the same, but python3.10 has no -P).
    command = [python, "-S", "-s", "-B", "-c", _WORKER]
    chunks = [items[i::workers] for i in range(workers)] if len(items) > 50 and workers > 1 else [items]

    running: list[subprocess.Popen] = []
    empty = tempfile.TemporaryDirectory(prefix="shoehorn-pyc-")

    def run(chunk: list[tuple[str, bytes]]) -> list[bytes | None]:
        with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=env, cwd=empty.name) as process:
            running.append(process)
            out, err = process.communicate(marshal.dumps(chunk))
        if process.returncode != 0:
            raise subprocess.CalledProcessError(process.returncode, command, out, err)
        return marshal.loads(out)

    results: dict[str, bytes | None] = {}
    pool = ThreadPoolExecutor(max_workers=len(chunks))
    try:
        for chunk, compiled in zip(chunks, pool.map(run, chunks)):
            results.update((name, pyc) for (name, _), pyc in zip(chunk, compiled))
    except BaseException:
        # Ctrl-C or SIGTERM: the compilers are stopped, not waited for (seconds for a big tree)
        for process in running:
            process.kill()
        raise
    finally:
        pool.shutdown(cancel_futures=True)
        empty.cleanup()
    return results


def compile_cached(items: list[tuple[str, bytes]], cache: Path, python: str = sys.executable) -> dict[str, bytes | None]:
    """``compile_many``, remembering each .pyc in ``cache`` by (interpreter, name, source).

    A rebuild after a one-line edit then compiles one file instead of the app and shoehorn's
    runtime, and skips the fresh interpreter entirely when nothing changed.
    """
    import hashlib
    import os

    found: dict[str, bytes | None] = {}
    missing, paths = [], {}
    for name, source in items:
        key = hashlib.sha256(f"{sys.version if python == sys.executable else python}\0{name}\0".encode() + source).hexdigest()
        paths[name] = cache / key[:2] / f"{key}.pyc"
        try:
            found[name] = paths[name].read_bytes()
        except OSError:
            missing.append((name, source))
    for name, pyc in compile_many(missing, python=python).items():
        found[name] = pyc
        if pyc is not None:  # (a file that does not compile is tried again: the import says why)
            paths[name].parent.mkdir(parents=True, exist_ok=True)
            partial = paths[name].with_suffix(f".{os.getpid()}.partial")
            partial.write_bytes(pyc)
            partial.replace(paths[name])  # atomic: a concurrent build never reads half a file
    return found


def compile_tree(root: Path, runtime: str | None = None, python: str = sys.executable) -> int:
    """Write an unchecked-hash .pyc (``python``'s, for ``runtime``) next to every .py under ``root``;
    returns how many."""
    import os

    items = [(path.relative_to(root).as_posix(), path.read_bytes()) for path in sorted(root.rglob("*.py"))]
    count = 0
    for rel, pyc in compile_many(items, workers=min(os.cpu_count() or 1, 8), python=python).items():
        if pyc is None:
            continue  # e.g. Python 2 templates some packages ship; never imported
        target = root / pyc_name(rel, runtime)
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(pyc)
        count += 1
    return count

