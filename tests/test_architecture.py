"""The apps' modules import one another without a loop.

A loop between modules only works in the order Python happens to load them, and the usual dodge
(an import inside a function) hides it. This walks the module-level imports of the app packages
with `ast`, without importing anything, and fails on every cycle, inside an app or between apps,
printing it. Imports inside functions and under `if TYPE_CHECKING:` do not count.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("portal", "directory", "importers", "search", "mentorship")

# Cycles known today that are others' to cut, as the set of modules in each loop. The test also
# fails when one of them no longer occurs, so this list can only shrink: delete an entry once
# its loop is gone.
KNOWN_CYCLES: set[frozenset[str]] = set()


def module_files() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _module_level_imports(tree: ast.Module):
    """Import statements that run when the module is imported (not in functions, not type-only)."""
    pending = list(tree.body)
    while pending:
        node = pending.pop(0)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            pending.extend(node.orelse)
        else:
            pending.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt))
            if isinstance(node, ast.Try):
                for handler in node.handlers:
                    pending.extend(handler.body)


def _with_packages(name: str) -> list[str]:
    """Importing a.b.c runs a, then a.b, then a.b.c."""
    parts = name.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def import_graph() -> dict[str, set[str]]:
    modules = module_files()
    graph = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        package = name if is_package else name.rpartition(".")[0]
        # A module's own packages are already loading when it runs: importing them adds no edge.
        own = set(_with_packages(package)) | {name}
        imported = set()
        for node in _module_level_imports(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [base]
                submodules = (f"{base}.{alias.name}" for alias in node.names)
                targets += [submodule for submodule in submodules if submodule in modules]
            for target in targets:
                imported.update(m for m in _with_packages(target) if m in modules)
        graph[name] = imported - own
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One closed path through each group of modules that import each other (Tarjan's SCCs)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_closed_path(graph, group) for group in groups]


def _closed_path(graph, group):
    """A shortest path from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(graph[node] & group):
                if nxt == start:
                    return paths[node] + [start]
                if nxt not in paths:
                    paths[nxt] = paths[node] + [nxt]
                    following.append(nxt)
        frontier = following
    return sorted(group)  # pragma: no cover - a strongly connected group always closes


def describe(cycle: list[str]) -> str:
    apps = {name.split(".")[0] for name in cycle}
    where = "between apps" if len(apps) > 1 else f"inside {apps.pop()}"
    return f"{where}: " + " -> ".join(cycle)


def test_the_walk_sees_a_loop():
    graph = {"a.x": {"a.y"}, "a.y": {"b"}, "b": {"a.x"}, "c": {"a.x"}}
    assert cycles(graph) == [["a.x", "a.y", "b", "a.x"]]
    assert describe(cycles(graph)[0]) == "between apps: a.x -> a.y -> b -> a.x"


def test_an_import_of_a_submodule_runs_its_package_first():
    graph = import_graph()
    # directory.models.pages is inside the package: no edge back to directory.models.
    assert "directory.models" not in graph["directory.models.pages"]
    assert "directory.models.entries" in graph["directory.models.pages"]
    # portal.models is outside it: importing directory.models.X runs directory.models first.
    assert "directory.models" in graph["portal.models"]
    # Imports inside functions do not count: search.api loads its engines on first use.
    assert "search.engines.database" not in graph["search.api"]


def test_no_import_cycles():
    found = cycles(import_graph())
    groups = {frozenset(cycle) for cycle in found}
    new = [describe(cycle) for cycle in found if frozenset(cycle) not in KNOWN_CYCLES]
    gone = [sorted(group) for group in KNOWN_CYCLES - groups]
    assert not new, "import cycles:\n  " + "\n  ".join(new)
    assert not gone, f"these known cycles no longer occur: delete them from KNOWN_CYCLES: {gone}"
