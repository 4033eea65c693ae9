"""Reserved concurrency in the local cloud is held to the account's limits, as Lambda holds it: 1,000
per region, at least 100 left unreserved (moto alone accepted any number, so `up --local` passed with a
`concurrency` that `up` on AWS is refused)."""

from __future__ import annotations

import pytest

from cloud.conftest import tiny_app
from shoehorn.cloud.reservations import Reservations
from shoehorn.errors import DeployError

pytestmark = pytest.mark.slow


def test_a_reservation_that_leaves_fewer_than_100_unreserved_is_refused_as_aws_refuses_it(cloud, tmp_path) -> None:
    first = tiny_app(tmp_path / "first", "resa")
    (first / "shoehorn.toml").write_text('name = "resa"\nconcurrency = 600\n')
    assert cloud.run("up", "--local", "-C", str(first)).returncode == 0
    second = tiny_app(tmp_path / "second", "resb")
    (second / "shoehorn.toml").write_text('name = "resb"\nconcurrency = 301\n')
    refused = cloud.run("up", "--local", "-C", str(second))
    err = " ".join(refused.stderr.split())
    assert refused.returncode == DeployError.exit_code, refused.stderr
    assert "more than this account can spare" in err and "below its minimum value of [100]" in err
    assert "Lower `concurrency`" in err
    (second / "shoehorn.toml").write_text('name = "resb"\nconcurrency = 300\n')  # exactly 100 left: accepted
    assert cloud.run("up", "--local", "-C", str(second)).returncode == 0
    assert cloud.run("down", "--local", "-C", str(first), "--yes").returncode == 0  # its 600 are free again
    (second / "shoehorn.toml").write_text('name = "resb"\nconcurrency = 900\n')
    assert cloud.run("up", "--local", "-C", str(second)).returncode == 0


def test_a_function_changing_its_own_reservation_is_not_counted_twice() -> None:
    reservations = Reservations()
    reservations.reserved("us-east-1", "a", 900)
    assert reservations.refusal("us-east-1", "a", 900) is None
    assert reservations.refusal("us-east-1", "b", 1) is not None
    assert reservations.refusal("eu-west-1", "b", 900) is None  # limits are per region
    reservations.forget("us-east-1", "a")
    assert reservations.refusal("us-east-1", "b", 900) is None
