"""The house (../shared/style.md): imports run one way, from the top down, and no module is
part of a circle. Read from the source with `ast`, so a function-level import counts too;
imports under `if TYPE_CHECKING:` are annotations only and do not count."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Lower floors first: an app may import its own floor's modules and anything below.
FLOORS = {
    "ipplan": 0,
    "accounts": 1,
    "plans": 2,
    "consent": 3,
    "coordination": 4,
    "casework": 4,
    "complaints": 5,
}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST):
    """Every (line, imported module) in the tree, skipping TYPE_CHECKING blocks."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                yield node.lineno, node.module, alias.name
        stack.extend(ast.iter_child_nodes(node))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_modules() -> dict[str, Path]:
    return {
        _module_name(path): path for app in FLOORS for path in sorted((ROOT / app).rglob("*.py"))
    }


MODULES = _project_modules()


def _resolve(module: str, name: str | None) -> str | None:
    """The project module an import statement loads (`from a.b import c` may load a.b.c)."""
    if name and f"{module}.{name}" in MODULES:
        return f"{module}.{name}"
    return module if module in MODULES else None


def _edges() -> dict[str, set[tuple[str, int]]]:
    edges: dict[str, set[tuple[str, int]]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        for line, imported, name in _imports(tree):
            target = _resolve(imported, name)
            if target and target != module:
                edges.setdefault(module, set()).add((target, line))
    return edges


EDGES = _edges()


def test_the_graph_reads_the_whole_project():
    # The walk finds the apps' modules and their imports (a broken walk would pass vacuously).
    assert {m.split(".")[0] for m in MODULES} == set(FLOORS)
    assert len(MODULES) > 150
    assert any(t == "accounts.models" for t, _ in EDGES["casework.models"])


def test_no_app_imports_an_app_above_it_or_beside_it():
    wrong = sorted(
        f"{module}:{line} imports {target}"
        for module, targets in EDGES.items()
        for target, line in targets
        if module.split(".")[0] != target.split(".")[0]
        and FLOORS[target.split(".")[0]] >= FLOORS[module.split(".")[0]]
    )
    assert wrong == []


def test_no_module_is_part_of_a_circle():
    graph = {m: {t for t, _ in EDGES.get(m, ())} for m in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    circles: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in graph:
        if module not in index:
            visit(module)
    assert circles == []
