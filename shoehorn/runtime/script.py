"""A dependency's console script, run by its name inside the function: ``python -m shoehorn.runtime.script NAME
ARGS...`` (shoehorn.runtime.command sends ``shoehorn run -- roundup-admin ...`` here).

The bundle holds no bin/ (dependencies install without their scripts), and a script whose module is not its own
name (``roundup-admin`` is ``roundup.scripts.roundup_admin:run``) has no ``python -m`` either: its entry point,
read from the bundle's .dist-info as pip's generated script reads it, is called as that script would call it.
Standard library only.
"""

from __future__ import annotations

import sys
from importlib.metadata import EntryPoint, entry_points


def find(name: str) -> EntryPoint | None:
    """The console script ``name`` of an installed distribution (the bundle's, first on sys.path), or None."""
    found = entry_points(group="console_scripts", name=name)
    return next(iter(found), None)


def main() -> None:
    name, *args = sys.argv[1:]
    script = find(name)
    if script is None:
        sys.exit(f"shoehorn run: no console script named {name!r} in the bundle")
    sys.argv = [name, *args]  # as the script sees itself run
    sys.exit(script.load()())


if __name__ == "__main__":
    main()
