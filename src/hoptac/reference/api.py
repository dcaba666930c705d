from ninja import Router, Schema
from ninja.pagination import paginate

from hoptac.fields.models import Field, Sector
from hoptac.reference.models import Country, Currency
from hoptac.web.params import Pagination

router = Router(tags=["reference data"])


class CountryOut(Schema):
    iso2: str
    iso3: str
    name_en: str
    name_vi: str


class CurrencyOut(Schema):
    code: str
    name_en: str


class FieldOut(Schema):
    id: int
    code: str
    name_vi: str
    name_en: str
    parent: str | None
    dac_codes: list[str]

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_dac_codes(obj) -> list[str]:
        return [s.code for s in obj.sectors.all()]


class SectorOut(Schema):
    code: str
    name_en: str
    category: str


@router.get("countries", response=list[CountryOut])
@paginate(Pagination)
def countries(request):
    return Country.objects.order_by("iso2")


@router.get("currencies", response=list[CurrencyOut])
@paginate(Pagination)
def currencies(request):
    return Currency.objects.filter(withdrawn=False)


@router.get("fields", response=list[FieldOut])
@paginate(Pagination)
def fields(request):
    return Field.objects.select_related("parent").prefetch_related("sectors").order_by("code")


@router.get("sectors", response=list[SectorOut])
@paginate(Pagination)
def sectors(request):
    return Sector.objects.all()
