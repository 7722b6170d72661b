"""manage.py restore BACKUP_DIR --yes: verify the manifest's checksums, replace the database
and the private media with the backup's, then check every stored file. Run it as the owner
role (like migrate), with the installation's own IPPLAN_DATA_KEY."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ipplan import backup


class Command(BaseCommand):
    help = "Restore the database and private media from a backup made by manage.py backup."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)
        parser.add_argument("--yes", action="store_true", help="replace the current data")
        parser.add_argument("--verify-only", action="store_true", help="only the checksums")

    def handle(self, *args, source, yes=False, verify_only=False, **options):
        try:
            if verify_only:
                backup.verify(source)
                self.stdout.write("the backup matches its manifest")
                return
            if not yes:
                raise CommandError("restore replaces the database and files: add --yes")
            backup.restore(source)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        problems = backup.stored_file_problems()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"restored, but {len(problems)} stored files are missing")
        self.stdout.write("restored; every stored file is present with its checksum")
