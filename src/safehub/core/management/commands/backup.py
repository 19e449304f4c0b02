"""``safehub backup FILE``: a verified backup (SQLite online backup API, or pg_dump)."""

import time

from django.core.management.base import BaseCommand

from safehub.core.backup import backup


class Command(BaseCommand):
    help = "Back up the database to FILE and write FILE.manifest.json (row counts, audit checksum)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        started = time.perf_counter()
        info = backup(file)
        self.stdout.write(
            f"backed up {sum(info['tables'].values()):,} rows in {len(info['tables'])} tables to {file} "
            f"({time.perf_counter() - started:.1f} s); audit sha256 {info['audit_sha256'][:16]}..."
        )
