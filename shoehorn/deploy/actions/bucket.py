"""Actions on the S3 bucket for bundles over the direct-upload limit."""

from __future__ import annotations

from dataclasses import dataclass

from shoehorn.deploy.actions.base import Action, Code


@dataclass(frozen=True, kw_only=True)
class CreateBucket(Action):
    bucket: str
    tags: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        return f"create S3 bucket {self.bucket} for bundles over the direct-upload limit"


@dataclass(frozen=True, kw_only=True)
class UploadBundle(Action):
    code: Code

    def describe(self) -> str:
        return f"upload the bundle to s3://{self.code.bucket}/{self.code.key}"


@dataclass(frozen=True, kw_only=True)
class DeleteBundleObjects(Action):
    bucket: str
    prefix: str

    def describe(self) -> str:
        return f"delete s3://{self.bucket}/{self.prefix}*"
