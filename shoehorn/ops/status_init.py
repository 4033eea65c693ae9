"""The function's last cold start, as Lambda reported it: ``Init Duration: X ms`` in a REPORT line.

Lambda ends every invocation with a REPORT line and adds ``Init Duration`` to the first one an
execution environment serves (https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html).
Each environment logs to its own stream, named ``YYYY/MM/DD/[version]<id>``
(https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html), so the stream
tells which version started cold. The local cloud writes the same lines and stream names.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from shoehorn.ops.logs import LogQuery, page_reader, read_all

# How far back status looks: a busy function starts cold every few hours at least, and a
# longer window makes FilterLogEvents scan more of the group. A function with more cold starts
# than LIMIT in a window is asked again about a shorter one (pages come oldest first, so a cut
# read would miss the newest): status stays a few calls however busy the function is.
WINDOWS_MS = (24 * 3600 * 1000, 3600 * 1000, 5 * 60 * 1000)
LIMIT = 1000
_INIT = re.compile(r"\bInit Duration:\s*([0-9.]+)\s*ms")
_VERSION = re.compile(r"\[([^\]]+)\]")


@dataclass(frozen=True)
class ColdStart:
    init_ms: float  # Init Duration of the REPORT line
    at: int  # epoch milliseconds of the REPORT line
    version: str | None  # the version whose environment started, from the stream name


def last_cold_start(aws, log_group: str, live_version: str | None, now_ms: int | None = None) -> ColdStart | None:
    """The newest cold start in the last day: of the live version when it had one, else of any."""
    now = now_ms if now_ms is not None else int(time.time() * 1000)
    for window in WINDOWS_MS:
        start = now - window
        # The quoted term makes CloudWatch return only lines holding "Init Duration" (filter pattern syntax).
        events = read_all(page_reader(aws, LogQuery(log_group, start, '"Init Duration"')), start, LIMIT)
        if len(events) <= LIMIT:
            break
    found = []
    for event in events:
        match = _INIT.search(event.message)
        if match and event.message.startswith("REPORT"):
            version = _VERSION.search(event.stream)
            found.append(ColdStart(float(match.group(1)), event.timestamp, version.group(1) if version else None))
    live = [cold for cold in found if cold.version == live_version]
    newest = max(live or found, key=lambda cold: cold.at, default=None)
    return newest
