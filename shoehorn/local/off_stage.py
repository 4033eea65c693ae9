"""A redirect out of the stage, named in ``dev --lambda`` where it happens, not only at the 403 that follows.

On the execute-api URL every page is under ``/STAGE/``. An app that builds a redirect from its path alone, without
the prefix its request carries (ASGI ``root_path``, WSGI ``SCRIPT_NAME``), sends the browser out of the stage, where
API Gateway answers 403 ``{"message": "Forbidden"}``: that read as a shoehorn or AWS fault, the
app's log showing nothing wrong. BlackSheep's OpenAPI UI does it (``/dev/docs`` -> ``/docs/``: its routes, url_for
and static files keep the prefix), as do Responder's trailing-slash redirect and a hard-coded ``redirect("/")``.
shoehorn cannot add the prefix for the app: it cannot tell a URL of the app from one of another site on the host.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def redirect_off_stage(stage: str, path: str, status: int, headers: list[tuple[str, str]],
                       host: str | None) -> str | None:
    """The hint for a redirect of the request to ``path`` that leaves ``/STAGE/`` on the same host, else None."""
    if not 300 <= status < 400:
        return None
    location = next((value for name, value in headers if name.lower() == "location"), "")
    target = urlsplit(location)
    if target.netloc and target.netloc != host:
        return None  # another site (a login provider)
    if not target.path.startswith("/") or target.path == f"/{stage}" or target.path.startswith(f"/{stage}/"):
        return None  # relative URLs resolve under the request's path, so under the stage
    return (f"hint: the app redirected {path} to {target.path}, out of the stage /{stage}/, where API Gateway answers "
            "403 Forbidden. The app built that URL without the prefix its requests carry "
            f"(ASGI scope[\"root_path\"], WSGI SCRIPT_NAME: /{stage}): build it with the framework's url_for (or "
            "from that prefix), or redirect to a relative URL")
