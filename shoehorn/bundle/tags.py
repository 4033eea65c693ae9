"""Is every compiled file built for the target platform? (wheel tags, .so names, ELF headers)

Used twice: after installing (a wheel built here from an sdist is tagged for this machine,
e.g. ``linux_x86_64``, and would crash on Lambda), and by the bundle check when the bundle
cannot be imported on this machine (arm64 wheels on x86_64, another Python version).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Protocol

from shoehorn.errors import BuildError

_ELF_MACHINE = {0x3E: "x86_64", 0xB7: "arm64"}  # e_machine values (System V ABI)
_SO_TAG = re.compile(r"\.cpython-(\d)(\d+)-([a-z0-9_]+)-linux-gnu\.so$")
_ARCH_NAMES = {"x86_64": "x86_64", "aarch64": "arm64"}


class TargetLike(Protocol):
    runtime: str
    architecture: str


def problems(files: Iterable[tuple[str, bytes]], target: TargetLike) -> list[str]:
    """What is built for another platform, given (path, first bytes or WHEEL text) pairs."""
    found = []
    want = target.runtime.removeprefix("python").replace(".", "")
    for name, head in files:
        if name.endswith(".dist-info/WHEEL"):
            found += _wheel_problems(name, head.decode("utf-8", "replace"), want, target.architecture)
        elif name.endswith(".so") or ".so." in name.rsplit("/", 1)[-1]:
            match = _SO_TAG.search(name)
            if match and (match.group(1) + match.group(2) != want
                          or _ARCH_NAMES.get(match.group(3)) != target.architecture):
                found.append(f"{name} is built for CPython {match.group(1)}.{match.group(2)} on "
                             f"{match.group(3)}, not {target.runtime} on {target.architecture}")
            elif head[:4] == b"\x7fELF":
                machine = _ELF_MACHINE.get(int.from_bytes(head[18:20], "little"), "another CPU")
                if machine != target.architecture:
                    found.append(f"{name} is machine code for {machine}, not {target.architecture}")
    return found


def _wheel_problems(name: str, text: str, want: str, architecture: str) -> list[str]:
    wheel_tags = [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Tag:")]
    package = name.split("/")[-2].removesuffix(".dist-info").rsplit("-", 1)[0]
    arch = {"x86_64": "x86_64", "arm64": "aarch64"}[architecture]
    for tag in wheel_tags:
        python, abi, platform = (tag.split("-") + ["", ""])[:3]
        # Lambda runs glibc Linux: manylinux wheels for its CPU, or pure Python.
        platform_ok = platform == "any" or (platform.startswith("manylinux") and platform.endswith("_" + arch))
        python_ok = (python.startswith("py") or abi == "abi3" or python == f"cp{want}"
                     or abi == "none")
        if platform_ok and python_ok:
            return []
    shown = ", ".join(wheel_tags) or "no tags"
    hint = (" (it was compiled on this machine from a source distribution)"
            if any("linux_" in t and "manylinux" not in t for t in wheel_tags) else "")
    return [f"{package} is tagged {shown}, not manylinux {arch} for Python {want[0]}.{want[1:]}{hint}"]


def scan_directory(root: Path) -> list[tuple[str, bytes]]:
    """(relative path, WHEEL text or the first 20 bytes) of every file the check looks at."""
    out = []
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if name.endswith(".dist-info/WHEEL"):
            out.append((name, path.read_bytes()))
        elif path.is_file() and (name.endswith(".so") or ".so." in path.name):
            with path.open("rb") as handle:
                out.append((name, handle.read(20)))
    return out


def verify_installed(root: Path, target: TargetLike) -> None:
    found = problems(scan_directory(root), target)
    if found:
        packages = sorted({p.split(" ", 1)[0].split("/")[0] for p in found})
        raise BuildError(
            "dependencies are built for the wrong platform for Lambda:\n  " + "\n  ".join(found),
            f"{', '.join(packages)} needs compiling for Lambda: pin a version that publishes manylinux "
            f"wheels for {target.architecture} and Python {target.runtime.removeprefix('python')}, "
            "or build its wheel on Amazon Linux (e.g. in a container) and install it with --find-links",
        )
