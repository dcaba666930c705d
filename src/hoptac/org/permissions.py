"""Who may see and change what: the one place pages and API both ask.

Roles (User.Role):
- admin: everything, users included.
- approver: sees and changes every record, approves and publishes.
- editor: sees and changes every record.
- contributor: sees the shared registries (partners, reference data); sees and changes only the
  records its unit (or a unit below it) owns or is assigned to.
- viewer: sees everything, changes nothing.

A model says how it relates to units with `unit_fields`, a tuple of lookups that lead to a Unit
(e.g. ("owner_unit", "coordinating_units")). A model with `shared_registry = True` is visible to
every signed-in user.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet

from hoptac.org.models import Unit, User

Role = User.Role
_WRITERS = {Role.ADMIN, Role.APPROVER, Role.EDITOR}


def unit_scope(user) -> set[int]:
    """The user's unit and every unit below it."""
    cached = getattr(user, "_hoptac_unit_scope", None)
    if cached is not None:
        return cached
    scope: set[int] = set()
    if user.unit_id:
        children: dict[int | None, list[int]] = {}
        for pk, parent_id in Unit.objects.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        stack = [user.unit_id]
        while stack:
            pk = stack.pop()
            if pk not in scope:
                scope.add(pk)
                stack.extend(children.get(pk, []))
    user._hoptac_unit_scope = scope
    return scope


def role_of(user) -> str | None:
    if not user or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.ADMIN
    return user.role


def _unit_q(model: type[Model], scope: set[int]) -> Q:
    q = Q(pk__in=[])
    for lookup in getattr(model, "unit_fields", ()):
        q |= Q(**{f"{lookup}__in": scope})
    return q


def visible(user, queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` the user may see."""
    role = role_of(user)
    if role is None:
        return queryset.none()
    if role != Role.CONTRIBUTOR or getattr(queryset.model, "shared_registry", False):
        return queryset
    return queryset.filter(_unit_q(queryset.model, unit_scope(user))).distinct()


def _in_scope(user, obj: Model) -> bool:
    return type(obj)._default_manager.filter(pk=obj.pk).filter(_unit_q(type(obj), unit_scope(user))).exists()


def can_view(user, obj: Model) -> bool:
    role = role_of(user)
    if role is None:
        return False
    if role != Role.CONTRIBUTOR or getattr(obj, "shared_registry", False):
        return True
    return _in_scope(user, obj)


def can_create(user, model: type[Model]) -> bool:
    return role_of(user) in _WRITERS | {Role.CONTRIBUTOR}


def can_change(user, obj: Model) -> bool:
    role = role_of(user)
    if role in _WRITERS:
        return True
    if role == Role.CONTRIBUTOR:
        return _in_scope(user, obj)
    return False


def can_delete(user, obj: Model) -> bool:
    return role_of(user) in _WRITERS


def can_approve(user, obj: Model | None = None) -> bool:
    return role_of(user) in {Role.ADMIN, Role.APPROVER}


def can_manage_users(user) -> bool:
    return role_of(user) == Role.ADMIN


def allowed_owner_units(user) -> QuerySet:
    """Units a user may name as the owner of a new record."""
    if role_of(user) in _WRITERS:
        return Unit.objects.filter(is_active=True)
    return Unit.objects.filter(pk__in=unit_scope(user), is_active=True)


def check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
