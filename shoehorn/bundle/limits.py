"""Lambda's package size limits, checked before anything is uploaded.

250 MB unzipped for the function and its layers is the hard limit ("Lambda quotas" page; the
error text reads "Unzipped size must be smaller than 262144000 bytes"). 50 MB zipped is only
the limit of a direct upload: a bigger zip goes through S3 (``shoehorn up`` uploads it to a
bucket it owns), so it builds, and the build says so.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from shoehorn.bundle.artifact import Contributor
from shoehorn.errors import BuildError
from shoehorn.progress import Info, Progress, Warn

ZIPPED_LIMIT = 50 * 1024 * 1024
UNZIPPED_LIMIT = 262_144_000
NEAR = 0.8  # warn from 80 % of a limit

WAYS_OUT = (
    "exclude data, docs or assets the function does not need: exclude = [\"docs/\", \"*.csv\"] in shoehorn.toml",
    "drop dependencies the app does not import at runtime (dev and test tools) from the requirements",
    "serve large static files from S3/CloudFront instead of the bundle",
    "replace a heavy dependency with a lighter one (e.g. numpy-free alternatives)",
)


def _ways_out(largest: tuple[Contributor, ...]) -> tuple[str, ...]:
    """WAYS_OUT, after what to do with a live-UI framework among the largest: the generic ways cannot help a
    Gradio app mounted on FastAPI (306 MB: gradio, pandas and numpy, which it requires), and its page needs a
    long-running server anyway (shoehorn.live_ui); or with mlflow, whose tracking server fits once the ML
    libraries it never imports are left out (shoehorn.mlflow_server)."""
    from shoehorn import live_ui
    from shoehorn import mlflow_server

    heavy = next((c.name for c in largest if c.name in live_ui.HEAVY), None)
    if heavy:
        return (live_ui.too_big(heavy), *WAYS_OUT)
    # the full mlflow package brings 570 MB its tracking server never imports: the way to leave them out
    if any(c.name == "mlflow" for c in largest):
        return (mlflow_server.too_big(), *WAYS_OUT)
    return WAYS_OUT


def contributors(sizes: Iterable[tuple[str, int]], count: int = 10) -> tuple[Contributor, ...]:
    """The ``count`` largest top-level entries (a package with its .dist-info, or an app folder)."""
    totals: dict[str, int] = defaultdict(int)
    for name, size in sizes:
        top = name.split("/", 1)[0]
        if top == "__pycache__":  # bytecode of a root module counts for that module
            top = name.rsplit("/", 1)[-1].split(".", 1)[0]
        if top.endswith(".dist-info"):
            top = top.removesuffix(".dist-info").rsplit("-", 1)[0].lower().replace("-", "_")
        totals[top.removesuffix(".py")] += size
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    return tuple(Contributor(name, size) for name, size in ranked[:count])


def measure(deps: dict[str, int], app: dict[str, int], progress: Progress) -> tuple[int, tuple[Contributor, ...], int]:
    """(unzipped bytes, largest contributors, file count) of the dependencies' files with the app's
    (name -> size) over them; an app file that replaces a dependency's is worth a warning."""
    shadowed = sorted(deps.keys() & app.keys())
    if shadowed:
        progress(Warn("app files replace files of its dependencies: " + ", ".join(shadowed[:5])))
    sizes = {**deps, **app}
    return sum(sizes.values()), contributors(sizes.items()), len(sizes)


def mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def enforce(zipped: int, unzipped: int, largest: tuple[Contributor, ...], progress: Progress) -> None:
    listing = "\n  ".join(f"{c.name}: {mb(c.unzipped_bytes)}" for c in largest)
    top = ", ".join(f"{c.name} {mb(c.unzipped_bytes)}" for c in largest[:3])
    if unzipped > UNZIPPED_LIMIT:
        raise BuildError(
            f"the bundle is {mb(unzipped)} unzipped; Lambda allows {mb(UNZIPPED_LIMIT)} unzipped. "
            f"Largest contributors (unzipped):\n  {listing}",
            "ways out:\n  - " + "\n  - ".join(_ways_out(largest)),
        )
    if unzipped > UNZIPPED_LIMIT * NEAR:
        progress(Warn(f"the bundle is {mb(unzipped)} unzipped, {unzipped / UNZIPPED_LIMIT:.0%} of Lambda's "
                      f"{mb(UNZIPPED_LIMIT)} limit; largest: {top}"))
    if zipped > ZIPPED_LIMIT:
        progress(Info(f"the bundle is {mb(zipped)} zipped, over the {mb(ZIPPED_LIMIT)} of a direct upload: "
                      "`shoehorn up` uploads it through an S3 bucket it creates for the app (tagged "
                      f"shoehorn:app; `shoehorn down` empties it); largest: {top}"))
