import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hoptac.audit.services import ConflictError
from hoptac.documents import services
from hoptac.documents.models import Document

pytestmark = pytest.mark.django_db


def test_upload_stores_file_text_hash_language_and_owner(editor, seed_bytes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = services.document_create_from_file(user=editor, name="002.txt", data=seed_bytes["002"])
    assert doc.language == "vi"
    assert doc.format == "txt" and doc.size == len(seed_bytes["002"])
    assert doc.owner_unit == editor.unit
    assert doc.file.read() == seed_bytes["002"]
    assert "Vũ Chiến Thắng" in doc.text
    assert len(doc.content_hash) == 64
    assert Document.history.filter(id=doc.pk, history_type="+", history_user=editor).exists()


def test_the_same_bytes_twice_is_a_duplicate_and_creates_nothing(editor, seed_bytes):
    first = services.document_create_from_file(user=editor, name="a.txt", data=seed_bytes["000"])
    with pytest.raises(services.DuplicateDocument) as caught:
        services.document_create_from_file(user=editor, name="renamed.txt", data=seed_bytes["000"])
    assert caught.value.existing == first
    assert Document.objects.count() == 1


def test_pasted_text_duplicates_are_detected_too(editor):
    services.document_create_from_text(user=editor, title="T", text="Hội nghị", source_url="https://example.org/a")
    with pytest.raises(services.DuplicateDocument):
        services.document_create_from_text(user=editor, title="Other", text="Hội nghị\n")


def test_a_file_over_the_limit_is_refused(editor, settings):
    settings.HOPTAC_UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError) as caught:
        services.document_create_from_file(user=editor, name="a.txt", data=b"x" * 11)
    assert "larger than" in str(caught.value)
    assert not Document.objects.exists()


def test_an_unreadable_file_is_a_field_error_and_leaves_nothing(editor, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as caught:
        services.document_create_from_file(user=editor, name="x.pdf", data=b"not a pdf")
    assert "not a PDF" in caught.value.message_dict["file"][0]
    assert not Document.objects.exists()
    assert not any(tmp_path.rglob("*.pdf"))


def test_viewers_cannot_upload(viewer):
    with pytest.raises(PermissionDenied):
        services.document_create_from_text(user=viewer, title="T", text="x")


def test_update_with_a_stale_version_is_a_conflict(editor, seed_bytes):
    doc = services.document_create_from_file(user=editor, name="a.txt", data=seed_bytes["004"])
    services.document_update(doc, user=editor, version=1, title="New title", language="en")
    with pytest.raises(ConflictError):
        services.document_update(doc, user=editor, version=1, title="Stale")
    assert Document.objects.get(pk=doc.pk).title == "New title"


def test_contributor_of_another_unit_cannot_edit(contributor, contributor_b, seed_bytes):
    doc = services.document_create_from_file(user=contributor, name="a.txt", data=seed_bytes["004"])
    with pytest.raises(PermissionDenied):
        services.document_update(doc, user=contributor_b, version=doc.version, title="x")


def test_delete_removes_the_file_after_commit(editor, seed_bytes, django_capture_on_commit_callbacks):
    doc = services.document_create_from_file(user=editor, name="a.txt", data=seed_bytes["004"])
    storage, name = doc.file.storage, doc.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(doc, user=editor, version=doc.version)
    assert not Document.objects.exists()
    assert not storage.exists(name)
