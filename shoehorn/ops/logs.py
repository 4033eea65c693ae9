"""Fetch and follow the function's CloudWatch logs (``shoehorn logs [-f] [--since] [--filter]``).

Both read with ``FilterLogEvents`` across all streams of the log group, following
``nextToken`` to the end. ``follow`` polls: each poll re-reads a window that overlaps the
newest event already seen and drops events by ``eventId``, because CloudWatch makes events
visible some time after their timestamp (ingestion is asynchronous; "CloudWatch Logs
concepts") — a cursor that only moved forward would skip late arrivals, one that did not
overlap would print them twice.

CloudWatch Live Tail (``StartLiveTail``) would push instead of poll, but it is an event
stream over HTTP/2 that moto cannot serve and that needs extra IAM permissions
(``logs:StartLiveTail``); polling works everywhere ``filter_log_events`` does.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from shoehorn.ops.loglines import LogEvent

# How far back each poll re-reads behind the newest event seen. CloudWatch usually shows an
# event within seconds; a minute of overlap covers slow deliveries at the cost of re-reading.
OVERLAP_MS = 60_000
POLL_SECONDS = 2.0

ReadPage = Callable[[int, str | None], tuple[list[dict], str | None]]
"""``read_page(start_ms, next_token) -> (raw events, next token or None)``."""


@dataclass(frozen=True)
class LogQuery:
    log_group: str
    start_ms: int
    filter_pattern: str = ""

    def params(self, start_ms: int, next_token: str | None) -> dict:
        params: dict = {"logGroupName": self.log_group, "startTime": start_ms, "interleaved": True}
        if self.filter_pattern:
            params["filterPattern"] = self.filter_pattern
        if next_token:
            params["nextToken"] = next_token
        return params


def read_all(read_page: ReadPage, start_ms: int, limit: int | None = None) -> list[LogEvent]:
    """Every event from ``start_ms`` on, all pages, oldest first; with ``limit``, pages stop
    being read once more than ``limit`` events came back (a busy function writes millions a
    day: reading them all would take minutes and their size in memory), and the result holds
    the first ``limit + 1``, so ``len(result) > limit`` says there were more."""
    events: list[LogEvent] = []
    token: str | None = None
    while True:
        raw, next_token = read_page(start_ms, token)
        events.extend(LogEvent.from_aws(item) for item in raw)
        # AWS may hand back the same token when there is nothing more (FilterLogEvents docs:
        # "a null nextToken means there are no more results"); stop on either.
        if not next_token or next_token == token or (limit is not None and len(events) > limit):
            break
        token = next_token
    events.sort(key=lambda event: event.timestamp)
    return events if limit is None else events[: limit + 1]


# The first window `read_newest` reads back from now; each next one is 4 times as long, so reading
# the newest requests costs at most about 4/3 of reading just their window.
FIRST_WINDOW_MS = 60_000


def read_newest(read_page: ReadPage, start_ms: int, count: int, *, now_ms: int,
                first_window_ms: int = FIRST_WINDOW_MS) -> tuple[tuple, bool]:
    """The newest ``count`` invocations (``loglines.group``: a request with all its lines, or a run of
    init/background lines) since ``start_ms``, newest last, as ``tail`` shows a file's end; and whether
    older ones were left out. FilterLogEvents reads oldest first, so windows reaching back from
    now widen until one holds more than ``count`` (the oldest of those may be cut at the window's
    edge: it is left out) or reaches ``start_ms``: a busy function's day is never read to show its
    last minutes."""
    from shoehorn.ops.loglines import group

    window = first_window_ms
    while True:
        begin = max(start_ms, now_ms - window)
        invocations = group(read_all(read_page, begin))
        if len(invocations) > count or begin == start_ms:
            return invocations[-count:] if count else (), len(invocations) > count
        window *= 4


def follow(
    read_page: ReadPage,
    start_ms: int,
    *,
    sleep: Callable[[float], None] = time.sleep,
    poll_seconds: float = POLL_SECONDS,
    overlap_ms: int = OVERLAP_MS,
    keep_going: Callable[[], bool] = lambda: True,
) -> Iterator[list[LogEvent]]:
    """Yield batches of events never yielded before, oldest first, until ``keep_going()``
    is false (the CLI stops on Ctrl-C instead). The first batch is the history from
    ``start_ms``."""
    seen: dict[str, int] = {}  # eventId -> timestamp, pruned to the overlap window
    newest = start_ms
    while keep_going():
        window_start = max(start_ms, newest - overlap_ms)
        fresh = [event for event in read_all(read_page, window_start) if event.event_id not in seen]
        for event in fresh:
            seen[event.event_id] = event.timestamp
            newest = max(newest, event.timestamp)
        floor = newest - overlap_ms
        for event_id in [key for key, stamp in seen.items() if stamp < floor]:
            del seen[event_id]
        yield fresh
        if keep_going():
            sleep(poll_seconds)


def page_reader(aws, query: LogQuery) -> ReadPage:
    """``read_page`` over ``FilterLogEvents`` for ``query``; a missing log group reads as empty
    (``up`` creates it, but someone may have deleted it; ``status`` reports that as drift)."""
    from shoehorn.deploy.aws import AwsError
    from shoehorn.errors import ConfigError

    expected = ("ResourceNotFoundException",) + (("InvalidParameterException",) if query.filter_pattern else ())

    def read_page(start_ms: int, next_token: str | None) -> tuple[list[dict], str | None]:
        try:
            page = aws.call("logs", "filter_log_events", expect=expected, **query.params(start_ms, next_token))
        except AwsError as error:
            if error.code == "InvalidParameterException":
                # the user's --filter: CloudWatch says what is wrong with it (local cloud: logfilter.py)
                raise ConfigError(f"CloudWatch Logs refused the filter pattern {query.filter_pattern!r}: {error.message}",
                                  "--filter takes a CloudWatch Logs pattern: words (all must match), ?word (any), "
                                  '-word (not), "a phrase", %regex% (https://docs.aws.amazon.com/AmazonCloudWatch/'
                                  "latest/logs/FilterAndPatternSyntax.html)") from None
            return [], None
        return page.get("events", []), page.get("nextToken")

    return read_page


def check_source(aws, config) -> str | None:
    """Whether there are logs of this app and stage to read: None when its function is deployed (and
    is the app's: ``locate`` refuses another's); a note when only its log group is left, as
    ``down --keep-logs`` leaves it; else ``locate``'s "nothing deployed" (exit 6)."""
    from shoehorn.deploy import ownership
    from shoehorn.deploy.resources import logs
    from shoehorn.errors import NotDeployedError, ShoehornError
    from shoehorn.ops.deployment import locate

    try:
        locate(aws, config)
        return None
    except NotDeployedError as missing:
        try:
            kept = logs.observe(aws, config)
        except ShoehornError:  # not allowed to list log groups or their tags: "nothing deployed" still holds
            kept = None
        # Only a log group tagged for this app and stage: an untagged one under the name may be anyone's.
        if kept is None or ownership.owner(ownership.Claim("log group", config.log_group, kept.tags)) != (
                config.name, config.stage):
            raise missing from None
    return (f"the function {config.function_name} is gone (deleted by `shoehorn down --keep-logs`?): "
            f"these are the logs its log group {config.log_group} kept")
