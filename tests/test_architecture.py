"""The shape of the package: no import cycle between newstrace's modules.

The graph is built from the source with `ast`, so it sees every import: at the top of a
module, under `if TYPE_CHECKING:`, inside functions, and `importlib.import_module("...")`
with a literal name. `from P import y` is an edge to `P.y` when that is a module (the name
comes from it, not from the package's `__init__`), else to `P`.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "newstrace"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute name of a relative import `from .{level}target import …`."""
    if level == 0:
        return target or ""
    base = module.split(".")
    if not is_package:
        base.pop()
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def imports(module: str, path: Path, known: set[str]) -> set[str]:
    """The newstrace modules `module` imports, wherever in its source the import is."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            source = resolve(module, is_package, node.level, node.module)
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                found.add(submodule if submodule in known else source)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (getattr(node.func, "attr", None) or getattr(node.func, "id", None))
            == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return {name for name in found if name in known and name != module}


def import_graph() -> dict[str, set[str]]:
    known = modules()
    names = set(known)
    return {name: imports(name, path, names) for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of two or more modules (Tarjan), each as one cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [one_cycle(graph, group) for group in sorted(groups)]


def one_cycle(graph: dict[str, set[str]], group: list[str]) -> list[str]:
    """A shortest import path from the group's first module back to itself."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node] & members):
                if target == start:
                    return [*paths[node], start]
                if target not in paths:
                    paths[target] = [*paths[node], target]
                    following.append(target)
        frontier = following
    return group


def test_the_package_has_no_import_cycle() -> None:
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_the_graph_sees_imports_in_functions_type_checking_and_relative_forms() -> None:
    graph = import_graph()
    assert "newstrace.analysis.base" in graph["newstrace.nlp.models"]  # under TYPE_CHECKING
    assert "newstrace.analysis.claims" in graph["newstrace.pipeline"]
    assert "newstrace.langdata" in graph["newstrace.analysis.clean"]  # from newstrace import
    assert "newstrace" not in graph["newstrace.analysis.clean"]
    assert resolve("newstrace.a.b", False, 2, "c") == "newstrace.c"
    assert resolve("newstrace.a", True, 1, "b") == "newstrace.a.b"


def test_cycles_are_found_and_named() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]


def test_the_analysis_layer_never_imports_the_pipeline_or_the_layers_above() -> None:
    above = ("newstrace.pipeline", "newstrace.store", "newstrace.stories", "newstrace.compare")
    above += ("newstrace.web", "newstrace.cli", "newstrace.ingestion", "newstrace.facade")
    above += ("newstrace.batch",)
    for module, targets in import_graph().items():
        if module.startswith("newstrace.analysis"):
            wrong = sorted(t for t in targets if t.startswith(above))
            assert not wrong, f"{module} imports {', '.join(wrong)}"
