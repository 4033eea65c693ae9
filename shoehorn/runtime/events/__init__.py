"""The Lambda HTTP event sources, one module each, and ``find_source``.

A source module holds ``NAME``, ``PAYLOAD_LIMIT`` (bytes of response JSON it accepts),
``detect(event) -> bool`` (never raises, whatever the dict holds),
``read(event) -> Request`` (raises MalformedEvent for what it cannot read) and
``render(response, event) -> dict`` (never raises). Adding a source: one module here, one line
in ``SOURCES`` (docs/request-path.md).
"""

from __future__ import annotations

from shoehorn.runtime.events import alb, http, rest, url

# Tried in order, the first whose detect() accepts the event wins (the commonest first);
# Function URLs are payload 2.0 too, so url comes before http.
SOURCES = (rest, alb, url, http)


def find_source(event: object):
    """The source module that understands ``event``, or None."""
    if type(event) is not dict:
        return None
    for source in SOURCES:
        if source.detect(event):
            return source
    return None
