"""What AWS's HTTP fronts SEND to a Lambda for an HTTP request, and how they read its answer.

``build_event`` produces the event API Gateway REST (payload 1.0), HTTP API (payload 2.0),
a Function URL or an ALB (single- or multi-value mode) would send; ``read_response`` turns
the function's proxy response back into (status, headers, body) the way that front does, and
raises ``MalformedResponse`` where AWS would answer 502. Field by field the events follow the
AWS samples kept in ``shared/conformance/events/`` (a test compares them).

Standard library only: used by ``shoehorn.testing``, the local emulator and ``shoehorn invoke``.

Paths: ``path`` is the URL path the client asked for, still percent-encoded.
- "rest": on an execute-api host the URL starts with the stage (``/prod/users``): the event's
  ``path`` lacks it and ``requestContext.path`` has it (LocalStack PR 12296). With
  ``base_path`` (custom domain with a base-path mapping) both include the base path and the
  stage is only in ``requestContext.stage``. A URL that does not start with the stage is sent
  as SAM local does (stage in neither path).
- "http": ``rawPath`` is the URL path; a named stage stays in it (``/prod/users``), a URL
  without the stage is the ``$default`` stage.
- "url", "alb": no stage at all.
"""

from __future__ import annotations

from shoehorn.gateway.events import SOURCES, build_event
from shoehorn.gateway.responses import MalformedResponse, read_response

__all__ = ["SOURCES", "MalformedResponse", "build_event", "read_response"]
