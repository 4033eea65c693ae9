"""Environment values are secrets until proven otherwise: mask them in everything we print."""

from __future__ import annotations

from typing import Mapping

from shoehorn.deploy.actions import MASK  # one mask for `up`, `plan` and `env`


def mask(value: str, *, show: bool = False) -> str:
    """``value`` itself only when asked (``--show-values``); a fixed mask otherwise, so not
    even the length of a secret leaks into a terminal recording or a CI log."""
    return value if show else MASK


def masked(variables: Mapping[str, str], *, show: bool = False) -> dict[str, str]:
    return {key: mask(value, show=show) for key, value in sorted(variables.items())}
