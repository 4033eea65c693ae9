"""A resource that appeared under this app's name while ``up`` ran (its create said "already exists").

Ownership is checked before the first write (ownership.py), on what observe saw; a resource made
after that was never checked. Before an executor converges onto it (tags it, rewrites its trust
policy) it must pass the same check, with no --adopt: the user agreed to take over what the plan
showed, not what appeared later.
"""

from __future__ import annotations

from shoehorn.config import Config
from shoehorn.deploy import ownership
from shoehorn.errors import NotOursError


def check(claim: ownership.Claim, config: Config) -> None:
    """Raise NotOursError (exit 8), worded as ownership.check words it, unless ``claim`` is provably ours."""
    try:
        ownership.check((claim,), config, command="up")
    except NotOursError as error:
        raise NotOursError(f"{error.message} (it appeared while this deploy ran)", error.hint) from None
