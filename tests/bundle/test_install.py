"""Dependencies for Lambda's platform via uv: right wheels per architecture, cached, clear failures."""

from __future__ import annotations

import sys

from pathlib import Path

import pytest

from shoehorn.bundle import install
from shoehorn.bundle.requirements import Requirements
from shoehorn.errors import BuildError

pytestmark = pytest.mark.slow  # network installs from PyPI (cached per session)


def reqs(text: str, directory: Path) -> Requirements:
    return Requirements(text, "requirements.txt", directory)


@pytest.mark.parametrize(("architecture", "machine"), [("x86_64", "x86_64"), ("arm64", "aarch64")])
def test_compiled_wheels_land_with_the_target_platform_tag(tmp_path: Path, architecture: str, machine: str) -> None:
    target = install.Target("python3.11", architecture)
    deps, cached = install.install(reqs("pydantic-core\n", tmp_path), target, uv=install.uv_binary(),
                                   compiler=None)
    assert not cached
    (so,) = [p.name for p in deps.rglob("*.so") if p.name.startswith("_pydantic_core")]
    assert so == f"_pydantic_core.cpython-311-{machine}-linux-gnu.so"
    (wheel,) = deps.glob("pydantic_core-*.dist-info/WHEEL")
    tags = [line for line in wheel.read_text().splitlines() if line.startswith("Tag:")]
    assert tags and all(t.startswith("Tag: cp311-cp311-manylinux") and t.endswith(machine) for t in tags)
    with (deps / "pydantic_core" / so).open("rb") as handle:
        header = handle.read(20)
    assert int.from_bytes(header[18:20], "little") == {"x86_64": 0x3E, "aarch64": 0xB7}[machine]
    assert not (deps / "bin").exists()


def test_a_cache_hit_does_not_run_uv_install(tmp_path: Path) -> None:
    target = install.Target("python3.11", "x86_64")
    requirement = reqs("itsdangerous==2.2.0\n", tmp_path)
    first, _ = install.install(requirement, target, uv=install.uv_binary(), compiler=sys.executable)
    # A uv that answers --version like the real one and fails (and logs) anything else.
    log = tmp_path / "calls.log"
    fake = tmp_path / "uv"
    fake.write_text(f'#!/bin/sh\nif [ "$1" = "--version" ]; then exec {install.uv_binary()} --version; fi\n'
                    f'echo "$@" >> {log}\nexit 1\n')
    fake.chmod(0o755)
    again, cached = install.install(requirement, target, uv=str(fake), compiler=sys.executable)
    assert (again, cached) == (first, True) and not log.exists()
    # Another architecture is another cache entry, so the fake uv is asked (and fails).
    with pytest.raises(BuildError):
        install.install(requirement, install.Target("python3.11", "arm64"), uv=str(fake), compiler=sys.executable)
    assert "install" in log.read_text()


def test_dependency_bytecode_is_precompiled_in_the_cache(tmp_path: Path) -> None:
    deps, _ = install.install(reqs("itsdangerous==2.2.0\n", tmp_path), install.Target("python3.11", "x86_64"),
                              uv=install.uv_binary(), compiler=sys.executable)
    assert list((deps / "itsdangerous" / "__pycache__").glob("*.pyc"))


def test_unknown_package_is_a_build_error_with_uvs_reason(tmp_path: Path) -> None:
    with pytest.raises(BuildError) as caught:
        install.install(reqs("shoehorn-no-such-package-xyz\n", tmp_path), install.Target("python3.11", "x86_64"),
                        uv=install.uv_binary(), compiler=None)
    assert "shoehorn-no-such-package-xyz" in caught.value.message and caught.value.hint


def test_a_package_compiled_here_is_refused_by_name(tmp_path: Path) -> None:
    # A local project whose wheel is platform-specific: built here, it is tagged linux_x86_64,
    # which Lambda's glibc/CPU may not run; the build must say so instead of shipping it.
    project = tmp_path / "fastthing"
    (project / "fastthing").mkdir(parents=True)
    (project / "fastthing" / "__init__.py").write_text("X = 1\n")
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        '[project]\nname = "fastthing"\nversion = "1.0"\n[tool.hatch.build.targets.wheel.hooks.custom]\n')
    (project / "hatch_build.py").write_text(
        "from hatchling.builders.hooks.plugin.interface import BuildHookInterface\n"
        "class CustomHook(BuildHookInterface):\n"
        "    def initialize(self, version, build_data):\n"
        "        build_data['pure_python'] = False\n"
        "        build_data['infer_tag'] = True\n")
    with pytest.raises(BuildError) as caught:
        install.install(reqs("./fastthing\n", tmp_path), install.Target("python3.11", "x86_64"),
                        uv=install.uv_binary(), compiler=None)
    assert "fastthing" in caught.value.message and "compiled on this machine" in caught.value.message
    assert "fastthing needs compiling" in caught.value.hint


def test_cache_root_honours_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SHOEHORN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert install.cache_root() == tmp_path / "shoehorn"
    monkeypatch.setenv("SHOEHORN_CACHE_DIR", str(tmp_path / "x"))
    assert install.cache_root() == tmp_path / "x"


def test_console_scripts_and_a_stray_top_level_tests_package_are_dropped(tmp_path: Path) -> None:
    project = tmp_path / "sloppy"
    for package in ("sloppy", "tests"):
        (project / package).mkdir(parents=True)
        (project / package / "__init__.py").write_text("")
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        '[project]\nname = "sloppy"\nversion = "1.0"\n[project.scripts]\nsloppy = "sloppy:main"\n'
        '[tool.hatch.build.targets.wheel]\npackages = ["sloppy", "tests"]\n')
    deps, _ = install.install(reqs("./sloppy\n", tmp_path), install.Target("python3.11", "x86_64"),
                              uv=install.uv_binary(), compiler=None)
    assert (deps / "sloppy" / "__init__.py").is_file()
    assert not (deps / "tests").exists() and not (deps / "bin").exists()
    # uv's empty .lock, and direct_url.json naming this machine's path to the package, shipped too
    assert not (deps / ".lock").exists() and not list(deps.glob("*.dist-info/direct_url.json"))
    assert list(deps.glob("sloppy-1.0.dist-info/METADATA"))


def test_an_edited_local_path_dependency_is_rebuilt(tmp_path: Path) -> None:
    from shoehorn.bundle.requirements import resolve
    from shoehorn.config import load

    (tmp_path / "app.py").write_text("app = None\n")
    (tmp_path / "requirements.txt").write_text("./helper\n")
    (tmp_path / "helper" / "helper").mkdir(parents=True)
    (tmp_path / "helper" / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        '[project]\nname = "helper"\nversion = "1.0"\n')
    module = tmp_path / "helper" / "helper" / "__init__.py"
    module.write_text("VALUE = 1\n")
    uv, target = install.uv_binary(), install.Target("python3.11", "x86_64")
    first, _ = install.install(resolve(load(tmp_path), uv), target, uv=uv, compiler=None)
    assert (first / "helper" / "__init__.py").read_text() == "VALUE = 1\n"
    module.write_text("VALUE = 2\n")
    second, cached = install.install(resolve(load(tmp_path), uv), target, uv=uv, compiler=None)
    assert not cached and (second / "helper" / "__init__.py").read_text() == "VALUE = 2\n"


@pytest.mark.parametrize(
    ("message", "package"),
    [
        ("Because pyyaml==5.3.1 has no usable wheels and you require pyyaml==5.3.1, we can conclude", "pyyaml"),
        ("error: Building source distributions is disabled, but attempted to build `fastthing`", "fastthing"),
        ("error: Failed to build `psycopg2==2.9.9`\n  Caused by: ...", "psycopg2"),
        ("error: something unrelated", None),
    ],
)
def test_the_package_is_named_from_uvs_message(message: str, package: str | None) -> None:
    assert install._package_in(message) == package  # noqa: SLF001 - the parser of uv's wording


def test_the_content_digest_of_an_older_cache_entry_is_computed_even_on_a_read_only_cache(tmp_path: Path,
                                                                                         monkeypatch) -> None:
    from shoehorn.bundle import zipper

    entries = {"pkg/a.py": zipper.Entry("pkg/a.py", data=b"A = 1\n", mtime=1_600_000_000)}
    zipper.write(entries, tmp_path / install.DEPS_ZIP)  # an entry made before .deps.content existed

    def read_only(self, *args, **kwargs):
        raise OSError(30, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "write_text", read_only)
    assert install.deps_content(tmp_path) == zipper.entries_digest(entries)
    assert not list(tmp_path.glob(install.DEPS_CONTENT + "*"))
    monkeypatch.undo()
    assert install.deps_content(tmp_path) == zipper.entries_digest(entries)  # and saved once it can be
    assert (tmp_path / install.DEPS_CONTENT).read_text().strip() == zipper.entries_digest(entries)


def test_a_dependency_needing_a_newer_python_names_the_runtime_setting(tmp_path: Path) -> None:
    # Wagtail's template asks for Django>=6.1, which needs Python 3.12: uv's hint names its own flag
    with pytest.raises(BuildError) as caught:
        install.install(reqs("django>=6.0\n", tmp_path), install.Target("python3.11", "x86_64"),
                        uv=install.uv_binary(), compiler=None)
    assert 'runtime = "python3.12"' in caught.value.hint and "python3.11" in caught.value.hint


@pytest.mark.parametrize(("message", "needs_source"), [
    ("Because pyyaml==5.3.1 has no usable wheels and you require pyyaml==5.3.1, we can conclude", True),
    ("error: Building source distributions is disabled, but attempted to build `fastthing`", True),
    # a path or URL holding "wheel" is not uv asking for a wheel (QA: `--find-links ./wheels`)
    ("error: Invalid URL in `/app/wheels/reqs.txt` at position 13: ./wheels\n  cause: relative URL without a base",
     False),
    ("error: Failed to fetch: `https://pypi.internal/binary-wheels/six/`", False),
])
def test_only_uvs_own_words_ask_for_a_wheel(message: str, needs_source: bool) -> None:
    assert install._needs_source(message) is needs_source  # noqa: SLF001 - the reader of uv's wording


# --- requirement sources installed for real: editables, workspaces, find-links, private indexes ---

SIX = "six-1.17.0-py2.py3-none-any.whl"
MYLIB = {"libs/mylib/pyproject.toml": '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
                                      '[project]\nname = "mylib"\nversion = "0.1"\n',
         "libs/mylib/mylib/__init__.py": "VALUE = 1\n"}


@pytest.fixture(scope="session")
def six_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """six's real wheel from PyPI, checked against PyPI's digest; downloaded once per session."""
    import hashlib

    import httpx

    # PyPI's simple index as JSON (PEP 691): the API every index mirror serves too
    page = httpx.get("https://pypi.org/simple/six/", headers={"Accept": "application/vnd.pypi.simple.v1+json"},
                     timeout=30, follow_redirects=True).raise_for_status().json()
    (meta,) = [f for f in page["files"] if f["filename"] == SIX]
    data = httpx.get(meta["url"], timeout=60, follow_redirects=True).raise_for_status().content
    assert hashlib.sha256(data).hexdigest() == meta["hashes"]["sha256"]
    path = tmp_path_factory.mktemp("wheels") / SIX
    path.write_bytes(data)
    return path


class Index:
    """A PEP 503 simple index on 127.0.0.1, serving a folder and remembering what was asked of it."""

    def __init__(self, root: Path) -> None:
        import functools
        import threading
        from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

        self.root, self.requests = root, []
        index = self

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, *args) -> None:
                index.requests.append(self.path)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def publish(self, wheel: Path, name: str, *, with_hash: bool) -> None:
        publish(self.root, wheel, name, with_hash=with_hash)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def publish(root: Path, wheel: Path, name: str, *, with_hash: bool) -> None:
    """``wheel`` added to the simple index in the folder ``root``, under ``name``."""
    import hashlib
    import shutil

    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(wheel, folder / wheel.name)
    links = []  # every file published under the name
    for file in sorted(f for f in folder.iterdir() if f.name != "index.html"):
        fragment = f"#sha256={hashlib.sha256(file.read_bytes()).hexdigest()}" if with_hash else ""
        links.append(f'<a href="{file.name}{fragment}">{file.name}</a>')
    (folder / "index.html").write_text(f"<html><body>{''.join(links)}</body></html>")


def _private_six(six_wheel: Path, into: Path) -> Path:
    """six's wheel with one line added: the same name and version as PyPI's, other bytes (dependency confusion)."""
    import zipfile

    into.mkdir(parents=True, exist_ok=True)
    private = into / SIX
    with zipfile.ZipFile(six_wheel) as source, zipfile.ZipFile(private, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            out.writestr(item, data + b"\nPRIVATE_BUILD = True\n" if item.filename == "six.py" else data)
    return private


def _load_and_install(project: Path) -> Path:
    from shoehorn.bundle.requirements import resolve
    from shoehorn.config import load

    uv = install.uv_binary()
    deps, _ = install.install(resolve(load(project), uv), install.Target("python3.11", "x86_64"), uv=uv,
                              compiler=None)
    return deps


def test_a_lock_is_installed_as_it_is_without_what_its_overrides_leave_out(tmp_path: Path) -> None:
    # MLflow's tracking server needs none of the ML libraries mlflow requires (750 MB of pyarrow, scipy...):
    # [tool.uv] override-dependencies leaves them out of the lock, and installing the lock's export resolved
    # mlflow's requirements again and brought them back. flask's blinker stands in.
    import subprocess

    project = tmp_path / "app"
    project.mkdir()
    (project / "app.py").write_text("app = None\n")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "tracker"\nversion = "0.1"\nrequires-python = ">=3.11"\ndependencies = ["flask==3.1.0"]\n'
        "[tool.uv]\noverride-dependencies = [\"blinker; sys_platform == 'never'\"]\n")
    subprocess.run([install.uv_binary(), "lock", "--quiet"], cwd=project, check=True)
    deps = _load_and_install(project)
    assert (deps / "flask" / "__init__.py").is_file() and (deps / "werkzeug").is_dir()
    assert not (deps / "blinker").exists()


def _locked_with_private_six(project: Path, index, dependencies: str) -> Path:
    """A uv project taking six from ``index`` (explicit, as QA's p17), locked."""
    import subprocess

    project.mkdir()
    (project / "app.py").write_text("app = None\n")
    (project / "pyproject.toml").write_text(
        f'[project]\nname = "p17"\nversion = "0.1"\nrequires-python = ">=3.11"\ndependencies = [{dependencies}]\n'
        f'[[tool.uv.index]]\nname = "private"\nurl = "{index.url}"\nexplicit = true\n'
        '[tool.uv.sources]\nsix = { index = "private" }\n')
    subprocess.run([install.uv_binary(), "lock", "--quiet"], cwd=project, check=True)
    return project


@pytest.mark.parametrize("with_hash", [True, False])
def test_a_package_locked_from_a_private_index_is_installed_from_it(tmp_path: Path, six_wheel: Path,
                                                                    with_hash: bool) -> None:
    index = Index(tmp_path / "index")
    try:
        index.publish(_private_six(six_wheel, tmp_path / "built"), "six", with_hash=with_hash)
        project = _locked_with_private_six(tmp_path / "app", index, '"six", "itsdangerous==2.2.0"')
        index.requests.clear()
        deps = _load_and_install(project)
        assert "PRIVATE_BUILD = True" in (deps / "six.py").read_text()  # not PyPI's six
        assert f"/six/{SIX}" in index.requests
        assert (deps / "itsdangerous" / "__init__.py").is_file()  # the rest still comes from PyPI
    finally:
        index.close()


def test_a_private_package_missing_from_its_index_fails_instead_of_coming_from_pypi(tmp_path: Path,
                                                                                   six_wheel: Path) -> None:
    import shutil

    index = Index(tmp_path / "index")
    try:
        index.publish(_private_six(six_wheel, tmp_path / "built"), "six", with_hash=True)
        project = _locked_with_private_six(tmp_path / "app", index, '"six"')
        shutil.rmtree(index.root / "six")  # the index answers 404 for six: uv then asks PyPI, whose six differs
        with pytest.raises(BuildError, match="six"):
            _load_and_install(project)
    finally:
        index.close()


# A package locked from a private index that publishes no hashes: uv.lock has only its files' URLs.

def _wheel(into: Path, name: str, module: str, tag: str = "py3-none-any", version: str = "1.0") -> Path:
    """A minimal wheel of ``name`` whose one module ``name.py`` holds ``module``."""
    import base64
    import hashlib
    import zipfile

    dist = f"{name.replace('-', '_')}-{version}"
    files = {f"{name.replace('-', '_')}.py": module,
             f"{dist}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
             f"{dist}.dist-info/WHEEL": f"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: {tag}\n"}
    def digest(text: str) -> str:
        return base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()

    record = "".join(f"{path},sha256={digest(text)},{len(text.encode())}\n" for path, text in files.items())
    record += f"{dist}.dist-info/RECORD,,\n"
    into.mkdir(parents=True, exist_ok=True)
    wheel = into / f"{dist}-{tag}.whl"
    with zipfile.ZipFile(wheel, "w") as out:
        for path, text in {**files, f"{dist}.dist-info/RECORD": record}.items():
            out.writestr(path, text)
    return wheel


def _locked_from(project: Path, index: str, package: str, requires_python: str = ">=3.11") -> Path:
    """A uv project taking ``package`` from ``index`` (a URL or a folder), locked (on another machine:
    with a uv cache of its own, so the install does not reuse the index pages uv saw here)."""
    import os
    import subprocess

    project.mkdir(exist_ok=True)
    (project / "app.py").write_text("app = None\n")
    (project / "pyproject.toml").write_text(
        f'[project]\nname = "webapp"\nversion = "0.1"\nrequires-python = "{requires_python}"\n'
        f'dependencies = ["{package}"]\n[[tool.uv.index]]\nname = "private"\nurl = "{index}"\nexplicit = true\n'
        f'[tool.uv.sources]\n{package} = {{ index = "private" }}\n')
    subprocess.run([install.uv_binary(), "lock", "--quiet"], cwd=project, check=True,
                   env={**os.environ, "UV_CACHE_DIR": str(project.parent / "uv-cache-of-lock")})
    return project


@pytest.fixture
def public_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A local index standing in for PyPI (uv's default index), where an attacker published the private
    package's name and version; and a fresh uv cache, so uv asks the indexes as a CI machine would."""
    public = Index(tmp_path / "public")
    public.publish(_wheel(tmp_path / "attacker", "acme-internal", "WHO = 'attacker'\n"), "acme-internal",
                   with_hash=True)
    monkeypatch.setenv("UV_DEFAULT_INDEX", public.url)
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    yield public
    public.close()


@pytest.mark.parametrize("missing", [False, True])
def test_a_private_package_locked_without_a_hash_never_comes_from_another_index(tmp_path: Path, public_index,
                                                                               missing: bool) -> None:
    private = Index(tmp_path / "private")
    try:
        private.publish(_wheel(tmp_path / "built", "acme-internal", "WHO = 'private'\n"), "acme-internal",
                        with_hash=False)
        project = _locked_from(tmp_path / "app", private.url, "acme-internal")
        assert "hash" not in (project / "uv.lock").read_text()
        if missing:  # the private index answers 404 for it: uv would ask the next index, PyPI, for the name
            import shutil

            shutil.rmtree(private.root / "acme-internal")
            with pytest.raises(BuildError, match="acme-internal"):
                deps = _load_and_install(project)
                pytest.fail(f"installed {(deps / 'acme_internal.py').read_text()!r} from another index")
        else:
            deps = _load_and_install(project)
            assert (deps / "acme_internal.py").read_text() == "WHO = 'private'\n"
            assert "/acme-internal/acme_internal-1.0-py3-none-any.whl" in private.requests
        assert not [path for path in public_index.requests if "acme" in path]  # PyPI is never asked for it
    finally:
        private.close()


def test_a_private_package_with_hashes_is_still_installed_by_name_and_hash(tmp_path: Path, public_index) -> None:
    private = Index(tmp_path / "private")
    try:
        private.publish(_wheel(tmp_path / "built", "acme-internal", "WHO = 'private'\n"), "acme-internal",
                        with_hash=True)
        project = _locked_from(tmp_path / "app", private.url, "acme-internal")
        from shoehorn.bundle.requirements import resolve
        from shoehorn.config import load

        text = resolve(load(project), install.uv_binary()).text
        assert text.splitlines()[0] == f"--extra-index-url {private.url}"
        assert text.splitlines()[1].startswith("acme-internal==1.0 --hash=sha256:") and " @ " not in text
    finally:
        private.close()


NATIVE_WHEELS = ("cp311-cp311-manylinux_2_17_x86_64", "cp311-cp311-manylinux_2_17_aarch64",
                 "cp312-cp312-manylinux_2_34_x86_64", "cp38-abi3-manylinux_2_28_x86_64", "py3-none-any")


@pytest.mark.parametrize(("runtime", "architecture", "chosen"), [
    ("python3.11", "x86_64", "cp311-cp311-manylinux_2_17_x86_64"),
    ("python3.11", "arm64", "cp311-cp311-manylinux_2_17_aarch64"),
    ("python3.12", "x86_64", "cp312-cp312-manylinux_2_34_x86_64"),
    ("python3.13", "x86_64", "cp38-abi3-manylinux_2_28_x86_64"),  # abi3 before a pure wheel
    ("python3.12", "arm64", "py3-none-any"),
])
def test_an_unhashed_private_package_is_named_by_the_url_of_its_wheel_for_the_target(
        tmp_path: Path, public_index, runtime: str, architecture: str, chosen: str) -> None:
    from shoehorn.bundle.requirements import resolve
    from shoehorn.config import load

    private = Index(tmp_path / "private")
    try:
        for tag in NATIVE_WHEELS:
            private.publish(_wheel(tmp_path / "built", "acme-internal", "WHO = 'private'\n", tag), "acme-internal",
                            with_hash=False)
        project = _locked_from(tmp_path / "app", private.url, "acme-internal", requires_python=">=3.10")
        text = resolve(load(project), install.uv_binary(), install.Target(runtime, architecture)).text
        assert f"acme-internal @ {private.url}acme-internal/acme_internal-1.0-{chosen}.whl\n" in text
        if (runtime, architecture) == ("python3.11", "x86_64"):  # the config's target is the default
            assert resolve(load(project), install.uv_binary()).text == text
    finally:
        private.close()


def test_an_unhashed_package_from_a_folder_index_is_named_by_its_file(tmp_path: Path, public_index) -> None:
    import shutil

    from shoehorn.bundle.requirements import resolve
    from shoehorn.config import load

    publish(tmp_path / "app" / "simple", _wheel(tmp_path / "built", "acme-internal", "WHO = 'vendored'\n"),
            "acme-internal", with_hash=False)
    project = _locked_from(tmp_path / "app", "./simple", "acme-internal")
    wheel = project / "simple" / "acme-internal" / "acme_internal-1.0-py3-none-any.whl"
    text = resolve(load(project), install.uv_binary()).text
    assert f"acme-internal @ {wheel.as_uri()}  # tree-sha256=" in text
    assert (_load_and_install(project) / "acme_internal.py").read_text() == "WHO = 'vendored'\n"
    shutil.rmtree(project / "simple" / "acme-internal")  # gone from the folder: not looked up on PyPI either
    with pytest.raises(BuildError, match="acme"):
        _load_and_install(project)
    assert not [path for path in public_index.requests if "acme" in path]


def test_an_unhashed_private_package_with_no_file_for_lambda_is_refused_naming_it(tmp_path: Path,
                                                                                  public_index) -> None:
    from shoehorn.bundle.requirements import resolve
    from shoehorn.config import load

    private = Index(tmp_path / "private")
    try:
        private.publish(_wheel(tmp_path / "built", "acme-internal", "X = 1\n", "cp311-cp311-win_amd64"),
                        "acme-internal", with_hash=False)
        project = _locked_from(tmp_path / "app", private.url, "acme-internal")
        with pytest.raises(BuildError, match=r"acme-internal 1\.0 from http://127\.0\.0\.1") as caught:
            resolve(load(project), install.uv_binary())
        assert "win_amd64" in caught.value.message and "uv lock --refresh-package acme-internal" in caught.value.hint
    finally:
        private.close()


@pytest.mark.parametrize(("filename", "runtime", "architecture", "fits"), [
    ("a-1-py2.py3-none-any.whl", "python3.11", "x86_64", True),
    ("a-1-cp311-cp311-manylinux2014_x86_64.whl", "python3.11", "x86_64", True),
    ("a-1-cp311-cp311-manylinux1_x86_64.manylinux_2_5_x86_64.whl", "python3.11", "x86_64", True),
    ("a-1-cp311-cp311-manylinux_2_28_x86_64.whl", "python3.11", "x86_64", False),  # AL2: uv targets glibc 2.17
    ("a-1-cp311-cp311-manylinux_2_28_x86_64.whl", "python3.12", "x86_64", False),  # another CPython
    ("a-1-cp39-abi3-manylinux_2_28_aarch64.whl", "python3.12", "arm64", True),
    ("a-1-cp313-abi3-manylinux_2_28_aarch64.whl", "python3.12", "arm64", False),  # abi3 from a newer CPython
    ("a-1-cp311-cp311-manylinux2014_aarch64.whl", "python3.11", "x86_64", False),
    ("a-1-cp311-cp311-musllinux_1_2_x86_64.whl", "python3.11", "x86_64", False),
    ("a-1-cp311-cp311-linux_x86_64.whl", "python3.11", "x86_64", False),
    ("a-1-py2-none-any.whl", "python3.11", "x86_64", False),
    ("a-1-py312-none-any.whl", "python3.11", "x86_64", False),
])
def test_which_wheels_fit_a_lambda_target(filename: str, runtime: str, architecture: str, fits: bool) -> None:
    assert (install.Target(runtime, architecture).wheel_rank(filename) is not None) is fits


def test_find_links_relative_to_the_requirements_file_install(tmp_path: Path, six_wheel: Path) -> None:
    import shutil

    (tmp_path / "wheels").mkdir()
    shutil.copy(six_wheel, tmp_path / "wheels" / SIX)
    (tmp_path / "app.py").write_text("app = None\n")
    (tmp_path / "requirements.txt").write_text("--no-index\n--find-links ./wheels\nsix==1.17.0\n")
    assert (_load_and_install(tmp_path) / "six.py").is_file()
    # the wheels are installed, not app files: the folder does not ship a second time
    from shoehorn.bundle import ignore
    from shoehorn.bundle.requirements import resolve
    from shoehorn.config import load

    config = load(tmp_path)
    inputs = resolve(config, install.uv_binary()).folders_in(config.directory)
    assert inputs == ("wheels/",)
    assert ignore.select(config, inputs).files == ("app.py", "requirements.txt")


@pytest.mark.parametrize("line", ["-e ./libs/mylib", "--editable=./libs/mylib"])
def test_an_editable_requirement_ships_the_package_not_a_link_to_this_disk(tmp_path: Path, line: str) -> None:
    write = {"app.py": "app = None\n", "requirements.txt": line + "\n", **MYLIB}
    for name, text in write.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    deps = _load_and_install(tmp_path)
    assert (deps / "mylib" / "__init__.py").read_text() == "VALUE = 1\n"
    assert not list(deps.glob("*.pth")) and not list(deps.glob("_editable_impl*"))


def test_a_uv_workspace_member_is_installed_as_a_package(tmp_path: Path) -> None:
    import subprocess

    files = {"app.py": "import core\napp = None\n",
             "pyproject.toml": '[project]\nname = "webapp"\nversion = "0.1"\nrequires-python = ">=3.11"\n'
                               'dependencies = ["core"]\n[tool.uv.sources]\ncore = { workspace = true }\n'
                               '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
             "packages/core/pyproject.toml": '[project]\nname = "core"\nversion = "0.1"\nrequires-python = ">=3.11"\n'
                                             '[build-system]\nrequires = ["hatchling"]\n'
                                             'build-backend = "hatchling.build"\n',
             "packages/core/src/core/__init__.py": "NAME = 'core'\n"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    subprocess.run([install.uv_binary(), "lock", "--quiet"], cwd=tmp_path, check=True)
    deps = _load_and_install(tmp_path)
    assert (deps / "core" / "__init__.py").read_text() == "NAME = 'core'\n" and not list(deps.glob("*.pth"))
