"""Orchestrate a build: dependencies + app files + shim -> one deterministic, checked zip."""

from __future__ import annotations

import hashlib
import json
import os
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from shoehorn.bundle import bytecode, check as checker, django_static, housekeeping, ignore, install, limits
from shoehorn.bundle import (dash_prefix, datasette_base, missing, paste_app, project_metadata, requirements, shim,
                             zipper)
from shoehorn.bundle.artifact import Bundle, Contributor, ImportCost
from shoehorn import server_start
from shoehorn.config import Config, local_runtime
from shoehorn.errors import BuildError
from shoehorn.progress import Info, Progress, StepDone, StepStarted, Warn, discard
from shoehorn.words import plural

# Bump when the bundle layout changes, so a remembered build is not reused across versions.
_LAYOUT = "2"
_KEEP = 5  # remembered builds (and their zips) per app directory
_STALE_S = 600  # a zip not remembered is removed once this old


@dataclass(frozen=True, slots=True)
class Contents:
    """What a bundle holds before it is zipped: the cached dependencies and the app's entries."""

    deps_dir: Path  # the dependency cache entry: its DEPS_ZIP holds the dependencies as the bundle ships them
    app: dict[str, zipper.Entry]  # the app's files, shoehorn's runtime, the shim, their bytecode, static files
    target: install.Target
    compiled: bool  # the bundle carries .pyc for the target's Python
    left_out: tuple[str, ...]  # app paths the selection did not ship (named when an import of one fails)


def build(config: Config, *, progress: Progress = discard, check: bool = True,
          local_platform: bool = False) -> Bundle:
    """Build (or reuse) the bundle for ``config``; see shoehorn.bundle for the contract."""
    started = time.perf_counter()
    parts = contents(config, progress=progress, local_platform=local_platform)
    deps_dir, app_entries, target = parts.deps_dir, parts.app, parts.target

    out_dir = config.directory / ".shoehorn" / "build"
    out_dir.mkdir(parents=True, exist_ok=True)
    inputs = _input_digest(deps_dir, app_entries, target, parts.compiled, dict(config.environment))
    remembered, verified, noted = _recall(out_dir, inputs)
    if remembered and (verified or not check):
        progress(Info(f"unchanged since the last build: reusing {remembered.path.name}"))
        if noted and check:  # said again: `up` after `build` reuses the zip, and its user never saw the build
            progress(Warn(noted))
        progress(StepDone("build", time.perf_counter() - started, remembered.path.name))
        return remembered

    with _step(progress, "zip") as done:
        deps_zip = deps_dir / install.DEPS_ZIP
        with zipfile.ZipFile(deps_zip) as archive:
            sizes = {info.filename: info.file_size for info in archive.infolist()}
        unzipped, largest, count = limits.measure(sizes, {name: entry.size for name, entry in app_entries.items()},
                                                  progress)
        partial = out_dir / f".partial-{os.getpid()}.zip"
        sha = zipper.write_merged(deps_zip, app_entries, partial)
        content = hashlib.sha256(f"{install.deps_content(deps_dir)}\0{zipper.entries_digest(app_entries)}".encode()).hexdigest()
        path = out_dir / f"{config.name}-{sha[:12]}.zip"
        partial.replace(path)
        zipped = path.stat().st_size
        done(f"{limits.mb(zipped)} zipped, {limits.mb(unzipped)} unzipped, {count} files")
    try:
        limits.enforce(zipped, unzipped, largest, progress)
        if not check:  # the check would fail on it too; without the check, a mistyped `app` module shipped
            missing.require_app_module(config, [*app_entries, *sizes])
    except BuildError:
        path.unlink(missing_ok=True)  # a refused zip (up to hundreds of MB) is never used
        raise

    outcome, verified = None, False
    if check:
        with _step(progress, "check bundle", "isolated import + GET /") as done:
            outcome = checker.check(path, target.runtime, target.architecture, dict(config.environment),
                                    stage_dir=config.directory / ".shoehorn" / "check",
                                    left_out=parts.left_out,
                                    missing_hint=lambda module: missing.hint(module, config),
                                    settings_file=config.source_file.name if config.source_file else "shoehorn.toml")
            verified = True
            if outcome.note:
                progress(Warn(outcome.note))
            if not outcome.ran:
                done("tags verified")
            elif outcome.status is None:  # GET / stopped unanswered (the warning says why)
                done(f"import {outcome.import_ms:.0f} ms, GET / stopped after {checker.REQUEST_S:.0f} s")
            else:
                done(f"GET / -> {outcome.status} (cold start {outcome.import_ms + outcome.first_request_ms:.0f} ms)")
    ran = outcome is not None and outcome.ran
    bundle = Bundle(path=path, sha256=sha, content=content, zipped_bytes=zipped, unzipped_bytes=unzipped, runtime=target.runtime,
                    architecture=target.architecture, handler=shim.HANDLER, largest=largest, checked=ran,
                    import_ms=outcome.import_ms if ran else None,
                    first_request_ms=outcome.first_request_ms if ran else None,
                    heaviest_imports=outcome.heaviest if ran else (), check_status=outcome.status if ran else None)
    _remember(out_dir, inputs, bundle, verified, outcome.note if outcome is not None else "")
    progress(StepDone("build", time.perf_counter() - started, path.name))
    return bundle


def contents(config: Config, *, progress: Progress = discard, local_platform: bool = False,
             reuse_static: bool = False) -> Contents:
    """The dependencies (installed, cached) and the app's entries of ``config``'s bundle.

    ``reuse_static``: a Django project's collected static files are reused while nothing the last
    ``collectstatic`` read has changed (``dev --lambda``; ``build`` collects them every time)."""
    # before anything is installed: importing such an app would serve forever in the check and at every cold start
    server_start.check(config.directory, config.app, config.source_dir)
    target = _target(config, local_platform)
    compiler = bytecode.compiler(target.runtime)  # (None: no Python of the target's version here)
    uv = install.uv_binary()

    with _step(progress, "resolve dependencies", config.requirements_kind) as done:
        reqs = requirements.resolve(config, uv, target)
        done(reqs.source if not reqs.empty else "none")
    with _step(progress, "install dependencies", f"{target.runtime} {target.architecture}") as done:
        deps_dir, cached = install.install(reqs, target, uv=uv, compiler=compiler)
        done("from cache" if cached else "installed")
    _reject_shoehorn_dependency(deps_dir, reqs.source)
    for warning in _other_tools(deps_dir, reqs.source, config.directory):
        progress(Warn(warning))
    for warning in _webdav(deps_dir, config.directory):
        progress(Warn(warning))
    for unprefixed in (dash_prefix.unprefixed(config), datasette_base.unprefixed(config)):
        if unprefixed:
            progress(Warn(unprefixed))
    if not cached and housekeeping.dependency_cache_size() > housekeeping.LARGE_CACHE:
        progress(Info(f"the dependency cache ({install.cache_root() / 'deps'}) holds over "
                      f"{housekeeping.LARGE_CACHE // 1024 ** 3} GB: `shoehorn clean --cache` empties it"))
    with _step(progress, "collect app files") as done:
        selection = ignore.select(config, reqs.folders_in(config.directory))
        _reject_reserved(selection.files)
        for name in selection.forced_secrets:
            progress(Warn(f"shipping secret-looking file {name} because `include` lists it"))
        left_out = selection.left_out_news(config.directory / ".shoehorn" / "build" / "left-out.txt")
        if left_out:
            progress(Info(left_out))
        static = _collect_static(config, deps_dir, target, progress, selection.files, reuse_static)
        app_entries = _app_entries(config, selection.files, target.runtime, compiler, static)
        # what `pip install .` leaves
        app_entries.update(project_metadata.entries(config.directory, deps_dir, progress))
        # an app = "production.ini": the file shipped, PasteDeploy installed, its `egg:` project's entry points
        app_entries.update(paste_app.entries(config, deps_dir, selection.files, app_entries))
        done(plural(len(selection.files), "file")
             + (f" + {len(static.files)} static files" if static else ""))
    (config.directory / ".shoehorn").mkdir(exist_ok=True)
    _ignore_output(config.directory / ".shoehorn")
    return Contents(deps_dir, app_entries, target, compiler is not None, selection.left_out_paths())


class _step:
    """``with _step(progress, name) as done: ... done(detail)`` emits StepStarted/StepDone."""

    def __init__(self, progress: Progress, name: str, detail: str = "") -> None:
        self.progress, self.name, self.detail, self.result = progress, name, detail, ""

    def __enter__(self):
        self.started = time.perf_counter()
        self.progress(StepStarted(self.name, self.detail))
        return self._done

    def _done(self, result: str) -> None:
        self.result = result

    def __exit__(self, kind, value, tb) -> None:
        if kind is None:
            self.progress(StepDone(self.name, time.perf_counter() - self.started, self.result))


def _target(config: Config, local_platform: bool) -> install.Target:
    if not local_platform:
        return install.Target(config.runtime, config.architecture)
    from shoehorn.local.interpreters import architecture_here

    return install.Target(local_runtime(), architecture_here())


def _collect_static(config: Config, deps_dir: Path, target: install.Target, progress: Progress,
                    shipped: tuple[str, ...] = (), reuse: bool = False) -> django_static.Collected | None:
    """A Django project's static files (collectstatic), when Django can run on this machine; with
    ``reuse``, the last collection while nothing it read and none of the ``shipped`` files changed."""
    if not config.django_settings:
        return None
    reason = checker.can_run_here(target.runtime, target.architecture)
    if reason:
        progress(Warn(f"static files not collected: {reason}; the admin will have no CSS unless "
                      "STATIC_URL points at a CDN"))
        return None
    collected = django_static.collect(config, deps_dir, shipped, reuse=reuse,
                                      python=checker.python_for(target.runtime, target.architecture))
    if collected:
        server = "WhiteNoise (in MIDDLEWARE)" if collected.whitenoise else "the function"
        progress(Info(f"collected {len(collected.files)} static files, served under STATIC_URL "
                      f"{collected.url!r} by {server} (a CDN is better for heavy traffic)"))
        if collected.whitenoise:
            progress(Warn(f"WhiteNoise works out its static URLs before the first request, without the stage prefix "
                          f"(/{config.stage}), so on the execute-api URL its links miss the stage prefix and the pages "
                          "have no CSS: serve the app from a custom domain, or take WhiteNoiseMiddleware out of "
                          "MIDDLEWARE and the function serves STATIC_URL under the stage itself"))
        elif collected.url.startswith("/"):
            progress(Warn(_absolute_static_url(collected.url, config.stage)))
        if collected.media_in_app:
            # QA (wagtail start): an image upload failed at run time with "Read-only file system: .../media"
            progress(Warn(f"MEDIA_ROOT is {collected.media_in_app!r} in the app directory, which is read-only on "
                          "Lambda: file uploads (FileField, ImageField) will fail there. Store them in S3 "
                          "(django-storages' S3 storage as STORAGES['default'])"))
    return collected


def _absolute_static_url(url: str, stage: str) -> str:
    """What to say of a STATIC_URL that starts with '/', which Django leaves as it is (no SCRIPT_NAME)."""
    relative = url.lstrip("/")
    if relative.startswith(f"{stage}/"):  # the stage written in, as Zappa setups do: '/dev/static/'
        return (f"STATIC_URL is {url!r}, with the stage written in: requests for it reach the app as "
                f"/{relative[len(stage) + 1:]}... under the stage, where the function does not serve them, and "
                f"another stage or a custom domain gets the wrong links; write {relative[len(stage) + 1:]!r}, "
                "which Django (3.1+) puts under the stage itself")
    return (f"STATIC_URL is {url!r}: Django leaves a URL that starts with '/' as it is, so the static links miss "
            f"the stage prefix (/{stage}) and answer 403 once deployed; write it without the leading slash "
            f"({relative!r}), which Django (3.1+) puts under the app's prefix")


def _reject_shoehorn_dependency(deps_dir: Path, source: str) -> None:
    """The bundle's ``shoehorn/`` is shoehorn's runtime: a dependency with that top-level package (shoehorn
    itself listed as a requirement, or PyPI's unrelated ``shoehorn`` logging library) would be mixed into it."""
    if not (deps_dir / "shoehorn").exists():
        return
    owners = sorted(record.parent.name.partition("-")[0] for record in deps_dir.glob("*.dist-info/RECORD")
                    if any(line.startswith("shoehorn/") for line in record.read_text(errors="replace").splitlines()))
    raise BuildError(f"the dependencies from {source} install a package named 'shoehorn' "
                     f"(distribution {', '.join(owners) or 'unknown'}), which would be mixed into the bundle's "
                     "'shoehorn/' folder, shoehorn's own runtime",
                     f"remove it from {source}: the build adds the runtime the function needs, and shoehorn "
                     "itself is a development tool (list it with your dev dependencies)")


# Other tools' deploy tools and Lambda adapters (top-level module -> name): shoehorn's build and handler do
# their job, so a requirement left from them only weighs on the bundle and the cold start (zappa brings
# boto3, troposphere and pip: a Flask app's bundle went from 1.8 MB to 31.8 MB zipped).
_OTHER_TOOLS = {"zappa": "Zappa", "chalice": "Chalice", "mangum": "Mangum", "apig_wsgi": "apig-wsgi",
                "serverless_wsgi": "serverless-wsgi", "awsgi": "aws-wsgi"}


def _other_tools(deps_dir: Path, source: str, directory: Path) -> list[str]:
    """Warnings for the OTHER_TOOLS the dependencies install: to remove when the app does not import them;
    Zappa's when it does (its asynchronous tasks are run by Zappa's handler, not shoehorn's)."""
    present = [m for m in _OTHER_TOOLS if (deps_dir / m).is_dir() or (deps_dir / f"{m}.py").is_file()]
    if not present:
        return []
    from shoehorn.app_imports import third_party

    imported = set(third_party(directory))
    warnings = [f"the dependencies from {source} install {_OTHER_TOOLS[m]} ({m}), which the app does not import: "
                "shoehorn builds and runs the bundle without it, so it only adds to the bundle's size and cold "
                f"start; remove it from {source}" for m in present if m not in imported]
    if "zappa" in present and "zappa" in imported:
        warnings.append("the app imports zappa: Zappa's asynchronous tasks (@task) and events are run by Zappa's "
                        "own Lambda handler, which a shoehorn bundle does not have; run that work elsewhere (a "
                        "queue and a worker)")
    return warnings


# WebDAV servers (module -> what it serves), whose clients depend on methods a REST API does not forward.
_WEBDAV_SERVERS = {"radicale": "Radicale (CalDAV/CardDAV)", "wsgidav": "WsgiDAV (WebDAV)",
                   "xandikos": "Xandikos (CalDAV/CardDAV)"}


def _webdav(deps_dir: Path, directory: Path) -> list[str]:
    """A warning for each WebDAV server the app imports from its dependencies: its clients (calendar and
    contacts apps, file managers) speak PROPFIND, REPORT, MKCOL..., which never reach the function."""
    present = [m for m in _WEBDAV_SERVERS if (deps_dir / m).is_dir()]
    if not present:
        return []
    from shoehorn.app_imports import third_party
    from shoehorn.gateway.rest import METHODS

    imported = set(third_party(directory))
    return [f"the app serves {_WEBDAV_SERVERS[m]}, whose clients send WebDAV methods (PROPFIND, REPORT, MKCOL...): "
            f"API Gateway's REST API, which `shoehorn up` deploys, forwards only {', '.join(sorted(METHODS))} and "
            "answers any other method 403 without calling the function, so those clients cannot sync with it "
            "(`shoehorn dev --lambda` answers them the same way)" for m in present if m in imported]


def _reject_reserved(files: tuple[str, ...]) -> None:
    clash = [f for f in files if f == "shoehorn_handler.py" or f.startswith(("shoehorn/", shim.STATIC_DIR + "/"))]
    if clash:
        raise BuildError(f"the app holds {', '.join(clash[:3])}, which the bundle reserves for shoehorn's "
                         "own entry point and runtime", "rename them, or add them to `exclude`")


def _app_entries(config: Config, files: tuple[str, ...], runtime: str, compiler: str | None,
                 static: django_static.Collected | None = None) -> dict[str, zipper.Entry]:
    """App files, shoehorn's runtime and the shim (with their .pyc when compiling)."""
    entries = {name: zipper.snapshot(name, config.directory / name) for name in files}
    for name, path in shim.runtime_files(config.app).items():
        entries[name] = zipper.Entry(name, data=path.read_bytes())
    if static and static.in_bundle != shim.STATIC_DIR:  # the project's STATIC_ROOT: this build's collection only
        entries = {name: entry for name, entry in entries.items() if not name.startswith(static.in_bundle + "/")}
    for name in static.files if static else ():
        zipped = f"{static.in_bundle}/{name}"
        # collected anew by each build: undated (the static handler's ETag comes from the content, not a date)
        entries[zipped] = zipper.Entry(zipped, data=(static.directory / name).read_bytes())
    text = shim.source(config.app, interface=config.interface, source_dir=config.source_dir,
                       static_url=static.url if static and not static.whitenoise else None,
                       static_dir=static.in_bundle if static else shim.STATIC_DIR, prime=config.prime,
                       snapstart=config.snapstart, stage=config.stage)
    entries[shim.HANDLER_MODULE + ".py"] = zipper.Entry(shim.HANDLER_MODULE + ".py", data=text.encode())
    if compiler is not None:
        sources = [(name, entry.read()) for name, entry in sorted(entries.items()) if name.endswith(".py")]
        # Under deps/ so that `shoehorn clean --cache` empties it with the dependencies.
        for name, pyc in bytecode.compile_cached(sources, install.cache_root() / "deps" / "app-pyc", compiler).items():
            if pyc is not None:
                entries[bytecode.pyc_name(name, runtime)] = zipper.Entry(bytecode.pyc_name(name, runtime), data=pyc)
    return entries


def _input_digest(deps_dir: Path, app: dict[str, zipper.Entry], target: install.Target, compiled: bool,
                  environment: dict[str, str]) -> str:
    """What the zip AND its check depend on (the check runs with the stage's environment)."""
    digest = hashlib.sha256(f"{_LAYOUT}\0{deps_dir.name}\0{target}\0{compiled}\0".encode())
    digest.update(json.dumps(environment, sort_keys=True).encode())
    for name in sorted(app):
        entry = app[name]
        digest.update(f"{name}\0{int(entry.executable)}\0{zipper.date_time(entry)}\0".encode())
        digest.update(hashlib.sha256(entry.read()).digest())
    return digest.hexdigest()


def _index(out_dir: Path) -> dict:
    try:
        return json.loads((out_dir / "index.json").read_text())
    except (OSError, ValueError):
        return {}


def _recall(out_dir: Path, inputs: str) -> tuple[Bundle | None, bool, str]:
    """The bundle an identical earlier build produced, whether it passed its check, and the check's warning."""
    saved = _index(out_dir).get(inputs)
    if not saved:
        return None, False, ""
    path = out_dir / saved["file"]
    if not path.is_file() or path.stat().st_size != saved["zipped_bytes"]:
        return None, False, ""
    bundle = Bundle(path=path, sha256=saved["sha256"], content=saved.get("content", ""), zipped_bytes=saved["zipped_bytes"],
                    unzipped_bytes=saved["unzipped_bytes"], runtime=saved["runtime"],
                    architecture=saved["architecture"], handler=saved["handler"],
                    largest=tuple(Contributor(n, s) for n, s in saved["largest"]),
                    checked=saved["checked"], import_ms=saved.get("import_ms"),
                    first_request_ms=saved.get("first_request_ms"),
                    heaviest_imports=tuple(ImportCost(n, ms) for n, ms in saved.get("heaviest_imports", ())),
                    check_status=saved.get("check_status"))
    return bundle, saved.get("verified", False), saved.get("check_note", "")


def _remember(out_dir: Path, inputs: str, bundle: Bundle, verified: bool, note: str = "") -> None:
    index = _index(out_dir)
    index.pop(inputs, None)
    index[inputs] = {"file": bundle.path.name, "sha256": bundle.sha256, "content": bundle.content, "zipped_bytes": bundle.zipped_bytes,
                     "unzipped_bytes": bundle.unzipped_bytes, "runtime": bundle.runtime,
                     "architecture": bundle.architecture, "handler": bundle.handler,
                     "largest": [[c.name, c.unzipped_bytes] for c in bundle.largest], "checked": bundle.checked,
                     "verified": verified,
                     "import_ms": bundle.import_ms, "first_request_ms": bundle.first_request_ms,
                     "heaviest_imports": [[c.package, c.ms] for c in bundle.heaviest_imports],
                     "check_status": bundle.check_status, "check_note": note}
    index = dict(list(index.items())[-_KEEP:])
    keep = {saved["file"] for saved in index.values()}
    # Only zips no concurrent build can still be writing or checking (two `dev --lambda` sessions on
    # one folder build side by side): removing them at once deleted the other's .partial zip mid-write.
    stale = time.time() - _STALE_S
    for old in out_dir.glob("*.zip"):
        try:
            if old.name not in keep and old.stat().st_mtime < stale:
                old.unlink(missing_ok=True)
        except OSError:  # removed by another build meanwhile
            continue
    partial = out_dir / f".index-{os.getpid()}.json"
    partial.write_text(json.dumps(index, indent=1))
    partial.replace(out_dir / "index.json")  # atomic: a concurrent build never reads half a file


def _ignore_output(shoehorn_dir: Path) -> None:
    marker = shoehorn_dir / ".gitignore"
    if not marker.exists():
        marker.write_text("# build output of shoehorn; safe to delete\n*\n")
