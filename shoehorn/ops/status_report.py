"""What ``shoehorn status`` shows, as data: one frozen ``Status`` (rendered by the CLI, or as JSON)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from shoehorn.ops.status_init import ColdStart


@dataclass(frozen=True)
class Drift:
    """Something ``up`` would change: what differs, and the command that fixes it."""

    what: str
    fix: str = "shoehorn up"


@dataclass(frozen=True)
class Status:
    app: str
    stage: str
    region: str
    url: str | None  # None when the API is missing (then it is also in ``drift``)
    function_name: str
    function_arn: str
    live_version: str | None  # None when the alias is missing
    deployed_at: str | None  # LastModified of the live version, ISO-8601 as Lambda reports it
    code_size: int  # bytes, zipped
    code_sha256: str  # base64, as Lambda reports CodeSha256 (and `build --json`'s code_sha256)
    memory: int
    timeout: int
    architecture: str
    runtime: str
    reserved_concurrency: int | None  # None = uncapped
    warm: str | None  # the schedule expression, or None for no warm-up schedule
    log_retention_days: int | None  # None = never expire (or no log group)
    drift: tuple[Drift, ...]
    warm_note: str | None = None  # the warm-up comes from `up --warm`, not the config
    last_cold_start: ColdStart | None = None  # from the REPORT lines of the last day; None: none found
    live_weights: tuple[tuple[str, float], ...] = ()  # the alias's weighted routing: (other version, share), ...
    snapstart: bool = False  # the live version's SnapStart (ApplyOn PublishedVersions): billed per version kept
    ephemeral_storage: int = 512  # MB of /tmp, the live version's (512 is Lambda's default)
    endpoint_type: str | None = None  # the REST API's (REGIONAL, EDGE, PRIVATE); None without an API
    environment_names: tuple[str, ...] = ()  # the live version's variables, names only: values may be secrets
    # shoehorn.toml's prime paths: a build-time setting baked into the bundle's shim, not read back from AWS
    # (that would mean downloading the deployed zip)
    prime: tuple[str, ...] = ()
    # this project's stage deployed under other app names (deploy/renamed.py): a rename's leftover stack
    other_names: tuple[str, ...] = ()

    @property
    def stopped(self) -> bool:
        """Reserved concurrency 0 is how ``shoehorn stop`` switches the function off."""
        return self.reserved_concurrency == 0

    @property
    def sha256(self) -> str:
        """The hex digest, as `shoehorn build` prints it."""
        from shoehorn.deploy.naming import sha256_hex

        return sha256_hex(self.code_sha256)

    @property
    def concurrency_text(self) -> str:
        if self.reserved_concurrency is None:
            return "uncapped"
        if self.reserved_concurrency == 0:
            return "0 (stopped)"
        return str(self.reserved_concurrency)

    def to_json(self) -> dict:
        data = asdict(self)
        data["drift"] = [asdict(item) for item in self.drift]
        data["live_weights"] = dict(self.live_weights)  # as AWS's AdditionalVersionWeights: {"2": 0.5}
        data["sha256"] = self.sha256
        data["stopped"] = self.stopped
        data["state"] = "stopped" if self.stopped else "running"
        return data
