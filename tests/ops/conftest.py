"""TEMPORARY: moto fixtures until the deployer's tests/conftest.py lands (then this file goes)."""
import os, socket, subprocess, sys, time, urllib.request
import pytest

@pytest.fixture(scope="session")
def moto_server():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true")
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-p", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/moto-api/data.json"); break
        except Exception:
            time.sleep(0.1)
    yield url
    proc.terminate(); proc.wait()

@pytest.fixture
def aws_env(moto_server, monkeypatch):
    urllib.request.urlopen(urllib.request.Request(moto_server + "/moto-api/reset", method="POST"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    yield moto_server
