"""build(config) end to end: real uv installs (cached per session), real zips, real checks."""

from __future__ import annotations

import os
import time
import shutil
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from shoehorn.bundle import build, extract, limits
from shoehorn.bundle.bytecode import pyc_name
from shoehorn.config import load
from shoehorn.errors import AppCodeError, BuildError
from shoehorn.progress import Info, Recorder, Warn
from tests.bundle.conftest import FLASK_APP, WSGI_APP, write_app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def names(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as archive:
        return set(archive.namelist())


def test_a_plain_app_builds_with_shim_runtime_and_bytecode(tmp_path: Path) -> None:
    write_app(tmp_path / "hello", {"app.py": WSGI_APP, "static/site.css": "body {}"})
    config = load(tmp_path / "hello")
    bundle = build(config)
    assert bundle.path == config.directory / ".shoehorn" / "build" / f"hello-{bundle.sha256[:12]}.zip"
    assert bundle.checked and bundle.handler == "shoehorn_handler.handler"
    inside = names(bundle.path)
    assert {"app.py", "static/site.css", "shoehorn_handler.py", "shoehorn/__init__.py",
            "shoehorn/runtime/handler.py", pyc_name("app.py"), pyc_name("shoehorn_handler.py")} <= inside
    assert not any(n.startswith(("shoehorn/cli", "shoehorn/bundle", "shoehorn/deploy")) for n in inside)
    assert (config.directory / "app.py").read_text() == WSGI_APP  # the app is never modified
    assert bundle.code_sha256  # base64 of the same digest, as Lambda's CodeSha256


def test_the_same_files_and_dates_give_the_same_sha256_anywhere(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    write_app(tmp_path / "one" / "site", {"app.py": WSGI_APP, "lib/x.py": "X = 1\n"})
    os.utime(tmp_path / "one" / "site" / "lib" / "x.py", (1_600_000_000, 1_600_000_000))
    first = build(load(tmp_path / "one" / "site"), check=False)
    # copytree keeps the dates
    shutil.copytree(tmp_path / "one", tmp_path / "two", ignore=shutil.ignore_patterns(".shoehorn"))
    second = build(load(tmp_path / "two" / "site"), check=False)
    assert first.sha256 == second.sha256 and first.content == second.content
    assert first.path.read_bytes() == second.path.read_bytes()

    # a fresh checkout dates its files anew: another zip, the same code
    os.utime(tmp_path / "two" / "site" / "lib" / "x.py", (1_700_000_000, 1_700_000_000))
    redated = build(load(tmp_path / "two" / "site"), check=False)
    assert redated.sha256 != first.sha256 and redated.content == first.content
    with zipfile.ZipFile(redated.path) as archive:
        assert archive.getinfo("lib/x.py").date_time == (2023, 11, 14, 22, 13, 20)
        assert archive.getinfo("shoehorn_handler.py").date_time == (1980, 1, 1, 0, 0, 0)

    # SOURCE_DATE_EPOCH (reproducible-builds.org): one zip from every checkout dated after it
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1500000000")
    clamped = [build(load(tmp_path / name / "site"), check=False) for name in ("one", "two")]
    assert clamped[0].sha256 == clamped[1].sha256 and clamped[0].content == first.content


def test_a_same_size_edit_gives_other_content_and_a_new_date(tmp_path: Path) -> None:
    write_app(tmp_path / "site", {"app.py": WSGI_APP, "static/site.css": "body { color: #fff }"})
    css = tmp_path / "site" / "static" / "site.css"
    os.utime(css, (1_600_000_000, 1_600_000_000))
    first = build(load(tmp_path / "site"), check=False)
    css.write_text("body { color: #000 }")  # what an ETag of mtime and size cannot see without the date
    edited = build(load(tmp_path / "site"), check=False)
    assert edited.content != first.content
    with zipfile.ZipFile(first.path) as one, zipfile.ZipFile(edited.path) as two:
        assert one.getinfo("static/site.css").date_time < two.getinfo("static/site.css").date_time


def test_an_unchanged_app_reuses_the_last_build_and_a_change_rebuilds(tmp_path: Path) -> None:
    write_app(tmp_path / "app", {"app.py": WSGI_APP})
    config = load(tmp_path / "app")
    first = build(config)
    recorder = Recorder()
    assert build(config, progress=recorder) == first
    assert any("unchanged" in e.message for e in recorder.of(Info))
    (tmp_path / "app" / "app.py").write_text(WSGI_APP + "\n# changed\n")
    changed = build(config)
    assert changed.sha256 != first.sha256 and changed.checked


def test_a_dynamic_version_with_no_install_to_read_it_from_is_said_once(tmp_path: Path) -> None:
    # setuptools-scm: the version is the build backend's, and no install of the project holds it
    write_app(tmp_path / "app", {"app.py": WSGI_APP, "pyproject.toml": '[project]\nname = "scm-app"\n'
                                 'dynamic = ["version"]\ndependencies = []\n'})
    recorder = Recorder()
    bundle = build(load(tmp_path / "app"), progress=recorder)
    said = [e.message for e in recorder.of(Info) if "version is dynamic" in e.message]
    assert len(said) == 1 and not any(n.endswith(".dist-info/METADATA") and n.startswith("scm_app")
                                      for n in names(bundle.path))
    assert not recorder.of(Warn)


def test_a_rebuild_checks_the_edited_bundle_as_strictly_as_a_fresh_one(tmp_path: Path) -> None:
    app = "from helper import greeting\n" + WSGI_APP
    write_app(tmp_path / "app", {"app.py": app, "helper.py": "greeting = 'hi'\n"})
    config = load(tmp_path / "app")
    assert build(config).checked
    (tmp_path / "app" / "app.py").write_text(app.replace("greeting", "farewell", 1))  # breaks the import
    with pytest.raises(AppCodeError, match="app.py:1: ImportError: cannot import name 'farewell'"):
        build(config)
    (tmp_path / "app" / "app.py").write_text(app)
    (tmp_path / "app" / "helper.py").unlink()  # the staged tree from the last check still holds it
    with pytest.raises(AppCodeError, match="'helper'"):
        build(config)


def test_the_check_measures_the_cold_start_and_the_heaviest_imports(tmp_path: Path) -> None:
    slow = "import time\ntime.sleep(0.05)\n"  # 50 ms of import time, all in the slowpkg package
    write_app(tmp_path / "app", {"app.py": "import slowpkg.inner\n" + WSGI_APP, "slowpkg/__init__.py": "",
                                 "slowpkg/inner.py": slow})
    bundle = build(load(tmp_path / "app"))
    assert bundle.import_ms >= 50 and bundle.first_request_ms > 0
    assert bundle.heaviest_imports[0].package == "slowpkg" and bundle.heaviest_imports[0].ms >= 50
    assert build(load(tmp_path / "app")).heaviest_imports == bundle.heaviest_imports  # remembered when reused


def test_no_check_then_check_runs_the_check(tmp_path: Path) -> None:
    write_app(tmp_path / "app", {"app.py": WSGI_APP})
    config = load(tmp_path / "app")
    assert not build(config, check=False).checked
    assert build(config).checked


def test_secrets_and_excluded_files_are_absent_unless_included(tmp_path: Path) -> None:
    write_app(tmp_path / "app", {"app.py": WSGI_APP, ".env": "SECRET=1", "server.pem": "", "tests/t.py": "",
                                 "ca.pem": "", "shoehorn.toml": 'exclude = ["tests/"]\ninclude = ["ca.pem"]\n'})
    recorder = Recorder()
    inside = names(build(load(tmp_path / "app"), progress=recorder).path)
    assert "app.py" in inside and "ca.pem" in inside
    assert not {".env", "server.pem", "tests/t.py", "shoehorn.toml"} & inside
    assert any("ca.pem" in w.message and "include" in w.message for w in recorder.of(Warn))
    assert any(".env" in i.message for i in recorder.of(Info))


def test_a_module_the_build_left_out_is_named_with_the_include_that_ships_it(tmp_path: Path) -> None:
    # ab_test.py matches the default *_test.py; the hint said to add 'ab_test' to the requirements
    write_app(tmp_path / "app", {"app.py": "import ab_test\n" + WSGI_APP, "ab_test.py": "VARIANT = 'b'\n"})
    with pytest.raises(AppCodeError) as caught:
        build(load(tmp_path / "app"))
    assert "'ab_test'" in caught.value.message
    assert 'include = ["ab_test.py"]' in caught.value.hint and "requirements" not in caught.value.hint


def test_a_factory_called_without_its_arguments_says_how_to_pass_them(tmp_path: Path) -> None:
    write_app(tmp_path / "app", {"app.py": "def create_app(config_name):\n    return None\n",
                                 "shoehorn.toml": 'app = "app:create_app()"\n'})
    with pytest.raises(AppCodeError) as caught:
        build(load(tmp_path / "app"))
    assert "create_app(config_name=" in caught.value.hint


def test_a_prime_path_the_app_does_not_answer_is_named_by_the_check(tmp_path: Path) -> None:
    # QA: a mistyped prime path was logged at init and showed only in the function's logs
    write_app(tmp_path / "app", {"app.py": WSGI_APP.replace('"200 OK"', '"404 Not Found" if environ["PATH_INFO"] '
                                                            '== "/helthz" else "200 OK"'),
                                 "shoehorn.toml": 'prime = ["/", "/helthz"]\n'})
    recorder = Recorder()
    build(load(tmp_path / "app"), progress=recorder)
    notes = " ".join(w.message for w in recorder.of(Warn))
    assert "GET /helthz answered 404" in notes and "GET / answered" not in notes


def test_an_app_file_may_not_take_the_shims_name(tmp_path: Path) -> None:
    write_app(tmp_path / "app", {"app.py": WSGI_APP, "shoehorn_handler.py": ""})
    with pytest.raises(BuildError, match="reserves"):
        build(load(tmp_path / "app"))


def test_over_the_limit_lists_the_largest_contributors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_app(tmp_path / "app", {"app.py": WSGI_APP, "data/blob.bin": "x" * 200_000})
    monkeypatch.setattr(limits, "UNZIPPED_LIMIT", 100_000)
    with pytest.raises(BuildError) as caught:
        build(load(tmp_path / "app"))
    assert "data: 0.2 MB" in caught.value.message and "exclude" in caught.value.hint
    assert not list((tmp_path / "app" / ".shoehorn" / "build").glob("*.zip"))  # it stayed for 10 minutes


def test_local_platform_builds_for_this_interpreter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from shoehorn.local import interpreters
    from tests.pythons import other_runtime, without_python

    here = f"python{sys.version_info.major}.{sys.version_info.minor}"
    other = other_runtime()
    monkeypatch.setattr(interpreters, "_found", {})  # and no Python of the other version on this machine:
    hidden = without_python(other, tmp_path / "nowhere")
    for name in ("PATH", "PYENV_ROOT", "UV_PYTHON_INSTALL_DIR"):
        monkeypatch.setenv(name, hidden[name])
    write_app(tmp_path / "app", {"app.py": WSGI_APP})
    config = replace(load(tmp_path / "app"), runtime=other)
    recorder = Recorder()
    lambda_bundle = build(config, progress=recorder)
    assert lambda_bundle.runtime == other and not lambda_bundle.checked  # cannot import here: tags only
    said = " ".join(e.message for e in recorder.events if isinstance(e, Warn))
    assert f"no Python {other.removeprefix('python')}" in said and "uv python install" in said, said
    inside = names(lambda_bundle.path)
    assert not any(name.endswith(".pyc") for name in inside)  # no Python here writes that version's bytecode
    local = build(config, local_platform=True)
    assert local.runtime == here and local.checked


def test_a_bundle_for_another_python_is_checked_and_compiled_by_that_python_found_here(tmp_path: Path) -> None:
    from tests.pythons import others

    if not others():
        pytest.skip("this machine has no CPython for another Lambda runtime")
    runtime, python = others()[0]
    write_app(tmp_path / "app", {"app.py": WSGI_APP})
    bundle = build(replace(load(tmp_path / "app"), runtime=runtime))
    assert bundle.runtime == runtime and bundle.checked and bundle.check_status == 200  # imported and answered there
    inside = names(bundle.path)
    assert {pyc_name("app.py", runtime), pyc_name("shoehorn/runtime/handler.py", runtime)} <= inside
    assert pyc_name("app.py") not in inside  # (this Python's tag: it would never be read there)
    # that Python loads the shipped bytecode, never the source
    root = extract(bundle, tmp_path / "out")
    said = subprocess.run([python, "-I", "-S", "-B", "-v", "-c", f"import sys; sys.path.insert(0, {str(root)!r}); import app"],
                          capture_output=True, text=True)
    assert said.returncode == 0, said.stderr[-2000:]
    assert f"code object from '{root / pyc_name('app.py', runtime)}'" in said.stderr, said.stderr[-2000:]


@pytest.mark.slow
def test_flask_app_with_requirements_builds_and_answers(tmp_path: Path) -> None:
    write_app(tmp_path / "app", {"app.py": FLASK_APP, "requirements.txt": "flask>=3,<4\n"})
    bundle = build(load(tmp_path / "app"))
    assert bundle.checked and "flask" in {c.name for c in bundle.largest}
    inside = names(bundle.path)
    assert "flask/__init__.py" in inside and pyc_name("flask/__init__.py") in inside
    assert not any(n.startswith("bin/") for n in inside)
    extracted = extract(bundle, tmp_path / "out")
    assert (extracted / "shoehorn_handler.py").is_file()


@pytest.mark.slow
def test_a_dependency_named_shoehorn_is_refused_before_it_mixes_into_the_runtime(tmp_path: Path) -> None:
    # PyPI's `shoehorn` is an unrelated logging library; its files landed in the bundle's shoehorn/ folder
    write_app(tmp_path / "app", {"app.py": WSGI_APP, "requirements.txt": "shoehorn==0.2.3\n"})
    with pytest.raises(BuildError) as caught:
        build(load(tmp_path / "app"))
    assert "named 'shoehorn'" in caught.value.message and "remove it from requirements.txt" in caught.value.hint


@pytest.mark.slow
def test_a_missing_dependency_fails_the_build_naming_the_module(tmp_path: Path) -> None:
    write_app(tmp_path / "app", {"app.py": FLASK_APP, "requirements.txt": "itsdangerous\n"})
    with pytest.raises(AppCodeError) as caught:
        build(load(tmp_path / "app"))
    assert "'flask'" in caught.value.message and caught.value.exit_code == 2


@pytest.mark.slow
@pytest.mark.parametrize("example", ["flask_app", "fastapi_app"])
def test_examples_build_reproducibly_and_pass_the_check(tmp_path: Path, example: str) -> None:
    first_dir, second_dir = tmp_path / "a" / example, tmp_path / "b" / example
    shutil.copytree(EXAMPLES / example, first_dir, ignore=shutil.ignore_patterns(".shoehorn", "__pycache__"))
    shutil.copytree(EXAMPLES / example, second_dir, ignore=shutil.ignore_patterns(".shoehorn", "__pycache__"))
    first = build(load(first_dir))
    second = build(load(second_dir))
    assert first.checked and second.checked
    assert first.sha256 == second.sha256


@pytest.mark.slow
def test_fastapi_example_for_arm64_ships_aarch64_pydantic_core(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "fastapi_app", tmp_path / "api", ignore=shutil.ignore_patterns(".shoehorn"))
    recorder = Recorder()
    bundle = build(replace(load(tmp_path / "api"), architecture="arm64"), progress=recorder)
    assert bundle.architecture == "arm64" and not bundle.checked
    assert any("import check skipped" in w.message for w in recorder.of(Warn))
    so = [n for n in names(bundle.path) if n.startswith("pydantic_core/") and n.endswith(".so")]
    assert so and all("aarch64-linux-gnu" in n for n in so)


def test_builds_in_different_processes_give_the_same_sha256(tmp_path: Path) -> None:
    import os
    import subprocess

    write_app(tmp_path / "app", {"app.py": FLASK_APP.replace("from flask import Flask", "Flask = dict"),
                                 "lib/routes.py": "import json\nROUTES = {'a': json.dumps([1, 2])}\n"})
    probe = ("{pre}\nfrom pathlib import Path\nfrom shoehorn.bundle import build\nfrom shoehorn.config import load\n"
             "import shutil, sys\nshutil.rmtree(Path(sys.argv[1], '.shoehorn'), ignore_errors=True)\n"
             "print(build(load(Path(sys.argv[1])), check=False).sha256)")
    digests = set()
    for pre in ("", "import boto3, typer, rich.console, fastapi, flask"):  # what `up`/the CLI may have loaded
        done = subprocess.run([sys.executable, "-c", probe.format(pre=pre), str(tmp_path / "app")],
                              capture_output=True, text=True, check=True, env=os.environ.copy())
        digests.add(done.stdout.strip().splitlines()[-1])
    assert len(digests) == 1


def test_a_file_edited_during_the_build_is_never_paired_with_the_digest_of_other_bytes(tmp_path: Path, monkeypatch) -> None:
    # the digest says which files `up` may skip uploading: it must come from the bytes zipped
    from shoehorn.bundle import zipper

    write_app(tmp_path / "site", {"app.py": WSGI_APP, "static/site.css": "body { color: #fff }"})
    css = tmp_path / "site" / "static" / "site.css"
    real = zipper.write_merged

    def edited_meanwhile(base, entries, destination):
        css.write_text("body { color: #000 }")  # saved by an editor while the build runs
        return real(base, entries, destination)

    monkeypatch.setattr(zipper, "write_merged", edited_meanwhile)
    during = build(load(tmp_path / "site"), check=False)
    monkeypatch.setattr(zipper, "write_merged", real)
    after = build(load(tmp_path / "site"), check=False)
    with zipfile.ZipFile(during.path) as one, zipfile.ZipFile(after.path) as two:
        assert one.read("static/site.css") != two.read("static/site.css")
    assert during.content != after.content  # main: equal, and `up` then kept the old file live


def test_a_build_leaves_the_zips_a_concurrent_build_is_writing(tmp_path: Path) -> None:
    # two `dev --lambda` sessions on one folder build side by side: the first to finish removed the other's
    # .partial zip mid-write (FileNotFoundError, "internal error"); only zips older than that go
    write_app(tmp_path / "app", {"app.py": WSGI_APP})
    out = tmp_path / "app" / ".shoehorn" / "build"
    out.mkdir(parents=True)
    writing = out / ".partial-99999.zip"
    writing.write_bytes(b"being written")
    forgotten = out / "app-0123456789ab.zip"
    forgotten.write_bytes(b"an old build nobody remembers")
    os.utime(forgotten, (time.time() - 3600, time.time() - 3600))
    build(load(tmp_path / "app"), check=False)
    assert writing.exists() and not forgotten.exists()


def test_the_left_out_line_is_said_when_it_changes_not_on_every_build(tmp_path: Path) -> None:
    # QA: "left out: ... (instance/)" repeated on every build and every dev --lambda rebuild
    write_app(tmp_path / "app", {"app.py": WSGI_APP, ".env": "SECRET=1"})
    config = load(tmp_path / "app")

    def said(**kw) -> list[str]:
        recorder = Recorder()
        build(config, progress=recorder, check=False)
        return [i.message for i in recorder.of(Info) if i.message.startswith("left out:")]

    (first,) = said()
    assert ".env" in first
    assert said() == []  # the same files left out: nothing new to say
    (tmp_path / "app" / "tests").mkdir()
    (tmp_path / "app" / "tests" / "t.py").write_text("")
    (changed,) = said()
    assert "tests/" in changed and ".env" in changed
    assert said() == []
    shutil.rmtree(tmp_path / "app" / ".shoehorn")  # `shoehorn clean`: said again
    assert len(said()) == 1


def test_a_missing_module_without_requirements_says_there_are_none_and_names_the_file(tmp_path: Path) -> None:
    # flask is installed here, not in the bundle: an app with no requirements file cannot have it
    write_app(tmp_path / "app", {"app.py": FLASK_APP})
    with pytest.raises(AppCodeError) as caught:
        build(load(tmp_path / "app"))
    assert "'flask'" in caught.value.message
    assert "no requirements file" in caught.value.hint and "requirements.txt" in caught.value.hint


def test_a_missing_module_with_requirements_false_names_the_setting(tmp_path: Path) -> None:
    write_app(tmp_path / "app", {"app.py": FLASK_APP, "requirements.txt": "flask\n",
                                 "shoehorn.toml": "requirements = false\n"})
    with pytest.raises(AppCodeError) as caught:
        build(load(tmp_path / "app"))
    assert "requirements = false" in caught.value.hint and "requirements.txt" in caught.value.hint


def test_other_tools_in_the_dependencies_are_named_when_the_app_does_not_import_them(tmp_path: Path) -> None:
    # zappa left in requirements.txt took a Flask app's bundle from 1.8 MB to 31.8 MB zipped
    from shoehorn.bundle.build import _other_tools

    deps, app = tmp_path / "deps", tmp_path / "app"
    for folder in ("zappa", "mangum", "flask"):
        (deps / folder).mkdir(parents=True)
    app.mkdir()
    (app / "main.py").write_text("from fastapi import FastAPI\nfrom mangum import Mangum\napp = FastAPI()\n"
                                 "handler = Mangum(app)\n")
    warnings = _other_tools(deps, "requirements.txt", app)
    assert len(warnings) == 1 and "install Zappa (zappa), which the app does not import" in warnings[0]
    assert "remove it from requirements.txt" in warnings[0]
    (app / "tasks.py").write_text("from zappa.asynchronous import task\n")
    assert "@task" in _other_tools(deps, "requirements.txt", app)[0]
    assert _other_tools(tmp_path / "app", "requirements.txt", app) == []


def test_an_app_serving_a_webdav_server_is_told_its_clients_methods_never_reach_it(tmp_path: Path) -> None:
    # Radicale's WSGI entry point, as its docs hand it to gunicorn: calendar clients PROPFIND and REPORT,
    # which API Gateway's REST API answers 403 without calling the function
    from shoehorn.bundle.build import _webdav

    deps, app = tmp_path / "deps", tmp_path / "app"
    for folder in ("radicale", "wsgidav", "flask"):
        (deps / folder).mkdir(parents=True)
    app.mkdir()
    (app / "app.py").write_text("from radicale import application\n")
    warnings = _webdav(deps, app)
    assert len(warnings) == 1 and "Radicale (CalDAV/CardDAV)" in warnings[0]  # wsgidav is installed, not imported
    assert "PROPFIND" in warnings[0] and "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT" in warnings[0]
    (app / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    assert _webdav(deps, app) == []


def test_a_static_url_with_the_stage_written_in_is_told_to_leave_it_out() -> None:
    # Zappa setups write the stage into STATIC_URL ('/dev/static/'); the warning said to drop the leading
    # slash, which gave /dev/dev/static/ links
    from shoehorn.bundle.build import _absolute_static_url

    said = _absolute_static_url("/dev/static/", "dev")
    assert "with the stage written in" in said and "write 'static/'" in said and "dev/static/'" not in said[40:]
    assert "write it without the leading slash ('static/')" in _absolute_static_url("/static/", "dev")


def test_an_app_that_starts_its_server_at_import_is_refused_with_the_line(tmp_path: Path) -> None:
    # Bottle's README ends with run(host=..., port=...): imported by the check, it served forever, and the
    # build waited a minute to blame "work done at import time"
    write_app(tmp_path / "app", {"app.py": WSGI_APP + "\nfrom wsgiref.simple_server import make_server\n"
                                           "make_server('127.0.0.1', 0, app).serve_forever()\n"})
    started = time.perf_counter()
    with pytest.raises(AppCodeError) as caught:
        build(load(tmp_path / "app"))
    assert time.perf_counter() - started < 30
    assert "app.py:7 starts a web server when the app is imported" in caught.value.message
    assert 'if __name__ == "__main__":' in caught.value.hint


def test_a_reused_build_repeats_its_checks_warning(tmp_path: Path) -> None:
    # `up` after `build` reuses the checked zip: the check's warning (here: "no table ... migrate") was said by
    # `build` only, and `up` then printed just "the app failed that request"
    failing = ("import os, sqlite3\ndef app(environ, start_response):\n"
               "    sqlite3.connect(os.path.join(os.environ['TMPDIR'], 'db')).execute('select * from pages')\n")
    write_app(tmp_path / "app", {"app.py": failing})
    config = load(tmp_path / "app")
    first = Recorder()
    build(config, progress=first)
    again = Recorder()
    build(config, progress=again)
    assert any("unchanged" in e.message for e in again.of(Info))
    noted = [w.message for w in first.of(Warn) if "no table pages" in w.message]
    assert len(noted) == 1 and [w.message for w in again.of(Warn) if "no table pages" in w.message] == noted
