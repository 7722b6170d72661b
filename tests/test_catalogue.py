"""Every string the UI can show is in the English catalogue. Messages are extracted the way
makemessages does it (xgettext over the Python files, and over the templates turned into gettext
calls by Django's templatize), and msgcmp checks that locale/en translates each of them: a new
or changed text without an English translation fails here, not on an English page."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
SKIPPED_DIRS = {".venv", "node_modules", "static", "var", "locale"}
# The keywords makemessages gives xgettext for the "django" domain.
KEYWORDS = [
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
]


def source_files():
    for directory, subdirectories, files in os.walk(ROOT):
        subdirectories[:] = [
            d for d in subdirectories if d not in SKIPPED_DIRS and not d.startswith(".")
        ]
        for name in files:
            if name.endswith((".py", ".html", ".txt")):
                yield Path(directory) / name


def extractable(path: Path, scratch: Path) -> Path:
    """A Python file as it is; a template as the gettext calls templatize makes of it."""
    if path.suffix == ".py":
        return path
    converted = scratch / (str(path.relative_to(ROOT)).replace(os.sep, "__") + ".py")
    converted.write_text(templatize(path.read_text(encoding="utf-8"), origin=str(path)))
    return converted


@pytest.mark.skipif(
    not (shutil.which("xgettext") and shutil.which("msgcmp")), reason="needs GNU gettext"
)
def test_every_string_shown_in_the_ui_is_in_the_english_catalogue(tmp_path):
    files = [str(extractable(path, tmp_path)) for path in source_files()]
    listing = tmp_path / "files.txt"
    listing.write_text("\n".join(files))
    extracted = tmp_path / "extracted.pot"
    subprocess.run(
        [
            "xgettext",
            "--language=Python",
            "--from-code=UTF-8",
            "--no-location",
            "--output",
            str(extracted),
            f"--files-from={listing}",
            *KEYWORDS,
        ],
        check=True,
        capture_output=True,
    )
    assert extracted.stat().st_size > 10_000  # the extraction found the app's texts
    # msgcmp ignores untranslated and fuzzy entries of the catalogue: they count as missing.
    result = subprocess.run(
        ["msgcmp", str(CATALOGUE), str(extracted)], capture_output=True, text=True
    )
    assert result.returncode == 0, missing_messages(extracted, result.stderr)


def missing_messages(extracted: Path, report: str) -> str:
    """The msgid lines msgcmp pointed at, instead of line numbers in a temporary file."""
    lines = extracted.read_text(encoding="utf-8").splitlines()
    pointed = re.findall(rf"{re.escape(str(extracted))}:(\d+):", report)
    found = []
    for number in pointed:
        index = int(number) - 1
        while index > 0 and not lines[index].startswith("msgid "):
            index -= 1
        found.append(lines[index])
    return "Missing in locale/en:\n" + "\n".join(found)
