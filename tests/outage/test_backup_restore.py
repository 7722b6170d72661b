"""Issue 10, point 6: back up, drop everything, restore, and compare row counts, stored files
and the append-only log triggers (PostgreSQL, pg_dump and pg_restore). A missing stored file is
found by the check and gives the user a clear page, not a 500."""

from __future__ import annotations

import json
import shutil
import sys
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from ipplan import backup
from ipplan.append_only import append_only_tables
from plans.models import ArchiveRecord
from plans.services.archive import archive_snapshot
from tests.clients import StagedLoginClient

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql" or not shutil.which("pg_dump"),
    reason="!!! SKIPPED: backup and restore need PostgreSQL and pg_dump (DATABASE_URL) !!!",
)


def log_triggers() -> set[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
        )
        return set(cursor.fetchall())


def drop_everything():
    """As if the database server had been lost: every table and the log function gone."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
        cursor.execute("DROP FUNCTION IF EXISTS ipplan_log_append_only() CASCADE")
    assert connection.introspection.table_names() == []


@pytest.fixture
def archived(plan, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return archive_snapshot(plan=plan, reason=ArchiveRecord.Reason.PERIODIC)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_rows_files_and_log_triggers(archived, settings, tmp_path, capsys):
    triggers = log_triggers()
    assert {t for t in triggers if t[0] in append_only_tables()}  # the logs are protected
    started = time.monotonic()
    call_command("backup", tmp_path / "backups")
    took_backup = time.monotonic() - started
    (target,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((target / backup.MANIFEST).read_text())
    assert settings.IPPLAN_DATA_KEY not in (target / backup.MANIFEST).read_text()
    assert archived.storage_name in manifest["files"]

    drop_everything()
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT)
    started = time.monotonic()
    call_command("restore", target, "--yes")
    took_restore = time.monotonic() - started
    drill = (
        f"drill backup/restore: {len(manifest['row_counts'])} tables, "
        f"{sum(manifest['row_counts'].values())} rows, {len(manifest['files'])} files, "
        f"{len(triggers)} triggers; backup {took_backup:.1f} s, restore {took_restore:.1f} s\n"
    )

    assert backup.row_counts() == manifest["row_counts"]
    assert log_triggers() == triggers
    restored = ArchiveRecord.objects.get(pk=archived.pk)
    path = settings.PRIVATE_MEDIA_ROOT / restored.storage_name
    assert backup.sha256_of(path) == restored.sha256
    call_command("backup", "--check")
    assert "every stored file is present" in capsys.readouterr().out
    sys.stderr.write(drill)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_before_anything_is_replaced(archived, tmp_path):
    call_command("backup", tmp_path / "backups")
    (target,) = (tmp_path / "backups").iterdir()
    (target / backup.MEDIA / archived.storage_name).write_bytes(b"not the archive copy")
    with pytest.raises(CommandError, match="does not match"):
        call_command("restore", target, "--yes")
    assert ArchiveRecord.objects.filter(pk=archived.pk).exists()


@pytest.mark.django_db
def test_a_missing_file_is_found_by_the_check_and_is_a_clear_page(
    archived, settings, coordinator, caplog
):
    (settings.PRIVATE_MEDIA_ROOT / archived.storage_name).unlink()
    with pytest.raises(CommandError, match="1 stored files"):
        call_command("backup", "--check")
    browser = StagedLoginClient(raise_request_exception=False)
    browser.force_login(coordinator)
    url = reverse("plans:archive_download", args=[archived.plan_id, archived.pk])
    response = browser.get(url)
    assert response.status_code == 404
    assert "Filen finnes ikke lenger" in response.content.decode()
    assert "stored file missing" in caplog.text
