"""Errors raised inside the Lambda. Standard library only, like the rest of the runtime.

They mirror ``shoehorn.errors.ShoehornError`` (a message plus a hint saying how to fix it)
without importing it: the runtime ships alone inside every bundle.
"""

from __future__ import annotations


class RuntimeAdapterError(Exception):
    """Base class: ``message`` says what happened, ``hint`` says what to do."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class NotHttpEvent(RuntimeAdapterError, ValueError):
    """The event is not an API Gateway / Function URL / ALB HTTP request."""


class MalformedEvent(RuntimeAdapterError, ValueError):
    """An HTTP event whose content cannot be decoded (answered with a 400)."""


class LifespanFailed(RuntimeAdapterError, RuntimeError):
    """The ASGI app's lifespan startup failed (or is unsupported with lifespan="on")."""


class UnknownInterface(RuntimeAdapterError, TypeError):
    """adapt() could not tell whether the app is WSGI or ASGI."""


class ServedByServer(UnknownInterface):
    """The app reference names an object that runs on the web app in its ``server`` attribute (Dash)."""


class LambdaHandlerGiven(UnknownInterface):
    """The app reference names a Lambda handler (Mangum(app), a Chalice app...), not the WSGI/ASGI app."""


class OwnServerApp(UnknownInterface):
    """The app reference names an app that runs only on its framework's own HTTP server (aiohttp, Tornado,
    an http.server handler): there is no WSGI or ASGI callable to drive."""


class AppError(RuntimeAdapterError, RuntimeError):
    """The app raised, or answered something HTTP cannot carry (answered with a 500).

    The app's own exception, if any, is the ``__cause__``.
    """
