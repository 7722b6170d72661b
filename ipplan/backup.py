"""Backups: a consistent copy of the database (pg_dump's custom format) and of the private
media, with a manifest of SHA-256 checksums; restore; and the check that every stored file the
database refers to exists with the right checksum.

The data key (IPPLAN_DATA_KEY) is never written into a backup: a stolen backup must not reveal
identity numbers. It lives in the installation's secret store and is needed, unchanged, to read
a restored database.

Files are named in the database by generated names; which fields hold them is listed here by
app label and model name (looked up, not imported, so that the frame imports no app).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, connections

MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media"

# (model, field with the storage name, field with its SHA-256 or None)
STORED_FILES = [
    ("plans.SubPlan", "storage_name", "sha256"),
    ("plans.ArchiveRecord", "storage_name", "sha256"),
    ("casework.Letter", "storage_name", "sha256"),
    ("consent.Consent", "paper_storage_name", "paper_sha256"),
    ("complaints.Complaint", "case_file", "case_file_sha256"),
    ("complaints.Complaint", "scanned_form", None),
    ("complaints.Complaint", "power_of_attorney", None),
    ("casework.Case", "scanned_form", None),
    ("accounts.Representation", "document", None),
]


class BackupError(Exception):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env() -> tuple[list[str], dict]:
    db = settings.DATABASES["default"]
    if connections["default"].vendor != "postgresql":
        raise BackupError("backup and restore need PostgreSQL (DATABASE_URL)")
    args = ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432)]
    args += ["--username", db["USER"]]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    env.pop("IPPLAN_DATA_KEY", None)  # the tools never need it
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (the PostgreSQL client tools)")
    return path


def row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def backup(destination: Path) -> Path:
    """Write database.dump, media/ and manifest.json into a new directory under
    `destination`; returns it. pg_dump takes one snapshot, so the dump is consistent; files
    are only ever added under new names, so copying them after the dump misses none the dump
    refers to."""
    target = destination / datetime.datetime.now(datetime.UTC).strftime("ipplan-%Y%m%dT%H%M%SZ")
    target.mkdir(parents=True)
    args, env = _pg_env()
    dump = target / DUMP
    name = settings.DATABASES["default"]["NAME"]
    subprocess.run(  # noqa: S603 (a fixed program; arguments from settings, no shell)
        [_tool("pg_dump"), *args, "--format=custom", "--file", str(dump), name],
        env=env,
        check=True,
        capture_output=True,
    )
    media_root = Path(settings.PRIVATE_MEDIA_ROOT)
    files = {}
    if media_root.exists():
        shutil.copytree(media_root, target / MEDIA)
        for path in sorted((target / MEDIA).rglob("*")):
            if path.is_file():
                files[path.relative_to(target / MEDIA).as_posix()] = sha256_of(path)
    manifest = {
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "database": {"file": DUMP, "sha256": sha256_of(dump), "name": name},
        "row_counts": row_counts(),
        "files": files,
        "data_key": "not included: restore with the installation's IPPLAN_DATA_KEY",
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return target


def verify(source: Path) -> dict:
    """The manifest, after checking every checksum in it; BackupError on any mismatch."""
    manifest = json.loads((source / MANIFEST).read_text())
    if sha256_of(source / DUMP) != manifest["database"]["sha256"]:
        raise BackupError("the database dump does not match its checksum")
    for name, digest in manifest["files"].items():
        path = source / MEDIA / name
        if not path.is_file() or sha256_of(path) != digest:
            raise BackupError(f"file {name} is missing or does not match its checksum")
    return manifest


def restore(source: Path) -> dict:
    """Restore the database and the private media from a verified backup (replacing both)."""
    manifest = verify(source)
    args, env = _pg_env()
    connection.close()
    subprocess.run(  # noqa: S603 (a fixed program; arguments from settings, no shell)
        [
            _tool("pg_restore"),
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            settings.DATABASES["default"]["NAME"],
            str(source / DUMP),
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    media_root = Path(settings.PRIVATE_MEDIA_ROOT)
    if (source / MEDIA).exists():
        shutil.copytree(source / MEDIA, media_root, dirs_exist_ok=True)
    return manifest


def stored_file_problems() -> list[str]:
    """Every stored file the database refers to that is missing or has another checksum
    (model, row id and generated name: nothing of the content)."""
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    problems = []
    for label, name_field, sha_field in STORED_FILES:
        model = apps.get_model(label)
        fields = ["pk", name_field] + ([sha_field] if sha_field else [])
        for row in model.objects.exclude(**{name_field: ""}).values_list(*fields):
            pk, stored, expected = row[0], str(row[1]), (row[2] if sha_field else None)
            if not stored or stored == "None":
                continue
            path = root / stored
            if not path.is_file():
                problems.append(f"{label} {pk}: {stored} is missing")
            elif expected and sha256_of(path) != expected:
                problems.append(f"{label} {pk}: {stored} has another SHA-256")
    return problems
