"""Config ``warm = "5m"`` -> an EventBridge ``rate(...)`` schedule expression."""

from __future__ import annotations

from dataclasses import replace

from shoehorn.config import WARM, Config
from shoehorn.errors import ConfigError
from shoehorn.words import plural

_UNIT = {"m": "minute", "h": "hour", "d": "day"}


def rate_expression(warm: str) -> str:
    """``"5m"`` -> ``"rate(5 minutes)"``; ``"1h"`` -> ``"rate(1 hour)"``.

    EventBridge wants the singular unit for 1 and the plural otherwise, and nothing finer
    than a minute (EventBridge "Schedule expressions for rules", rate expressions).
    """
    match = WARM.fullmatch(warm)
    if not match:
        raise ConfigError(
            f"warm = {warm!r} is not an interval",
            'use minutes, hours or days, at least 1 minute: warm = "5m", "1h" or "1d"',
        )
    count = int(match.group(1))
    unit = _UNIT[match.group(2)[0].lower()]
    return f"rate({plural(count, unit)})"


OFF = ("off", "false", "no", "0")


def with_warm(config: Config, flag: str | None) -> Config:
    """``up --warm X`` / ``plan --warm X``: the config with ``warm`` overridden for this run
    (``off`` removes it); ``None`` (no flag) leaves the config as it is."""
    if flag is None:
        return config
    warm = None if flag.strip().lower() in OFF else flag.strip()
    if warm is not None and not WARM.fullmatch(warm):  # a bad value fails here, before the (slower) build
        raise ConfigError(f"--warm {flag!r} is not an interval",
                          'use minutes, hours or days, at least 1 minute: --warm 5m, 1h or 1d (or off)')
    return replace(config, warm=warm)
