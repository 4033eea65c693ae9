import base64
import hashlib

from shoehorn.cli import local_target
from shoehorn.cloud.codestore import CodeStore, lambda_sha256
from shoehorn.cloud.lambdas import split_name


def test_function_names_arns_and_qualifiers() -> None:
    assert split_name("app-dev", "live") == ("app-dev", "live")
    assert split_name("app-dev:live", None) == ("app-dev", "live")
    assert split_name("arn:aws:lambda:us-east-1:123456789012:function:app-dev:3", None) == ("app-dev", "3")
    assert split_name("123456789012:function:app-dev", None) == ("app-dev", None)


def test_the_store_is_keyed_by_lambdas_code_sha256(tmp_path) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "X = 1\n")
    data = buffer.getvalue()
    store = CodeStore(tmp_path)
    digest = store.put(data)
    code_sha256 = base64.b64encode(hashlib.sha256(data).digest()).decode()  # what Lambda reports
    assert lambda_sha256(code_sha256) == digest
    assert (store.task_root(digest) / "app.py").read_text() == "X = 1\n"
    assert store.task_root("0" * 64) is None


def test_shown_url_is_the_path_style_url_only_for_the_local_cloud(monkeypatch) -> None:
    aws_url = "https://abc123.execute-api.us-east-1.amazonaws.com/dev/"
    monkeypatch.delenv("SHOEHORN_LOCAL_CLOUD", raising=False)
    assert local_target.shown_url(aws_url) == aws_url
    monkeypatch.setenv("SHOEHORN_LOCAL_CLOUD", "http://127.0.0.1:4566")
    assert local_target.shown_url(aws_url) == "http://127.0.0.1:4566/restapis/abc123/dev/_user_request_/"
