"""Precompiled bytecode that stays valid inside Lambda's read-only, re-timestamped task dir.

Lambda unpacks the zip into a read-only /var/task, so a missing or stale .pyc is
recompiled in memory on EVERY cold start. Timestamp-based .pyc go stale because zip
entries carry a fixed date (serverless/serverless#13889, aws-lambda-builders#924), so we
write unchecked-hash .pyc (PEP 552): Python loads them without looking at the source.
They are only valid for the exact interpreter that wrote them, hence "when the target
Python equals the build Python".
"""

from __future__ import annotations

import importlib.util
import marshal
import sys
from pathlib import Path

# PEP 552 flags: bit 0 = hash-based, bit 1 = check_source. Unchecked: the bundle is immutable.
_UNCHECKED_HASH = 0b01


def pyc_name(module_path: str) -> str:
    """``pkg/mod.py`` -> ``pkg/__pycache__/mod.cpython-311.pyc``, where the import system looks."""
    directory, _, filename = module_path.rpartition("/")
    stem = filename.removesuffix(".py")
    prefix = f"{directory}/" if directory else ""
    return f"{prefix}__pycache__/{stem}.{sys.implementation.cache_tag}.pyc"


def compile_source(source: bytes, name: str) -> bytes | None:
    """The .pyc bytes for ``source``, or None when it does not compile (the import will say why)."""
    try:
        code = compile(source, name, "exec", dont_inherit=True, optimize=0)
    except (SyntaxError, ValueError):
        return None
    header = importlib.util.MAGIC_NUMBER + _UNCHECKED_HASH.to_bytes(4, "little")
    return header + importlib.util.source_hash(source) + marshal.dumps(code)


def compile_tree(root: Path) -> int:
    """Write an unchecked-hash .pyc next to every .py under ``root``; returns how many."""
    count = 0
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        pyc = compile_source(path.read_bytes(), rel)
        if pyc is None:
            continue  # e.g. Python 2 templates some packages ship; never imported
        target = root / pyc_name(rel)
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(pyc)
        count += 1
    return count


def matches_build_python(runtime: str) -> bool:
    return runtime == f"python{sys.version_info.major}.{sys.version_info.minor}"
