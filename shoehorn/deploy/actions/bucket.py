"""Actions on the S3 bucket for bundles over the direct-upload limit."""

from __future__ import annotations

from dataclasses import dataclass

from shoehorn.deploy.actions.base import Action, Code
from shoehorn.words import plural


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


@dataclass(frozen=True, kw_only=True)
class DeleteOldBundles(Action):
    """Bundles a stage uploaded before: Lambda copied each one's code when it was given it (and keeps a
    copy per published version), so neither the function nor `rollback` reads them again."""

    bucket: str
    keys: tuple[str, ...]

    def describe(self) -> str:
        prefix = self.keys[0].rsplit("/", 1)[0] + "/" if self.keys else ""
        return f"delete {plural(len(self.keys), 'earlier bundle')} from s3://{self.bucket}/{prefix}"


@dataclass(frozen=True, kw_only=True)
class DeleteEmptyBucket(Action):
    """The app's bundle bucket once no stage has anything in it. S3 refuses to delete a bucket that
    holds an object (BucketNotEmpty), so one uploaded since the plan was made keeps it."""

    bucket: str

    def describe(self) -> str:
        return f"delete S3 bucket {self.bucket}, left empty"
