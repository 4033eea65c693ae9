"""Where an app's exception comes from, as ``file:line: Kind: message``.

Standard library only: the bundle check runs this file by path (``runpy.run_path``) inside
the isolated interpreter, and the CLI imports it, so both name a failing line the same way.
"""

from __future__ import annotations

import os
import traceback


def describe(error: BaseException, root: str) -> str:
    """``error`` with the app file and line it was raised from (relative to ``root``).

    A SyntaxError names its own file and line; anything else names the deepest frame of the
    traceback inside ``root`` that is not shoehorn's, else the deepest frame of all.
    """
    kind = type(error).__name__
    if isinstance(error, SyntaxError) and error.filename:
        return f"{_shown(error.filename, root)}:{error.lineno}: {kind}: {error.msg}"
    frames = traceback.extract_tb(error.__traceback__)
    installed = _installed(root)
    inside = [f for f in frames if _is_app_file(f.filename, root, installed)]
    frame = (inside or frames or [None])[-1]
    if frame is None:
        return f"{kind}: {error}"
    return f"{_shown(frame.filename, root)}:{frame.lineno}: {kind}: {error}"


def _is_app_file(filename: str, root: str, installed: set[str]) -> bool:
    if filename.startswith("<"):  # "<frozen os>", "<string>": not a file (abspath would make it one)
        return False
    root = os.path.abspath(root) + os.sep
    path = os.path.abspath(filename)
    if not path.startswith(root):
        return False
    first = path[len(root):].split(os.sep, 1)[0]
    return first not in installed and first not in ("shoehorn", "shoehorn_handler.py")


def _installed(root: str) -> set[str]:
    """Top-level names that dependencies installed into ``root`` (a bundle) own, from their RECORD."""
    names: set[str] = set()
    try:
        listing = os.listdir(root)
    except OSError:
        return names
    for entry in listing:
        if entry.endswith(".dist-info"):
            try:
                with open(os.path.join(root, entry, "RECORD"), encoding="utf-8") as record:
                    names.update(line.split("/", 1)[0].split(",", 1)[0] for line in record if line.strip())
            except OSError:
                continue
    return names


def _shown(filename: str, root: str) -> str:
    path = os.path.abspath(filename)
    base = os.path.abspath(root) + os.sep
    return path[len(base):] if path.startswith(base) else filename
