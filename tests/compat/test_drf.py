"""Django REST framework's quickstart, as its tutorial builds it: `django-admin startproject tutorial .`, a
`quickstart` app with serializers, viewsets and a router; the browsable API styled from DRF's own static files,
its session login, and JSON writes with session + CSRF and with basic auth, all under the stage prefix."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.compat.conftest import assert_wrote_nothing_into_its_code, database_outside_the_code, snapshot

pytestmark = pytest.mark.slow
django = pytest.importorskip("django")
DRF = "djangorestframework==3.18.3"

# The quickstart's files, as https://www.django-rest-framework.org/tutorial/quickstart/ writes them.
SERIALIZERS = '''from django.contrib.auth.models import Group, User
from rest_framework import serializers


class UserSerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = User
        fields = ['url', 'username', 'email', 'groups']


class GroupSerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = Group
        fields = ['url', 'name']
'''
VIEWS = '''from django.contrib.auth.models import Group, User
from rest_framework import permissions, viewsets

from tutorial.quickstart.serializers import GroupSerializer, UserSerializer


class UserViewSet(viewsets.ModelViewSet):
    queryset = User.objects.all().order_by('-date_joined')
    serializer_class = UserSerializer
    permission_classes = [permissions.IsAuthenticated]


class GroupViewSet(viewsets.ModelViewSet):
    queryset = Group.objects.all().order_by('name')
    serializer_class = GroupSerializer
    permission_classes = [permissions.IsAuthenticated]
'''
URLS = '''from django.urls import include, path
from rest_framework import routers

from tutorial.quickstart import views

router = routers.DefaultRouter()
router.register(r'users', views.UserViewSet)
router.register(r'groups', views.GroupViewSet)

urlpatterns = [
    path('', include(router.urls)),
    path('api-auth/', include('rest_framework.urls', namespace='rest_framework')),
]
'''
SETTINGS = '''
INSTALLED_APPS.append('rest_framework')
REST_FRAMEWORK = {
    'DEFAULT_PAGINATION_CLASS': 'rest_framework.pagination.PageNumberPagination',
    'PAGE_SIZE': 10
}
'''

def _quickstart(root: Path, env: dict[str, str]) -> Path:
    app = root / "tutorial"
    app.mkdir()
    subprocess.run([sys.executable, "-m", "django", "startproject", "tutorial", "."], cwd=app, check=True, env=env)
    subprocess.run([sys.executable, "-m", "django", "startapp", "quickstart"], cwd=app / "tutorial", check=True,
                   env=env)
    (app / "tutorial" / "quickstart" / "serializers.py").write_text(SERIALIZERS)
    (app / "tutorial" / "quickstart" / "views.py").write_text(VIEWS)
    (app / "tutorial" / "urls.py").write_text(URLS)
    with (app / "tutorial" / "settings.py").open("a") as settings:
        settings.write(SETTINGS)
    (app / "requirements.txt").write_text(f"django=={django.__version__}\n{DRF}\n")
    return app


def test_drf_quickstart_browsable_api_login_and_json_writes_under_the_stage(sandbox) -> None:
    app = _quickstart(sandbox.root, sandbox.env)
    sandbox.ok(app, "init")
    written = tomllib.loads((app / "shoehorn.toml").read_text())
    assert written["app"] == "tutorial.wsgi:application"
    assert written["environment"]["DJANGO_SETTINGS_MODULE"] == "tutorial.settings"
    database_outside_the_code(sandbox, app, app / "tutorial" / "settings.py")
    before = snapshot(app, skip=(".shoehorn", "shoehorn.toml"))
    built = sandbox.ok(app, "build")
    assert "static files" in built.stderr  # collectstatic gathered DRF's own CSS and JS
    sandbox.ok(app, "run", "--local", "--", "python", "manage.py", "migrate", "--noinput")
    sandbox.ok(app, "run", "--local", "--", "python", "manage.py", "createsuperuser", "--noinput")

    with sandbox.dev_lambda(app) as (browser, _):
        bundles = {root: snapshot(root) for root in sandbox.task_roots(app)}
        root = browser.get("/")
        assert root.json() == {"users": str(browser.base_url) + "users/", "groups": str(browser.base_url) + "groups/"}
        # the browsable API: styled and scripted from DRF's static files, linked under the stage
        page = browser.get("/", headers={"Accept": "text/html"})
        assets = re.findall(r'(?:href|src)="(/[^"]+\.(?:css|js))"', page.text)
        assert any("rest_framework/css/bootstrap.min.css" in href for href in assets), page.text[:2000]
        for href in assets:
            assert href.startswith("/dev/static/rest_framework/")
            asset = browser.get(href.removeprefix("/dev"))
            assert asset.status_code == 200 and asset.headers["content-type"].split("/")[0] in ("text", "application")
        assert browser.get("/users/").status_code == 403
        # the login page the browsable API links, its CSRF form, and the redirect back under the stage
        login = browser.get("/api-auth/login/?next=/dev/users/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        users = browser.post("/api-auth/login/?next=/dev/users/", data={
            "csrfmiddlewaretoken": token, "username": "admin", "password": "correct-horse", "next": "/dev/users/"})
        assert users.status_code == 200 and users.url.path == "/dev/users/" and "sessionid" in browser.cookies
        assert users.json()["results"][0]["url"] == str(browser.base_url) + "users/1/"
        # JSON writes: the session needs its CSRF token, as DRF's SessionAuthentication enforces
        csrf = {"X-CSRFToken": browser.cookies["csrftoken"]}
        assert browser.post("/groups/", json={"name": "no-token"}).status_code == 403
        created = browser.post("/groups/", json={"name": "editors"}, headers=csrf)
        assert created.status_code == 201 and created.json()["url"].endswith("/dev/groups/1/")
        renamed = browser.patch("/groups/1/", json={"name": "writers"}, headers=csrf)
        assert renamed.status_code == 200 and renamed.json()["name"] == "writers"
        browser.cookies.clear()
        basic = browser.post("/users/", json={"username": "ada", "email": "ada@example.com"},
                             auth=("admin", "correct-horse"))
        assert basic.status_code == 201 and basic.json()["username"] == "ada"
        assert browser.delete("/groups/1/", auth=("admin", "correct-horse")).status_code == 204
    assert_wrote_nothing_into_its_code(app, before, sandbox, bundles)
