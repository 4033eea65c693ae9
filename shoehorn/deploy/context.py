"""What executors share while a plan runs: the AWS door and the facts earlier actions produced."""

from __future__ import annotations

from dataclasses import dataclass

from shoehorn.config import Config
from shoehorn.deploy.aws import Aws
from shoehorn.progress import Progress, discard


@dataclass
class Context:
    """Mutable on purpose: ``CreateApi`` fills ``api_id``, ``PublishVersion`` fills ``version``,
    and later actions of the same plan read them."""

    aws: Aws
    config: Config
    account: str
    progress: Progress = discard
    api_id: str | None = None
    root_id: str | None = None
    proxy_id: str | None = None
    version: str | None = None
    revision_id: str | None = None  # the function's RevisionId as of our last read or write

    @property
    def region(self) -> str:
        return self.aws.region

    def role_arn(self, name: str | None = None) -> str:
        """The ARN of role ``name`` (default: this app's) in this account."""
        return f"arn:aws:iam::{self.account}:role/{name or self.config.role_name}"
