"""``--since 10m|2h|1d|ISO-8601`` -> a CloudWatch ``startTime`` (epoch milliseconds)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from shoehorn.errors import ConfigError

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_RELATIVE = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$", re.IGNORECASE)


def parse_since(text: str, *, now: float) -> int:
    """Epoch milliseconds for ``text``: a duration back from ``now`` (seconds) or an ISO-8601 time.

    A time without a zone is taken as UTC: CloudWatch shows UTC and so do we.
    """
    match = _RELATIVE.match(text)
    if match:
        seconds = int(match.group(1)) * _UNITS[match.group(2).lower()]
        # CloudWatch refuses a startTime before 1970 (it holds nothing older): "since 99999d" is "all"
        return max(0, int((now - seconds) * 1000))
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            f"--since {text!r} is neither a duration nor an ISO-8601 time",
            "use e.g. --since 10m, --since 2h, --since 1d or --since 2024-05-01T12:00:00Z",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0, int(moment.timestamp() * 1000))
