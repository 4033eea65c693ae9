"""Serve a Django project's collected static files from the bundle, the way WhiteNoise does.

``shoehorn build`` runs ``collectstatic`` into the bundle; this wrapper answers GET/HEAD
under ``STATIC_URL`` from those files (with an ETag, and 304 to a browser that holds the file)
and passes everything else (and unknown files) to the app. A project that uses WhiteNoise's
middleware is left to it (bundle/django_static.py). It is enough for the admin and a site's
own CSS/JS; a CDN in front (CloudFront) is better for heavy traffic, since every file here
costs a Lambda invocation. Standard library only.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os

# Django's default names carry no content hash, so browsers may keep a file only briefly
# (WhiteNoise's default max-age for unhashed files is 60 s as well).
CACHE_CONTROL = "public, max-age=60"
# A name ManifestStaticFilesStorage made from the content (listed in its staticfiles.json) never
# changes content: cached for a year, as WhiteNoise caches such files.
CACHE_FOREVER = "public, max-age=31536000, immutable"
MANIFEST = "staticfiles.json"


class StaticFiles:
    """Finds the file a path names under the URL prefix, never outside ``directory``."""

    def __init__(self, url: str, directory: str) -> None:
        # STATIC_URL "static/" (Django prefixes SCRIPT_NAME, i.e. the stage) or "/static/".
        self.prefix = "/" + url.strip("/") + "/"
        self.directory = os.path.realpath(directory)
        self.hashed = _hashed_names(os.path.join(self.directory, MANIFEST))
        # file -> its ETag, from its content: the bundle's collected files are undated (a rebuild
        # must zip the same bytes), so no Last-Modified. Bounded: the bundle's files never change.
        self._etags: dict[str, str] = {}

    def find(self, path: str) -> str | None:
        if not path.startswith(self.prefix):
            return None
        relative = path[len(self.prefix):]
        if not relative or "\0" in relative or any(part in ("..", ".") for part in relative.split("/")):
            return None
        file = os.path.realpath(os.path.join(self.directory, *relative.split("/")))
        if not file.startswith(self.directory + os.sep) or not os.path.isfile(file):
            return None
        return file

    def answer(self, file: str, method: str, if_none_match: str | None) -> tuple[str, list[tuple[str, str]], bytes]:
        """(status line, headers, body) for a GET or HEAD of ``file``: 304 when the client holds it
        (If-None-Match, RFC 9110 13.1.2), so a browser revalidating after max-age downloads nothing.
        The file is read once per request at most (the first one hashes what it sends)."""
        body = None
        etag = self._etags.get(file)
        if etag is None:
            body = _read(file)
            etag = self._etags[file] = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if if_none_match and _matches(if_none_match, etag):
            return "304 Not Modified", [("ETag", etag), ("Cache-Control", self._cache_control(file))], b""
        if method == "HEAD":
            body = b""
        elif body is None:
            body = _read(file)
        return "200 OK", [*self.headers(file), ("ETag", etag)], body

    def _cache_control(self, file: str) -> str:
        relative = os.path.relpath(file, self.directory).replace(os.sep, "/")
        return CACHE_FOREVER if relative in self.hashed else CACHE_CONTROL

    def headers(self, file: str) -> list[tuple[str, str]]:
        kind, encoding = mimetypes.guess_type(file)
        kind = kind or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        headers = [("Content-Type", kind), ("Content-Length", str(os.path.getsize(file))),
                   ("Cache-Control", self._cache_control(file))]
        if encoding:
            headers.append(("Content-Encoding", encoding))
        return headers


def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 13.1.2: "*", or a list of tags compared weakly (W/ ignored)."""
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))


def _hashed_names(manifest: str) -> frozenset[str]:
    """The content-hashed names in a ManifestStaticFilesStorage manifest (none without one)."""
    import json

    try:
        with open(manifest, encoding="utf-8") as handle:
            paths = json.load(handle).get("paths")
    except (OSError, ValueError, AttributeError):
        return frozenset()
    return frozenset(name for name in paths.values() if isinstance(name, str)) if isinstance(paths, dict) else frozenset()


def serve_static(app, url: str, directory: str, interface: str | None = None):
    """``app`` wrapped so GET/HEAD under ``url`` is answered from ``directory``."""
    if url.startswith(("http://", "https://", "//")):
        return app  # STATIC_URL on another host (a CDN): nothing to serve here
    if interface is None:
        from shoehorn.runtime.handler import detect_interface

        interface = detect_interface(app)
    files = StaticFiles(url, directory)
    return _wsgi(app, files) if interface == "wsgi" else _asgi(app, files)


def _read(file: str) -> bytes:
    with open(file, "rb") as handle:
        return handle.read()


def _wsgi(app, files: StaticFiles):
    def static_wsgi(environ, start_response):
        method = environ.get("REQUEST_METHOD")
        file = files.find(environ.get("PATH_INFO", "")) if method in ("GET", "HEAD") else None
        if file is None:
            return app(environ, start_response)
        status, headers, body = files.answer(file, method, environ.get("HTTP_IF_NONE_MATCH"))
        start_response(status, headers)
        return [body]

    static_wsgi.__wrapped__ = app  # the convention functools.wraps follows: the app behind the wrapper
    return static_wsgi


def _asgi(app, files: StaticFiles):
    async def static_asgi(scope, receive, send):
        file = None
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            path, root = scope["path"], scope.get("root_path", "")
            if root and path.startswith(root):  # the full path starts with the stage prefix
                path = path[len(root):]
            file = files.find(path)
        if file is None:
            return await app(scope, receive, send)
        sent = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k.lower() == b"if-none-match"), None)
        status, headers, body = files.answer(file, scope["method"], sent)
        headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
        await send({"type": "http.response.start", "status": int(status[:3]), "headers": headers})
        await send({"type": "http.response.body", "body": body})

    static_asgi.__wrapped__ = app
    return static_asgi
