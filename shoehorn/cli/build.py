"""`shoehorn build`: make the Lambda bundle and say what is in it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import typer
from rich.markup import escape

from shoehorn.cli.app import app
from shoehorn.cli.options import Directory, Stage


@app.command()
def build(
    directory: Path = Directory,
    stage: str | None = Stage,
    no_check: bool = typer.Option(False, "--no-check", help="Skip the isolated import check of the bundle."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout (progress stays on stderr)."),
) -> None:
    """Build the reproducible Lambda bundle (.shoehorn/build/<name>-<sha12>.zip) and check it."""
    from shoehorn.bundle import build as build_bundle
    from shoehorn.bundle.limits import mb
    from shoehorn.cli.render import ProgressPrinter, console_out
    from shoehorn.config import load

    started = time.perf_counter()
    progress = ProgressPrinter()
    config = load(directory, stage=stage, progress=progress)
    bundle = build_bundle(config, progress=progress, check=not no_check)
    seconds = time.perf_counter() - started
    out = console_out()
    if as_json:
        out.print_json(json.dumps({
            "path": str(bundle.path), "sha256": bundle.sha256, "code_sha256": bundle.code_sha256, "content": bundle.content,
            "zipped_bytes": bundle.zipped_bytes, "unzipped_bytes": bundle.unzipped_bytes,
            "runtime": bundle.runtime, "architecture": bundle.architecture, "handler": bundle.handler,
            "checked": bundle.checked, "check_status": bundle.check_status, "seconds": round(seconds, 3),
            "largest": [{"name": c.name, "unzipped_bytes": c.unzipped_bytes} for c in bundle.largest],
            "import_ms": bundle.import_ms, "first_request_ms": bundle.first_request_ms,
            "heaviest_imports": [{"package": c.package, "ms": c.ms} for c in bundle.heaviest_imports],
        }))
        return
    try:
        shown = bundle.path.relative_to(Path.cwd())
    except ValueError:
        shown = bundle.path
    out.print(f"[bold]{escape(str(shown))}[/]")
    out.print(f"  app        {escape(config.app)} ({config.name}, stage {config.stage})")
    out.print(f"  runtime    {bundle.runtime} {bundle.architecture}, handler {bundle.handler}")
    out.print(f"  size       {mb(bundle.zipped_bytes)} zipped, {mb(bundle.unzipped_bytes)} unzipped")
    out.print(f"  sha256     {bundle.sha256}")
    if bundle.checked and bundle.check_status is not None and not 200 <= bundle.check_status < 400:
        # the check passes an app that imports and answers, whatever it answers: say what it answered
        # rather than "passed" under the warning about that very answer
        checked = f"import passed; GET / answered {bundle.check_status} when this zip was built"
    elif bundle.checked and bundle.check_status is None:  # GET / stopped unanswered (the warning above says why)
        checked = "import passed; GET / had no answer in time when this zip was built"
    elif bundle.checked:
        checked = "import + GET / passed when this zip was built"
    else:
        checked = "skipped (--no-check)" if no_check else "tags only: cannot run here (see the warning above)"
    out.print(f"  checked    {checked}")
    if bundle.import_ms is not None and bundle.first_request_ms is not None:
        total = bundle.import_ms + bundle.first_request_ms
        out.print(f"  cold start {total:.0f} ms in the check (import {bundle.import_ms:.0f} ms + first request "
                  f"{bundle.first_request_ms:.0f} ms; Lambda adds its own start)")
    if bundle.heaviest_imports:
        out.print("  imports    " + ", ".join(f"{c.package} {c.ms:.0f} ms" for c in bundle.heaviest_imports)
                  + " (heaviest, -X importtime)")
    out.print("  largest    " + ", ".join(f"{c.name} {mb(c.unzipped_bytes)}" for c in bundle.largest[:5]))
    out.print(f"  built in   {seconds:.2f} s")
