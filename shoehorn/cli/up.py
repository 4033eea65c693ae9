"""``shoehorn up``: build, plan, apply; print the URL, what changed and the time taken."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from shoehorn import mlflow_server
from shoehorn.cli import local_target, options
from shoehorn.cli.app import app


def check_url(url: str, timeout: float = 30.0) -> str:
    """GET the fresh URL once and describe the outcome (API Gateway answers 403/500 when wiring is wrong).
    A redirect is the app's answer, reported with where it points, not followed."""
    import urllib.error
    import urllib.parse
    import urllib.request

    class _Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None  # the 3xx comes back as an HTTPError

    opener = urllib.request.build_opener(_Stay)
    try:
        with opener.open(urllib.request.Request(url, headers={"User-Agent": "shoehorn-up-check"}),
                         timeout=timeout) as response:
            return f"{response.status} {response.reason}"
    except urllib.error.HTTPError as error:
        if 300 <= error.code < 400:
            location = error.headers.get("Location") or "?"
            said = f"{error.code} {error.reason} to {location}, answered by the app"
            target = urllib.parse.urlsplit(urllib.parse.urljoin(url, location)).path
            prefix = urllib.parse.urlsplit(url).path.rstrip("/")
            here, there = urllib.parse.urlsplit(url), urllib.parse.urlsplit(urllib.parse.urljoin(url, location))
            if (here.scheme, there.scheme) == ("http", "https") and here[1:] == there[1:]:
                # Django's SECURE_SSL_REDIRECT (cookiecutter-django's production settings), Flask-Talisman
                said += (" (the same URL over https: the app redirects plain http, and the local cloud serves plain "
                         "http (X-Forwarded-Proto: http), where API Gateway serves https only. Turn the app's https "
                         "redirect off for local runs, e.g. DJANGO_SECURE_SSL_REDIRECT = \"false\" in a stage's "
                         "[stages.NAME.environment] where the settings read it)")
            elif prefix and not target.startswith(prefix + "/") and target != prefix:
                said += (f" (outside {prefix}: the app builds URLs without the prefix it is served under; "
                         "frameworks that honour SCRIPT_NAME or the ASGI root_path get it with no configuration)")
            elif (back := _loops_back(opener, url, location, prefix, timeout)) is not None:
                # an app that takes the stage in the path for its own (datasette did, before the runtime gave
                # it the path without the stage): /dev/ -> /dev -> (API Gateway: "/", the app sees /dev/ again)
                # -> /dev ... A 302 reported as the app's answer looked like a working deploy while every
                # browser gave up.
                said += (f", which redirects back to {back}: a redirect loop (a browser stops with \"too many "
                         "redirects\"). An app that ignores the prefix it is served under (SCRIPT_NAME, the ASGI "
                         "root_path) takes it for a path of its own: set the app's base URL to the prefix (datasette: "
                         "base_url) or serve it from a custom domain's root")
            return said
        if error.code == 403 and mlflow_server.INVALID_HOST in error.read(500).decode("utf-8", "replace"):
            return f"{error.code} {error.reason}{mlflow_server.refused_url()}"
        if 400 <= error.code < 500 and error.code != 403:
            # API Gateway's own failures are 403 (no route or permission) and 5xx: any other
            # 4xx came from the app, e.g. an API with no route at "/" (the FastAPI example).
            return f"{error.code} {error.reason}, answered by the app (API Gateway and the function work)"
        return f"{error.code} {error.reason}"
    except OSError as error:
        return f"no answer ({error})"


def _loops_back(opener, url: str, location: str, prefix: str, timeout: float, hops: int = 5) -> str | None:
    """The path a redirect chain from ``url`` (first to ``location``) comes back to, or None when it ends,
    leaves the prefix or goes on past ``hops`` (a few GETs, as a browser would make them)."""
    import urllib.error
    import urllib.parse
    import urllib.request

    seen = {urllib.parse.urldefrag(url).url}
    here = urllib.parse.urldefrag(urllib.parse.urljoin(url, location)).url
    for _ in range(hops):
        if here in seen:
            return urllib.parse.urlsplit(here).path
        path = urllib.parse.urlsplit(here).path
        if not (path == prefix or path.startswith(prefix + "/")):
            return None
        seen.add(here)
        try:
            with opener.open(urllib.request.Request(here, headers={"User-Agent": "shoehorn-up-check"}), timeout=timeout):
                return None
        except urllib.error.HTTPError as error:
            if not 300 <= error.code < 400 or not error.headers.get("Location"):
                return None
            here = urllib.parse.urldefrag(urllib.parse.urljoin(here, error.headers["Location"])).url
        except OSError:
            return None
    return None


def disallowed_host_hint(settings: str | None) -> str | None:
    """After a 400 from a Django project's fresh URL: the Host its ALLOWED_HOSTS does not name (DisallowedHost),
    which Django answers before any view, so the whole site answers 400."""
    if not settings:
        return None
    return (f"hint: Django answers 400 to a Host that ALLOWED_HOSTS ({settings}) does not name: add the URL's host "
            "(\".execute-api.REGION.amazonaws.com\" for every API of a region; \"127.0.0.1\" for the local cloud), "
            "then `up` again; the function's log names the host (Invalid HTTP_HOST header)")


def logs_hint(said: str, *, directory: Path, stage: str | None, local: bool) -> str | None:
    """After a 5xx from the fresh URL, the command that shows why (the app's traceback or Lambda's
    error is in the function's log): `up` itself succeeded, so this is the only pointer."""
    if not said[:1] == "5" or not said[:3].isdigit():
        return None
    command = "shoehorn logs"
    if directory != Path("."):
        command += f" -C {directory}"
    if stage:
        command += f" --stage {stage}"
    if local:
        command += " --local"
    return f"hint: the deploy succeeded but the app failed that request: `{command}` shows its error"


@app.command()
def up(
    directory: Path = options.Directory,
    stage: Optional[str] = options.Stage,
    profile: Optional[str] = options.Profile,
    region: Optional[str] = options.Region,
    local: bool = options.Local,
    no_check: bool = typer.Option(False, "--no-check", help="Do not request the URL after deploying."),
    warm: Optional[str] = typer.Option(
        None, "--warm", help="Warm-up schedule for this deploy, e.g. 5m or 1h ('off' removes it); overrides the "
        "config's `warm` (put warm = \"5m\" in shoehorn.toml to keep it on the next `up`).",
    ),
    adopt: bool = options.Adopt,
) -> None:
    """Build the bundle and converge every AWS resource of this app and stage; print the URL."""
    from shoehorn import bundle as packager
    from shoehorn import deploy
    from shoehorn.cli.render import ProgressPrinter, console_err, console_out, plural
    from shoehorn.deploy.resources.schedule_rate import with_warm
    from shoehorn.errors import ShoehornError
    from shoehorn.ops.deployment import aws_for, load_config

    started = time.monotonic()
    printer = ProgressPrinter()
    # shoehorn.toml and --warm are read before a local cloud starts: a mistake in them costs no start
    config = with_warm(load_config(directory, stage, printer), warm)
    running = local_target.use(local, start=True)
    if (mismatch := local_target.cannot_run(running, config.runtime, config.architecture)) is not None:
        console_err().print(f"[yellow]warning:[/] {escape(mismatch)}")
    aws = aws_for(profile, region, printer)  # a missing region fails before the build
    local_target.require_credentials(aws, local)
    built = packager.build(config, progress=printer)
    result = deploy.up(config, built, aws, printer, adopt=adopt)
    err = console_err()
    took = time.monotonic() - started
    if result.actions:
        err.print(f"[green]deployed[/] {config.name} (stage {config.stage}, version {result.version}): "
                  f"{plural(len(result.actions), 'change')} in {took:.1f} s")
    else:
        err.print(f"[green]up to date[/]: {config.name} (stage {config.stage}, version {result.version}) "
                  f"needed no changes ({took:.1f} s)")
    url = local_target.shown_url(result.url)
    console_out().print(url, markup=False)
    from shoehorn.deploy.renamed import words

    for other in result.other_names:  # after the URL, as the last lines: a rename's old stack runs on unseen
        err.print(f"[yellow]warning:[/] {escape(words(config.name, other))}")
    # `up` leaves a stopped function stopped (a kill switch a deploy must not undo), so say so: its
    # URL answers 500 until `shoehorn start`, which looked like a broken deploy
    try:
        stopped = aws.call("lambda", "get_function_concurrency", FunctionName=config.function_name).get(
            "ReservedConcurrentExecutions") == 0
    except ShoehornError:  # e.g. no lambda:GetFunctionConcurrency: the deploy itself succeeded
        stopped = False
    if stopped:
        from shoehorn.commandline import suggest

        err.print(f"[yellow]stopped[/]: {config.function_name} has reserved concurrency 0 (`shoehorn stop`), so "
                  f"Lambda refuses every request and the URL answers 500; `{escape(suggest('start', stage=config.stage))}` "
                  "serves the new version")
    if no_check or stopped:
        return
    if aws.endpoint_url and not local:
        err.print(f"[dim]not checking the URL: AWS_ENDPOINT_URL points at {escape(aws.endpoint_url)}, not real AWS[/]")
        return
    said = check_url(url)
    err.print(f"GET {url} -> {said}", markup=False)
    hint = logs_hint(said, directory=directory, stage=stage, local=local) or (
        disallowed_host_hint(config.django_settings) if said.startswith("400 ") else None)
    if hint:
        err.print(hint, markup=False)
