"""One loader per object type (../shared/style.md): plans, meetings, message threads, cases,
letters, decisions and complaints reach a view only through their loader, which answers 404
to anyone without access. A view that reads one of these models itself would skip that door."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ["accounts", "plans", "consent", "coordination", "casework", "complaints"]
LOADED = {"Plan", "Meeting", "MessageThread", "Case", "Letter", "Decision", "Complaint"}


def _view_modules() -> list[Path]:
    found = []
    for app in APPS:
        base = ROOT / app
        found += sorted(base.glob("views*.py")) + sorted((base / "views").glob("*.py"))
    return found


def _direct_reads(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    wrong = []
    for node in ast.walk(tree):
        # Model.objects...
        if (
            isinstance(node, ast.Attribute)
            and node.attr in {"objects", "_default_manager", "_base_manager"}
            and isinstance(node.value, ast.Name)
            and node.value.id in LOADED
        ):
            wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}.{node.attr}")
        # get_object_or_404(Model, ...) / get_list_or_404(Model, ...)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"get_object_or_404", "get_list_or_404"}
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in LOADED
        ):
            wrong.append(
                f"{path.relative_to(ROOT)}:{node.lineno} {node.func.id}({node.args[0].id})"
            )
    return wrong


def test_the_walk_finds_the_view_modules():
    names = {str(p.relative_to(ROOT)) for p in _view_modules()}
    assert {"casework/views/cases.py", "complaints/views.py", "plans/views/plan.py"} <= names


def test_no_view_loads_a_plan_meeting_thread_case_or_complaint_around_its_loader():
    wrong = [line for path in _view_modules() for line in _direct_reads(path)]
    assert wrong == []
