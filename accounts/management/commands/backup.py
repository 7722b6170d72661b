"""manage.py backup DIR: the database (pg_dump custom format) and the private media, with a
manifest of SHA-256 checksums; never the data key. `--check` instead verifies that every
stored file the database refers to exists with the right checksum (run it after a restore)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ipplan import backup


class Command(BaseCommand):
    help = "Back up the database and private media, or check the stored files (--check)."

    def add_arguments(self, parser):
        parser.add_argument("destination", nargs="?", type=Path)
        parser.add_argument("--check", action="store_true", help="verify the stored files")

    def handle(self, *args, destination=None, check=False, **options):
        if check:
            problems = backup.stored_file_problems()
            for problem in problems:
                self.stderr.write(problem)
            if problems:
                raise CommandError(f"{len(problems)} stored files are missing or changed")
            self.stdout.write("every stored file is present with its checksum")
            return
        if destination is None:
            raise CommandError("give the directory to write the backup into")
        try:
            target = backup.backup(destination)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(target))
