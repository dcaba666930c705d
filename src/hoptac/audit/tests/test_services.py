import pytest

from hoptac.audit.history import history_entries
from hoptac.audit.services import ConflictError, record_create, record_delete, record_update
from hoptac.partners.models import Partner

pytestmark = pytest.mark.django_db


def test_every_write_is_kept_with_who_and_what(editor, approver):
    partner = record_create(Partner(kind="ngo", name_vi="Quỹ X", name_en="X Fund"), user=editor)
    partner = record_update(
        partner, user=approver, expected_version=1, changes={"name_en": "X Foundation", "acronym": "XF"}
    )
    entries = history_entries(partner)
    assert [e["type"] for e in entries] == ["changed", "created"]
    assert entries[0]["user"] == str(approver) and entries[1]["user"] == str(editor)
    assert {(c.field, c.old, c.new) for c in entries[0]["changes"]} == {
        ("name_en", "X Fund", "X Foundation"),
        ("acronym", "", "XF"),
    }
    pk = partner.pk
    record_delete(partner, user=approver)
    assert Partner.history.filter(id=pk, history_type="-").get().history_user == approver


def test_stale_version_raises_conflict_with_changes_and_writes_nothing(editor, approver):
    partner = record_create(Partner(kind="ngo", name_vi="Quỹ Y", name_en="Y Fund"), user=editor)
    record_update(partner, user=approver, expected_version=1, changes={"website": "https://y.example.org"})
    with pytest.raises(ConflictError) as caught:
        record_update(partner, user=editor, expected_version=1, changes={"name_en": "mine"})
    assert caught.value.current.version == 2
    assert [(c.field, c.new) for c in caught.value.changes] == [("website", "https://y.example.org")]
    partner.refresh_from_db()
    assert partner.name_en == "Y Fund" and partner.version == 2


def test_invalid_changes_roll_back(editor):
    from django.core.exceptions import ValidationError

    partner = record_create(Partner(kind="ngo", name_vi="Quỹ Z", name_en="Z Fund"), user=editor)
    with pytest.raises(ValidationError):
        record_update(partner, user=editor, expected_version=1, changes={"website": "nonsense"})
    partner.refresh_from_db()
    assert partner.version == 1 and partner.history.count() == 1


@pytest.mark.usefixtures("english_messages")
def test_a_records_history_shows_its_rows_added_changed_and_removed(editor):
    from hoptac.agreements import services
    from hoptac.agreements.tests.factories import agreement

    a = agreement(editor, signatories=[{"side": "vietnamese", "name": "Nguyễn Văn A", "title": "Thứ trưởng"}])
    keep = {"side": "vietnamese", "name": "Nguyễn Văn A", "title": "Thứ trưởng"}
    a = services.agreement_update(
        a, user=editor, version=a.version, signatories=[keep, {"side": "foreign", "name": "Jane Roe", "title": ""}]
    )
    a = services.agreement_update(a, user=editor, version=a.version, signatories=[keep])
    entries = history_entries(a, children=("signatories",))
    about_rows = [(e["type"], e["subject"]) for e in entries if e["subject"]]
    # Re-saving the unchanged signatory with each form save is no change: it shows once, as added.
    assert about_rows == [
        ("deleted", "Signatory: Jane Roe"),
        ("created", "Signatory: Jane Roe"),
        ("created", "Signatory: Nguyễn Văn A, Thứ trưởng"),
    ]
    assert [e["at"] for e in entries] == sorted((e["at"] for e in entries), reverse=True)
    assert [e["type"] for e in entries if not e["subject"]][-1] == "created"  # the agreement itself
    assert history_entries(a) == [e for e in entries if not e["subject"]]


@pytest.mark.usefixtures("english_messages")
def test_a_change_of_links_is_in_the_history_with_who_and_the_labels_of_the_time(editor, approver):
    from hoptac.agreements import services
    from hoptac.agreements.tests.factories import agreement, partner

    a = agreement(editor, parties=[partner("ILO")])
    ilo, undp = partner("ILO"), partner("UNDP")
    a = services.agreement_update(a, user=approver, version=a.version, parties=[ilo, undp], title_en="Renamed")
    a = services.agreement_update(a, user=editor, version=a.version, parties=[ilo, undp], title_en="Again")
    entries = history_entries(a)
    latest, linked = entries[0], entries[1]
    assert [c.field for c in latest["changes"]] == ["title_en"]  # the links did not change
    assert {c.field for c in linked["changes"]} == {"title_en", "parties"}
    parties = next(c for c in linked["changes"] if c.field == "parties")
    assert parties.label == "foreign parties"
    assert parties.old == str(ilo) and parties.new == ", ".join(sorted([str(ilo), str(undp)]))
    assert linked["user"] == str(approver)
    undp.name_vi = "Tên mới"
    undp.save()
    assert next(c for c in history_entries(a)[1]["changes"] if c.field == "parties").new == parties.new


def test_null_clears_a_text_field_and_is_refused_for_other_fields(editor):
    from django.core.exceptions import ValidationError

    partner = record_create(Partner(kind="ngo", name_vi="Quỹ Z", name_en="Z Fund", notes="ghi chú"), user=editor)
    partner = record_update(partner, user=editor, expected_version=1, changes={"notes": None, "acronym": None})
    partner.refresh_from_db()
    assert partner.notes == "" and partner.acronym == "" and partner.version == 2
    with pytest.raises(ValidationError) as caught:
        record_update(partner, user=editor, expected_version=2, changes={"aliases": None})
    assert "aliases" in caught.value.message_dict
    partner.refresh_from_db()
    assert partner.version == 2


def test_null_in_an_api_patch_is_a_422_or_a_clear_never_a_500(api, editor):
    client = api(editor)
    created = client.post(
        "/api/v1/partners", {"kind": "ngo", "name_vi": "Quỹ API", "name_en": "API Fund", "notes": "x"}
    ).json()
    r = client.patch(f"/api/v1/partners/{created['id']}", {"version": created["version"], "notes": None})
    assert r.status_code == 200 and r.json()["notes"] == ""


def test_strip_control_characters_cleans_only_the_rows_that_hold_one(editor):
    from hoptac.audit.services import strip_control_characters

    dirty = record_create(Partner(kind="ngo", name_vi="Quỹ A", name_en="A Fund"), user=editor)
    clean = record_create(Partner(kind="ngo", name_vi="Quỹ B", name_en="B Fund"), user=editor)
    # as a row saved before clean_text_fields would hold it
    Partner.objects.filter(pk=dirty.pk).update(name_en="A\x01 Fund\x0b", notes="x\x1fy")
    assert strip_control_characters(Partner) == 2
    dirty.refresh_from_db()
    assert (dirty.name_en, dirty.notes) == ("A Fund", "xy")
    assert Partner.objects.get(pk=clean.pk).name_en == "B Fund"
    assert strip_control_characters(Partner) == 0
