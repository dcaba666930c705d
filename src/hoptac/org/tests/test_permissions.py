import pytest
from django.contrib.auth.models import AnonymousUser

from hoptac.org import permissions
from hoptac.org.models import Unit, User
from hoptac.partners.models import Partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_of_a(unit_a):
    return Partner.objects.create(kind="ngo", name_vi="A", name_en="A", owner_unit=unit_a)


@pytest.fixture
def partner_of_b(unit_b):
    return Partner.objects.create(kind="ngo", name_vi="B", name_en="B", owner_unit=unit_b)


def test_unit_scope_includes_units_below(unit_a):
    moha = unit_a.parent
    user = User.objects.create_user("ministry-contributor", role=User.Role.CONTRIBUTOR, unit=moha)
    scope = permissions.unit_scope(user)
    assert {moha.pk, unit_a.pk} <= scope
    assert set(Unit.objects.filter(parent=moha).values_list("pk", flat=True)) <= scope
    assert not Unit.objects.filter(kind=Unit.Kind.PROVINCE, pk__in=scope).exists()


@pytest.mark.parametrize(
    "role, view, change, delete, approve",
    [
        ("admin", True, True, True, True),
        ("approver", True, True, True, True),
        ("editor", True, True, True, False),
        ("viewer", True, False, False, False),
    ],
)
def test_role_matrix_on_another_units_record(role, view, change, delete, approve, unit_a, partner_of_b):
    user = User.objects.create_user(f"u-{role}", role=role, unit=unit_a)
    assert permissions.can_view(user, partner_of_b) is view
    assert permissions.can_change(user, partner_of_b) is change
    assert permissions.can_delete(user, partner_of_b) is delete
    assert permissions.can_approve(user, partner_of_b) is approve


def test_contributor_changes_own_unit_records_only(contributor, partner_of_a, partner_of_b):
    assert permissions.can_change(contributor, partner_of_a)
    assert not permissions.can_change(contributor, partner_of_b)
    assert not permissions.can_delete(contributor, partner_of_a)
    # Partners are a shared registry: seen by all.
    assert permissions.can_view(contributor, partner_of_b)


def test_visible_scopes_unit_owned_records_for_contributors(
    contributor, contributor_b, partner_of_a, partner_of_b, monkeypatch
):
    # A record type that is not a shared registry is scoped by its unit fields.
    monkeypatch.setattr(Partner, "shared_registry", False)
    mine = permissions.visible(contributor, Partner.objects.filter(pk__in=[partner_of_a.pk, partner_of_b.pk]))
    assert list(mine) == [partner_of_a]
    assert not permissions.can_view(contributor_b, partner_of_a)
    assert permissions.can_view(contributor_b, partner_of_b)


def test_anonymous_sees_nothing(partner_of_a):
    anonymous = AnonymousUser()
    assert permissions.visible(anonymous, Partner.objects.all()).count() == 0
    assert not permissions.can_view(anonymous, partner_of_a)
    assert not permissions.can_create(anonymous, Partner)


def test_superuser_is_admin_whatever_the_role(unit_a, partner_of_b):
    root = User.objects.create_superuser("root", "root@example.org", "x", role=User.Role.VIEWER, unit=unit_a)
    assert permissions.can_change(root, partner_of_b) and permissions.can_manage_users(root)


def test_owner_units_a_contributor_may_choose(contributor, unit_a, unit_b, editor):
    assert list(permissions.allowed_owner_units(contributor)) == [unit_a]
    assert unit_b in permissions.allowed_owner_units(editor)
