"""The shared cast for every test: reference data loaded once, two units, one user per role."""

import pytest
from django.test import Client

from hoptac.org.demo import load_demo_units
from hoptac.org.models import ApiToken, Unit, User
from hoptac.reference.loaders import load_all

PASSWORD = "a-Long-test-passw0rd"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_all()
        load_demo_units()


@pytest.fixture
def unit_a(db) -> Unit:
    return Unit.objects.get(code="BNV-HTQT")


@pytest.fixture
def unit_b(db) -> Unit:
    return Unit.objects.get(code="BNV-TCCB")


def _user(username: str, role: str, unit: Unit) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, unit=unit)
    return user


@pytest.fixture
def admin_user(unit_a) -> User:
    return _user("t-admin", User.Role.ADMIN, unit_a)


@pytest.fixture
def approver(unit_a) -> User:
    return _user("t-approver", User.Role.APPROVER, unit_a)


@pytest.fixture
def editor(unit_a) -> User:
    return _user("t-editor", User.Role.EDITOR, unit_a)


@pytest.fixture
def contributor(unit_a) -> User:
    return _user("t-contributor", User.Role.CONTRIBUTOR, unit_a)


@pytest.fixture
def contributor_b(unit_b) -> User:
    return _user("t-contributor-b", User.Role.CONTRIBUTOR, unit_b)


@pytest.fixture
def viewer(unit_a) -> User:
    return _user("t-viewer", User.Role.VIEWER, unit_a)


class ApiClient(Client):
    """A test client that speaks JSON and sends a bearer token."""

    def __init__(self, user: User | None = None, **kwargs):
        super().__init__(**kwargs)
        self.token = ApiToken.issue(user) if user else None

    def _headers(self, headers):
        headers = dict(headers or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return headers

    def get(self, path, data=None, headers=None, **extra):
        return super().get(path, data, headers=self._headers(headers), **extra)

    def delete(self, path, data="", headers=None, **extra):
        return super().delete(path, data, headers=self._headers(headers), **extra)

    def post(self, path, data=None, content_type="application/json", headers=None, **extra):
        return super().post(path, data, content_type=content_type, headers=self._headers(headers), **extra)

    def patch(self, path, data=None, content_type="application/json", headers=None, **extra):
        return super().patch(path, data, content_type=content_type, headers=self._headers(headers), **extra)

    def put(self, path, data=None, content_type="application/json", headers=None, **extra):
        return super().put(path, data, content_type=content_type, headers=self._headers(headers), **extra)


@pytest.fixture
def api():
    """api(user) → a JSON client authenticated as that user; api() → anonymous."""
    return ApiClient


@pytest.fixture
def logged_in(client):
    def login(user: User) -> Client:
        client.force_login(user)
        return client

    return login
