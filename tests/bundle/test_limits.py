"""Lambda's size limits: an error listing the largest contributors, a warning near a limit."""

from __future__ import annotations

import pytest

from shoehorn.bundle import limits
from shoehorn.errors import BuildError
from shoehorn.progress import Info, Recorder, Warn

MB = 1024 * 1024


def test_contributors_group_by_top_level_package() -> None:
    sizes = [("numpy/core/a.so", 30 * MB), ("numpy-1.26.0.dist-info/RECORD", MB), ("app.py", 10),
             ("__pycache__/app.cpython-311.pyc", 20), ("static/x.css", 5 * MB)] + [
        (f"pkg{i}/m.py", i) for i in range(20)]
    largest = limits.contributors(sizes)
    assert len(largest) == 10
    assert [c.name for c in largest[:3]] == ["numpy", "static", "app"]
    assert largest[0].unzipped_bytes == 31 * MB
    assert largest[2].unzipped_bytes == 30


def test_over_a_limit_lists_contributors_and_ways_out() -> None:
    largest = limits.contributors([("torch/x", 400 * MB), ("app.py", 100)])
    with pytest.raises(BuildError) as caught:
        limits.enforce(45 * MB, 400 * MB, largest, Recorder())
    assert "unzipped" in caught.value.message and "torch: 400.0 MB" in caught.value.message
    assert "exclude" in caught.value.hint and "S3" in caught.value.hint


def test_over_50_mb_zipped_builds_and_says_it_goes_through_s3() -> None:
    # flask + pandas + sqlalchemy + boto3: 71.7 MB zipped, 199 MB unzipped (issue 12).
    recorder = Recorder()
    limits.enforce(72 * MB, 199 * MB, limits.contributors([("pandas/x", 120 * MB)]), recorder)
    (note,) = recorder.of(Info)
    assert "72.0 MB zipped" in note.message and "S3" in note.message and "pandas" in note.message
    assert recorder.of(Warn) == []


def test_up_to_the_unzipped_limit_builds() -> None:
    limits.enforce(90 * MB, limits.UNZIPPED_LIMIT, (), Recorder())
    with pytest.raises(BuildError, match="unzipped"):
        limits.enforce(90 * MB, limits.UNZIPPED_LIMIT + 1, (), Recorder())


def test_near_the_unzipped_limit_warns() -> None:
    recorder = Recorder()
    limits.enforce(45 * MB, 230 * MB, limits.contributors([("big/x", 230 * MB)]), recorder)
    (warning,) = recorder.of(Warn)
    assert "230.0 MB unzipped" in warning.message and "big" in warning.message


def test_small_bundle_is_quiet() -> None:
    recorder = Recorder()
    limits.enforce(2 * MB, 5 * MB, (), recorder)
    assert recorder.events == []


def test_a_live_ui_framework_over_the_limit_is_told_where_it_runs() -> None:
    # a Gradio app mounted on FastAPI installs to 306 MB (gradio, pandas, numpy): excluding files cannot help
    largest = limits.contributors([("gradio/x", 76 * MB), ("pandas/x", 70 * MB), ("numpy/x", 160 * MB)])
    with pytest.raises(BuildError) as caught:
        limits.enforce(90 * MB, 306 * MB, largest, Recorder())
    assert caught.value.hint.startswith("ways out:\n  - gradio, with the pandas and numpy it requires, leaves no room")
    assert "App Runner" in caught.value.hint and "exclude" in caught.value.hint


def test_mlflow_over_the_limit_is_told_how_to_leave_out_what_its_server_never_imports() -> None:
    # `pip install mlflow` for its tracking server: 750 MB, of which pyarrow, scipy, pandas... are its ML flavours'
    largest = limits.contributors([("pyarrow/x", 138 * MB), ("scipy/x", 110 * MB), ("pandas/x", 70 * MB),
                                   ("mlflow/x", 60 * MB), ("sklearn/x", 47 * MB)])
    with pytest.raises(BuildError) as caught:
        limits.enforce(233 * MB, 750 * MB, largest, Recorder())
    hint = caught.value.hint
    assert hint.startswith("ways out:\n  - MLflow's tracking server does not import the ML libraries")
    assert '`from mlflow.server import app`' in hint and "override-dependencies" in hint and "`uv lock`" in hint
    assert "\"pyarrow; sys_platform == 'never'\"" in hint and "mlflow-skinny" in hint and "exclude" in hint
