from ninja import Router, Schema
from ninja.pagination import paginate

from hoptac.org.models import Unit
from hoptac.web.params import Pagination

router = Router(tags=["units"])


class UnitOut(Schema):
    id: int
    version: int
    name_vi: str
    name_en: str
    short_name: str
    kind: str
    code: str
    parent: int | None
    former_names: list[str]
    successor: int | None
    is_active: bool

    @staticmethod
    def resolve_parent(obj) -> int | None:
        return obj.parent_id

    @staticmethod
    def resolve_successor(obj) -> int | None:
        return obj.successor_id


@router.get("", response=list[UnitOut])
@paginate(Pagination)
def list_units(request, kind: Unit.Kind | None = None, active: bool | None = None):
    queryset = Unit.objects.order_by("kind", "name_vi")
    if kind:
        queryset = queryset.filter(kind=kind)
    if active is not None:
        queryset = queryset.filter(is_active=active)
    return queryset
