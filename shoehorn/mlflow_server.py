"""MLflow's tracking server (``mlflow.server``'s Flask app, or the FastAPI app `mlflow server` runs under uvicorn)
on Lambda: what stops it there that shoehorn can tell at build.

Its security middleware answers 403 "Invalid Host header - possible DNS rebinding attack detected" to any Host
outside MLFLOW_SERVER_ALLOWED_HOSTS, which defaults to localhost and private addresses (MLflow 3.5+). `dev
--lambda` and the local cloud are reached on 127.0.0.1, so the app works there and answers every request on
the execute-api URL with 403: the build check, which sends API Gateway's Host, is where it shows, and `up`'s
GET of the fresh URL, whose 403 would otherwise read as API Gateway's own.
"""

from __future__ import annotations

# Imported by both of its apps: told apart from an app that merely logs to MLflow (mlflow.tracking).
SERVER_MODULE = "mlflow.server"
# The body of that 403 (mlflow.server.security_utils.INVALID_HOST_MSG): how `up` tells it from API Gateway's.
INVALID_HOST = "Invalid Host header - possible DNS rebinding attack detected"
# Where the fix goes, for the execute-api URL and shoehorn's local ones (fnmatch patterns, comma-separated).
SETTING = 'MLFLOW_SERVER_ALLOWED_HOSTS = "*.execute-api.us-east-1.amazonaws.com,127.0.0.1:*"'


def refuses_host(status: int | None, modules: tuple[str, ...] | list[str]) -> bool:
    """The bundle check's GET / was answered 403 by an app that runs MLflow's server."""
    return status == 403 and SERVER_MODULE in modules


def allowed_hosts_note() -> str:
    return ("the MLflow server answered GET / with 403 in the bundle check, which sends the Host API Gateway sends "
            "(<api id>.execute-api.<region>.amazonaws.com): MLflow refuses a Host outside "
            f"MLFLOW_SERVER_ALLOWED_HOSTS (\"{INVALID_HOST}\"), which "
            "allows only localhost and private addresses by default, so on AWS it would answer every request with "
            f"403 while `dev --lambda` and the local cloud (127.0.0.1) work. Set it in [environment], e.g. {SETTING} "
            "(use your region; add any custom domain; 127.0.0.1:* keeps `dev --lambda` and the local cloud working)")


def refused_url() -> str:
    """What `up` adds to the 403 of a fresh URL whose body is MLflow's refusal of its Host (API Gateway's own
    403 would be a deploy's failure; this one is the app's setting)."""
    return (f", answered by the app: MLflow refuses a Host outside MLFLOW_SERVER_ALLOWED_HOSTS (\"{INVALID_HOST}\"). "
            f"Set it in [environment], e.g. {SETTING} (use your region; add any custom domain), then `up` again")


# What the `mlflow` package requires for its ML flavours and evaluation, which its tracking server's Flask app
# (`mlflow.server:app`, what `mlflow server --gunicorn-opts` runs) never imports: tried with MLflow 3.17, its
# UI, static files and REST API (experiments created and searched, artifacts uploaded) answered without them.
# They are 570 of its 750 MB installed; mlflow-skinny leaves them out too, but without the web UI.
UNUSED_BY_SERVER = ("pyarrow", "scipy", "scikit-learn", "matplotlib", "pandas", "numpy", "skops")


def too_big() -> str:
    """The way out of a bundle over Lambda's size limit with mlflow among its largest packages."""
    overrides = ", ".join(f"\"{name}; sys_platform == 'never'\"" for name in UNUSED_BY_SERVER)
    return ("MLflow's tracking server does not import the ML libraries mlflow requires (about 570 MB): to serve "
            "it, serve its Flask app (`from mlflow.server import app`, what `mlflow server --gunicorn-opts` runs; its "
            "FastAPI app imports pandas and numpy), and "
            "leave them out: in pyproject.toml, dependencies = [\"mlflow==VERSION\"] and [tool.uv] "
            f"override-dependencies = [{overrides}], then `uv lock` (shoehorn installs uv.lock as locked; about "
            "185 MB). mlflow-skinny is smaller still, but holds no web UI")
