"""The command a hint suggests, written for where this one acted.

A hint is copied and run. ``shoehorn start``, suggested by ``stop --local --stage qa``, would act
on real AWS and on stage dev: every suggested command carries the ``-C``, ``--stage`` and
``--local`` this invocation was given. The CLI records them while it parses them (the shared
options in cli/options.py); ``suggest`` renders them. Standard library only: ops/, deploy/ and the
CLI all word hints with it.
"""

from __future__ import annotations

import os
import shlex

_given: dict[str, object] = {}


def record(name: str, value: object) -> None:
    """One shared option as this invocation was given it (``directory``, ``stage``, ``local``)."""
    _given[name] = value


def forget() -> None:
    """Before and after each command: an earlier one's options never reach the next's hints."""
    _given.clear()


def local() -> bool:
    """Whether this invocation targets the local cloud: ``--local``, or the mark ``local_target.use`` sets."""
    from shoehorn.cloud import TARGET_ENV

    return bool(_given.get("local")) or bool(os.environ.get(TARGET_ENV))


def suggest(words: str, *, stage: str | None = None, local_cloud: bool | None = None) -> str:
    """``shoehorn WORDS`` with this invocation's ``--local``, ``--stage`` and ``-C``.

    ``stage``: the stage the command acted on (``config.stage``), for callers that know it; it is
    written when it is not ``dev`` or when ``--stage`` was given (a config's own default stage may
    differ). ``local_cloud`` overrides whether ``--local`` is written. Options go before a ``--``,
    which ends them (``run -- CMD``)."""
    given_stage = _given.get("stage")
    stage = stage or (str(given_stage) if given_stage else None)
    extra: list[str] = []
    if local() if local_cloud is None else local_cloud:
        extra.append("--local")
    if stage and (stage != "dev" or given_stage):
        extra += ["--stage", stage]
    directory = _given.get("directory")
    if directory is not None and str(directory) != ".":
        extra += ["-C", shlex.quote(str(directory))]
    head, separator, tail = words.partition(" -- ")
    return " ".join(["shoehorn", head, *extra]) + (f" -- {tail}" if separator else "")
