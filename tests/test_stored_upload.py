"""ipplan.files.stored_upload: a stored file never outlives a row that failed to save."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ipplan.files import private_storage, stored_upload

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>"
    b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def upload():
    return SimpleUploadedFile("skjema.pdf", MINIMAL_PDF, "application/pdf")


def test_it_keeps_the_file_when_the_block_succeeds():
    with stored_upload(upload(), folder="consents") as stored:
        pass
    assert private_storage().exists(stored.storage_name)
    assert stored.original_name == "skjema.pdf" and stored.content_type == "application/pdf"


def save_row_and_fail(stored):
    assert private_storage().exists(stored.storage_name)
    raise RuntimeError("the row was not saved")


def store_and_fail(seen: list) -> None:
    with stored_upload(upload(), folder="consents") as stored:
        seen.append(stored)
        save_row_and_fail(stored)


def test_it_deletes_the_file_when_the_block_fails():
    seen = []
    with pytest.raises(RuntimeError):
        store_and_fail(seen)
    assert not private_storage().exists(seen[0].storage_name)


def test_it_stores_nothing_without_an_upload():
    with stored_upload(None, folder="consents") as stored:
        assert stored is None
