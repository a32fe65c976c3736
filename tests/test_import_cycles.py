"""Imports between engagement's modules run one way (../shared/DESIGN.md): no module imports,
directly or through others, a module that imports it back.

The graph is read from the source (``ast``), so imports inside functions count too: a deferred
import hides a cycle from Python but not from whoever changes the code. Two kinds of edge are left
out because they are how Flask features are assembled, not dependencies: a package's
``__init__`` importing its own modules (``from engagement.events import routes`` registers the
blueprint's views), and imports of the root package ``engagement`` (the app factory).
"""

from __future__ import annotations

import ast
from pathlib import Path

import engagement

PACKAGE_DIR = Path(engagement.__file__).parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    """{module: engagement modules it imports}, with the exclusions above."""
    paths = {module_name(p): p for p in PACKAGE_DIR.rglob("*.py")}
    packages = {module_name(p) for p in PACKAGE_DIR.rglob("__init__.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        is_package = name in packages
        base = name if is_package else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                source = node.module or ""
                if node.level:
                    anchor = base.split(".")[: len(base.split(".")) - node.level + 1]
                    source = ".".join([*anchor, source] if source else anchor)
                for alias in node.names:
                    candidate = f"{source}.{alias.name}"
                    targets.add(candidate if candidate in paths else source)
        graph[name] = {
            target
            for target in targets
            if target in paths
            and target != "engagement"
            and target != name
            and not (is_package and target.startswith(name + "."))
        }
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state:
            found = visit(module)
            if found:
                return found
    return None


def test_the_walker_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_the_graph_sees_deferred_and_relative_imports():
    graph = import_graph()
    # meetups publishes roadmap drafts: meetups depends on the roadmap (a top-level import) ...
    assert "engagement.roadmap.adapter" in graph["engagement.meetups.services"]
    # ... and `scale` loads reference data through `seed` (an import inside a function).
    assert "engagement.seed" in graph["engagement.scale"]


def test_no_import_cycle_among_engagement_modules():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_roadmap_does_not_import_meetups():
    """DESIGN.md: roadmap (pure planner + board) <── meetups; the planner's modules know no feature."""
    graph = import_graph()
    for module in ("adapter", "calendar", "instance", "planner", "checker"):
        imported = graph[f"engagement.roadmap.{module}"]
        assert not {m for m in imported if m.startswith("engagement.meetups")}, module
