"""The layout stays honest: tests mirror the package, and the package's imports stay simple.

- Every folder of tests/ (except the shared ones in ``NOT_A_STAGE``) is named after a
  package folder of generator/ or a top-level module of it (``generator/<name>.py``).
- No import cycle among the modules of generator/: read from the ``import`` statements of
  each module (those under ``if TYPE_CHECKING:`` are for the type checker only and do not
  count), there is no module that ends up importing itself.
- No ``import`` statement inside a function body in generator/: every module says what it
  needs at its top, and a dependency is never hidden in a function.

Each finding is reported at its file:line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generator"
TESTS = ROOT / "tests"
#: Folders of tests/ that hold what every stage's tests share, not the tests of a stage.
NOT_A_STAGE = {"helpers", "fixtures", "golden", "hostile"}


def modules() -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by its ``__init__.py``)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "__pycache__" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT).as_posix()}:{node.lineno}"


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


# ---------------------------------------------------------------- tests mirror the package


def test_every_test_folder_is_a_stage_of_the_package() -> None:
    stages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    stages |= {p.stem for p in PACKAGE.glob("*.py") if not p.name.startswith("_")}
    folders = sorted(
        p.name
        for p in TESTS.iterdir()
        if p.is_dir()
        and not p.name.startswith((".", "_"))
        and p.name not in NOT_A_STAGE
        and any(p.glob("*.py"))  # a folder left with only __pycache__ is no stage
    )
    assert folders, "tests/ has no stage folders"
    strays = [f"tests/{name}/" for name in folders if name not in stages]
    assert strays == [], (
        f"test folders without a generator/<folder> or generator/<module>.py: {strays}"
    )


# ---------------------------------------------------------------- imports


@dataclass(frozen=True)
class Import:
    """One import of a generator module by another, where it is written."""

    target: str
    at: str
    in_function: bool


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(node: ast.AST, in_function: bool = False) -> Iterator[tuple[ast.stmt, bool]]:
    """Every import statement under ``node`` that runs when its module or function runs, and
    whether it is inside a function body."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, in_function
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for stmt in child.orelse:  # the body runs for the type checker only
                yield from _imports(ast.Module(body=[stmt], type_ignores=[]), in_function)
        else:
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            yield from _imports(child, inner)


def _base(name: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute module an ``import from`` statement names (relative ones resolved)."""
    if not node.level:
        return node.module or ""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    package = package[: len(package) - node.level + 1]
    return ".".join([*package, node.module] if node.module else package)


def imports_of(name: str, path: Path, known: set[str]) -> list[Import]:
    """The generator modules that module ``name`` (the file ``path``) imports."""
    found = []
    for node, in_function in _imports(parse(path)):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = _base(name, path, node)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                targets.append(sub if sub in known else base)
        for target in targets:
            if target in known and target != name:
                found.append(Import(target, where(path, node), in_function))
    return found


def import_graph() -> dict[str, list[Import]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(name, path, known) for name, path in mods.items()}


def cycles(graph: dict[str, list[Import]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for edge in graph[v]:
            w = edge.target
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(groups)


def cycle_path(graph: dict[str, list[Import]], group: list[str]) -> list[Import]:
    """One cycle through the first module of a group, as the imports that make it."""
    members = set(group)
    start = group[0]
    # breadth-first from start back to start, inside the group
    paths: dict[str, list[Import]] = {start: []}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for edge in graph[v]:
            if edge.target not in members:
                continue
            if edge.target == start:
                return [*paths[v], edge]
            if edge.target not in paths:
                paths[edge.target] = [*paths[v], edge]
                queue.append(edge.target)
    raise AssertionError(f"no cycle through {start}")  # a group always holds one


def test_no_import_cycle_among_generator_modules() -> None:
    graph = import_graph()
    assert len(graph) > 10, "the generator package was not found"
    found = []
    for group in cycles(graph):
        steps = "; ".join(f"{e.at} imports {e.target}" for e in cycle_path(graph, group))
        found.append(f"{' ↔ '.join(group)}: {steps}")
    assert found == [], "import cycles:\n" + "\n".join(found)


def test_no_import_inside_a_function_in_generator() -> None:
    offenders = []
    for path in modules().values():
        for node, in_function in _imports(parse(path)):
            if in_function:
                offenders.append((path, node.lineno, f"{where(path, node)}: {ast.unparse(node)}"))
    found = [text for _, _, text in sorted(offenders, key=lambda o: (o[0], o[1]))]
    assert found == [], "imports inside functions:\n" + "\n".join(found)
