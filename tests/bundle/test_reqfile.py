"""Requirements files made self-contained: nested files inlined, every local path absolute with a digest."""

from __future__ import annotations

from pathlib import Path

import pytest

from shoehorn.bundle import reqfile
from shoehorn.errors import BuildError
from tests.bundle.conftest import write_app

MYLIB = {"libs/mylib/pyproject.toml": "[project]\nname = 'mylib'\nversion = '0.1'\n",
         "libs/mylib/mylib/__init__.py": "VALUE = 1\n"}


def lines_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if line]


@pytest.mark.parametrize("line", [
    "./libs/mylib", "libs/mylib", "file:libs/mylib", "file:./libs/mylib", "{root}/libs/mylib", "file://{root}/libs/mylib",
    "file://localhost{root}/libs/mylib", "mylib @ file://{root}/libs/mylib", "mylib @ ./libs/mylib",
    "mylib[extra] @ file://{root}/libs/mylib", "./libs/mylib[extra]", './libs/mylib ; python_version > "3"',
    "./libs/mylib#egg=mylib", "-e ./libs/mylib", "--editable ./libs/mylib", "--editable=./libs/mylib",
    "-e./libs/mylib", "./libs/mylib  # a comment",
])
def test_every_spelling_of_a_local_path_becomes_absolute_with_a_digest(tmp_path: Path, line: str) -> None:
    root = write_app(tmp_path / "proj", {"requirements.txt": line.format(root=tmp_path / "proj") + "\n", **MYLIB})
    (out,) = lines_of(reqfile.expand(root / "requirements.txt"))
    location, digest = out.split("  # tree-sha256=")
    assert str(root / "libs" / "mylib") in location and "./" not in location and "file:libs" not in location
    assert not location.startswith("-e") and "editable" not in location and "comment" not in out
    assert digest == reqfile.tree_digest(root / "libs" / "mylib")
    for kept in ("[extra]", 'python_version > "3"', "#egg=mylib", "mylib @ "):
        assert (kept in out) == (kept in line)


def test_package_paths_in_a_nested_file_are_read_from_the_top_files_folder(tmp_path: Path) -> None:
    # uv (and pip) resolve them from the working directory, which is the top file's folder.
    root = write_app(tmp_path, {"requirements.txt": "-r reqs/prod.txt\n", "reqs/prod.txt": "./libs/mylib\n", **MYLIB})
    (out,) = lines_of(reqfile.expand(root / "requirements.txt"))
    assert out.startswith(f"{root / 'libs' / 'mylib'}  # tree-sha256=")


def test_the_same_relative_line_in_two_projects_is_two_texts(tmp_path: Path) -> None:
    one = write_app(tmp_path / "one", {"requirements.txt": "./libs/mylib\n", **MYLIB})
    two = write_app(tmp_path / "two", {"requirements.txt": "./libs/mylib\n", **MYLIB})
    assert reqfile.expand(one / "requirements.txt") != reqfile.expand(two / "requirements.txt")


@pytest.mark.parametrize("include", ["-r reqs/base.txt", "-rreqs/base.txt", "--requirement reqs/base.txt",
                                     "--requirement=reqs/base.txt", "--requirement = reqs/base.txt"])
def test_every_spelling_of_a_nested_file_is_inlined(tmp_path: Path, include: str) -> None:
    root = write_app(tmp_path, {"requirements.txt": f"{include}\nflask\n", "reqs/base.txt": "-r common.txt\n",
                                "reqs/common.txt": "PyYAML\n"})
    assert lines_of(reqfile.expand(root / "requirements.txt")) == ["PyYAML", "flask"]


@pytest.mark.parametrize("include", ["-c reqs/pins.txt", "-creqs/pins.txt", "--constraint reqs/pins.txt",
                                     "--constraint=reqs/pins.txt"])
def test_every_spelling_of_a_constraints_file_is_absolute_with_its_digest(tmp_path: Path, include: str) -> None:
    root = write_app(tmp_path, {"requirements.txt": f"{include}\nflask\n", "reqs/pins.txt": "flask==3.0.0\n"})
    first = lines_of(reqfile.expand(root / "requirements.txt"))[0]
    assert first.startswith(f"-c {root / 'reqs' / 'pins.txt'}  # sha256=")


@pytest.mark.parametrize("option", ["--find-links ./wheels", "--find-links=./wheels", "-f ./wheels", "-f./wheels"])
def test_find_links_become_absolute_and_change_when_a_wheel_is_added(tmp_path: Path, option: str) -> None:
    root = write_app(tmp_path, {"requirements.txt": f"--no-index\n{option}\nsix\n", "wheels/a-1-py3-none-any.whl": "x"})
    before = reqfile.expand(root / "requirements.txt")
    assert lines_of(before)[1].startswith(f"--find-links {root / 'wheels'}  # files-sha256=")
    (root / "wheels" / "b-1-py3-none-any.whl").write_text("y")
    assert reqfile.expand(root / "requirements.txt") != before


def test_find_links_in_a_nested_file_are_read_from_that_files_folder(tmp_path: Path) -> None:
    root = write_app(tmp_path, {"requirements.txt": "-r reqs/base.txt\n", "reqs/base.txt": "-f ./wheels\nsix\n",
                                "reqs/wheels/six-1-py3-none-any.whl": "x"})
    assert lines_of(reqfile.expand(root / "requirements.txt"))[0].startswith(f"--find-links {root / 'reqs' / 'wheels'}")


def test_a_local_index_becomes_a_file_url(tmp_path: Path) -> None:
    root = write_app(tmp_path, {"requirements.txt": "--index-url ./simple\nsix\n", "simple/six/index.html": ""})
    assert lines_of(reqfile.expand(root / "requirements.txt"))[0] == f"--index-url {(root / 'simple').as_uri()}"


def test_remote_requirements_and_hashes_are_kept(tmp_path: Path) -> None:
    text = ("six==1.17.0 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n    # via x\n"
            "flask @ https://example.com/flask-3.0.0-py3-none-any.whl\n--extra-index-url https://example.com/simple\n")
    assert lines_of(reqfile.normalise(text, tmp_path)) == [
        "six==1.17.0 --hash=sha256:aa --hash=sha256:bb", "flask @ https://example.com/flask-3.0.0-py3-none-any.whl",
        "--extra-index-url https://example.com/simple"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig", "utf-32"])
def test_a_file_with_a_byte_order_mark_is_read_as_pip_reads_it(tmp_path: Path, encoding: str) -> None:
    data = "six==1.17.0\r\nflask\r\n".encode(encoding)
    if encoding == "utf-16-be":  # Python writes no mark for an explicit byte order
        data = b"\xfe\xff" + data
    (tmp_path / "requirements.txt").write_bytes(data)
    assert lines_of(reqfile.expand(tmp_path / "requirements.txt")) == ["six==1.17.0", "flask"]


def test_a_file_in_another_encoding_is_a_build_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_bytes("café\n".encode("latin-1"))
    with pytest.raises(BuildError) as caught:
        reqfile.expand(tmp_path / "requirements.txt")
    assert "requirements.txt" in caught.value.message and "UTF-8" in caught.value.hint
