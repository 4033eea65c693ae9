"""Lambda SnapStart: what must happen before the snapshot and after each restore.

With ``snapstart = true`` Lambda runs the init phase once per published version, snapshots the
memory and disk of the initialised container, and starts later containers from that snapshot.
Everything done at init (the app's import, its lifespan startup, the priming requests) is then
shared by every container restored from it — including state that must differ per container.

Hooks go through the Snapshot Restore for Python library (``snapshot_restore_py``), which
Lambda's managed Python runtimes include ("Lambda SnapStart runtime hooks for Python",
https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-python.html). The bundle does
not ship it and this package imports only the standard library, so the generated entry point
(shoehorn/bundle/shim.py) imports it optionally and hands its two functions to ``register``:
absent (on a laptop, in ``shoehorn dev --lambda``, which does not snapshot), nothing is registered.

An app registers its own after-restore work (reconnect a database pool, refresh credentials)
with the decorator below; it needs no AWS library and runs nowhere else::

    from shoehorn.runtime.snapstart import after_restore

    @after_restore
    def reconnect():
        db.pool.reset()
"""

from __future__ import annotations

from typing import Callable

_AFTER_RESTORE: list[Callable[[], object]] = []


def after_restore(function: Callable[[], object]) -> Callable[[], object]:
    """Decorator: call ``function()`` (no arguments) in each container restored from a SnapStart
    snapshot, in the order registered, after shoehorn re-seeds ``random``. Returns it unchanged."""
    if not callable(function):
        raise TypeError(f"after_restore takes a function, not {function!r}")
    _AFTER_RESTORE.append(function)
    return function


def register(handler, register_before_snapshot, register_after_restore) -> None:
    """Register shoehorn's hooks through Lambda's library (its ``register_before_snapshot`` and
    ``register_after_restore``). Called by the generated handler module at init."""
    register_before_snapshot(_before_snapshot, handler)
    register_after_restore(_after_restore)


def _before_snapshot(handler) -> None:
    # The priming requests ran at import (prime.at_init); the startup is idempotent, so this only
    # makes sure a snapshot never holds an app whose lifespan has not started. A failed startup
    # raises here: Lambda then fails the version's publication instead of snapshotting a broken app.
    handler.start()


def _after_restore() -> None:
    # Every restored container starts from the same memory, so `random`'s state (seeded from
    # os.urandom at import) would repeat across containers; AWS asks for a re-seed
    # ("Handling uniqueness with Lambda SnapStart",
    # https://docs.aws.amazon.com/lambda/latest/dg/snapstart-uniqueness.html).
    import random

    random.seed()
    for function in _AFTER_RESTORE:
        function()
