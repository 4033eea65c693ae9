"""The runtime's logger and the request id its lines name."""

from __future__ import annotations


def log():
    """The "shoehorn.runtime" logger, imported on the first log line (logging costs ~10 ms of
    cold start, and the happy path never logs)."""
    import logging

    return logging.getLogger("shoehorn.runtime")


def request_id(event, context) -> str:
    """Lambda's request id, else API Gateway's, else "-" (whatever shape the event has)."""
    found = getattr(context, "aws_request_id", None)
    if type(found) is str and found:
        return found
    rc = event.get("requestContext") if type(event) is dict else None
    found = rc.get("requestId") if type(rc) is dict else None
    return found if type(found) is str and found else "-"
