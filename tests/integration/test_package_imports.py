"""No module of the integration imports one that imports it back, even for type checking only.

Each module is read (not imported) and every relative import becomes an edge; a cycle is a
pair of rooms that cannot be understood one without the other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import custom_components.ovh_http2sms as integration

PACKAGE = Path(integration.__file__).parent
NAME = "custom_components.ovh_http2sms"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([NAME, *parts])


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    """The modules of the package an import statement names."""
    base = module.split(".") if is_package else module.split(".")[:-1]
    if node.level:
        base = base[: len(base) - (node.level - 1)]
        target = ".".join([*base, *([node.module] if node.module else [])])
    else:
        target = node.module or ""
    if not target.startswith(NAME):
        return []
    if node.module is None:
        # `from . import name`: a submodule when one has that name, else the package.
        return [
            f"{target}.{alias.name}"
            if (PACKAGE / f"{alias.name}.py").exists()
            or (PACKAGE / alias.name).is_dir()
            else target
            for alias in node.names
        ]
    return [target]


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        module = _module_name(path)
        edges = graph.setdefault(module, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                edges.update(_resolve(module, path.name == "__init__.py", node))
            elif isinstance(node, ast.Import):
                edges.update(
                    alias.name for alias in node.names if alias.name.startswith(NAME)
                )
        edges.discard(module)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                found.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return found


def test_the_package_has_no_import_cycle() -> None:
    """Every module's imports lead away from it, never back."""
    graph = _graph()
    assert f"{NAME}.account" in graph
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    """The check itself sees a module that imports one importing it back."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
