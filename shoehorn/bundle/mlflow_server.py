"""MLflow's tracking server (``mlflow.server``'s Flask app, or the FastAPI app `mlflow server` runs under uvicorn)
on Lambda: what stops it there that shoehorn can tell at build.

Its security middleware answers 403 "Invalid Host header - possible DNS rebinding attack detected" to any Host
outside MLFLOW_SERVER_ALLOWED_HOSTS, which defaults to localhost and private addresses (MLflow 3.5+). `dev
--lambda` and the local cloud are reached on 127.0.0.1, so the app works there and answers every request on
the execute-api URL with 403: the build check, which sends API Gateway's Host, is where it shows.
"""

from __future__ import annotations

# Imported by both of its apps: told apart from an app that merely logs to MLflow (mlflow.tracking).
SERVER_MODULE = "mlflow.server"


def refuses_host(status: int | None, modules: tuple[str, ...] | list[str]) -> bool:
    """The bundle check's GET / was answered 403 by an app that runs MLflow's server."""
    return status == 403 and SERVER_MODULE in modules


def allowed_hosts_note() -> str:
    return ("the MLflow server answered GET / with 403 in the bundle check, which sends the Host API Gateway sends "
            "(<api id>.execute-api.<region>.amazonaws.com): MLflow refuses a Host outside "
            "MLFLOW_SERVER_ALLOWED_HOSTS (\"Invalid Host header - possible DNS rebinding attack detected\"), which "
            "allows only localhost and private addresses by default, so on AWS it would answer every request with "
            "403 while `dev --lambda` and the local cloud (127.0.0.1) work. Set it in [environment], e.g. "
            "MLFLOW_SERVER_ALLOWED_HOSTS = \"*.execute-api.us-east-1.amazonaws.com,127.0.0.1:*\" (use your region; "
            "add any custom domain; 127.0.0.1:* keeps `dev --lambda` and the local cloud working)")
