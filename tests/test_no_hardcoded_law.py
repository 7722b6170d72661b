"""Legal references are data (plans.models.LegalReference): no template, Python string or the
README writes a paragraph itself. Migrations hold the table's seed data and may."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", "node_modules", "tests", "migrations", "var", "static", ".git"}
PARAGRAPH = re.compile(r"§")


def _files(suffix: str) -> list[Path]:
    return [
        path
        for path in ROOT.rglob(f"*{suffix}")
        if not SKIP_DIRS & set(path.relative_to(ROOT).parts)
    ]


def python_strings_with_paragraphs(source: str) -> list[tuple[int, str]]:
    """(line, string) for every string literal (docstrings and f-strings included) that holds
    a paragraph sign; comments are not product text and are not read."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return [
        (token.start[0], token.string)
        for token in tokens
        if token.type == tokenize.STRING and PARAGRAPH.search(token.string)
    ]


def test_the_check_finds_a_paragraph_in_a_string_but_not_in_a_comment():
    source = 'RULE = "forvaltningsloven § 29"\n# pbrl § 7-5 in a comment\nX = f"§§ {1}"\n'
    assert [line for line, _ in python_strings_with_paragraphs(source)] == [1, 3]


def test_no_python_string_holds_a_paragraph_reference():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text[:80]}"
        for path in _files(".py")
        for line, text in python_strings_with_paragraphs(path.read_text())
    ]
    assert len(_files(".py")) > 100
    assert not found, "\n".join(found)


def test_no_template_or_readme_holds_a_paragraph_reference():
    documents = [*_files(".html"), *_files(".txt"), ROOT / "README.md"]
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:80]}"
        for path in documents
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if PARAGRAPH.search(line)
    ]
    assert len(documents) > 100
    assert not found, "\n".join(found)
