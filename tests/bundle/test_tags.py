"""Compiled files must be built for the target: wheel tags, .so names and ELF machine codes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from shoehorn.bundle import tags
from shoehorn.errors import BuildError


@dataclass
class Target:
    runtime: str = "python3.11"
    architecture: str = "x86_64"


def elf(machine: int) -> bytes:
    return b"\x7fELF" + bytes(14) + machine.to_bytes(2, "little")


def wheel(*lines: str) -> bytes:
    return ("Wheel-Version: 1.0\n" + "".join(f"Tag: {t}\n" for t in lines)).encode()


def test_matching_files_pass() -> None:
    files = [
        ("pydantic_core-2.0.dist-info/WHEEL", wheel("cp311-cp311-manylinux_2_17_x86_64",
                                                    "cp311-cp311-manylinux2014_x86_64")),
        ("flask-3.0.dist-info/WHEEL", wheel("py3-none-any")),
        ("cryptography-42.dist-info/WHEEL", wheel("cp39-abi3-manylinux_2_28_x86_64")),
        ("pydantic_core/_core.cpython-311-x86_64-linux-gnu.so", elf(0x3E)),
        ("x.libs/libffi-1a2b.so.8.1.0", elf(0x3E)),
    ]
    assert tags.problems(files, Target()) == []


@pytest.mark.parametrize(
    ("name", "head", "says"),
    [
        ("m/_c.cpython-311-aarch64-linux-gnu.so", elf(0xB7), "aarch64"),
        ("m/_c.cpython-312-x86_64-linux-gnu.so", elf(0x3E), "CPython 3.12"),
        ("m.libs/libz.so.1", elf(0xB7), "machine code for arm64"),
        ("m-1.dist-info/WHEEL", wheel("cp311-cp311-manylinux_2_17_aarch64"), "not manylinux x86_64"),
        ("m-1.dist-info/WHEEL", wheel("cp311-cp311-macosx_11_0_x86_64"), "macosx"),
        ("m-1.dist-info/WHEEL", wheel("cp311-cp311-linux_x86_64"), "compiled on this machine"),
        ("m-1.dist-info/WHEEL", wheel("cp312-cp312-manylinux_2_17_x86_64"), "Python 3.11"),
    ],
)
def test_mismatches_are_named(name: str, head: bytes, says: str) -> None:
    (problem,) = tags.problems([(name, head)], Target())
    assert says in problem


def test_arm64_target() -> None:
    ok = [("m/_c.cpython-311-aarch64-linux-gnu.so", elf(0xB7)),
          ("m-1.dist-info/WHEEL", wheel("cp311-cp311-manylinux_2_17_aarch64"))]
    assert tags.problems(ok, Target(architecture="arm64")) == []


def test_verify_installed_names_the_package_and_the_way_out(tmp_path: Path) -> None:
    info = tmp_path / "fastthing-1.0.dist-info"
    info.mkdir()
    (info / "WHEEL").write_bytes(wheel("cp311-cp311-linux_x86_64"))
    with pytest.raises(BuildError) as caught:
        tags.verify_installed(tmp_path, Target())
    assert "fastthing" in caught.value.message
    assert "fastthing needs compiling" in caught.value.hint and "manylinux" in caught.value.hint
