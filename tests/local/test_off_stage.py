"""A redirect out of the stage is named in dev --lambda (BlackSheep's /docs -> /docs/ was only a 403)."""

from __future__ import annotations

from shoehorn.local.off_stage import redirect_off_stage

HOST = "127.0.0.1:8000"


def test_a_redirect_that_drops_the_stage_is_named_with_the_fix() -> None:
    hint = redirect_off_stage("dev", "/dev/docs", 301, [("location", "/docs/")], HOST)
    assert "redirected /dev/docs to /docs/, out of the stage /dev/" in hint and "url_for" in hint
    absolute = redirect_off_stage("dev", "/dev/", 302, [("Location", f"http://{HOST}/login")], HOST)
    assert "to /login, out of the stage" in absolute


def test_redirects_that_stay_under_the_stage_or_leave_the_site_say_nothing() -> None:
    for status, location in ((302, "/dev/cats/42"), (302, "/dev"), (302, f"http://{HOST}/dev/x"), (301, "docs/"),
                             (302, "https://accounts.example.com/login"), (200, "/docs/"), (302, "")):
        assert redirect_off_stage("dev", "/dev/docs", status, [("location", location)], HOST) is None, location
