"""Boundaries the design depends on."""

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_core_imports_without_qt():
    code = ("import sys, desktop.model, desktop.checks, desktop.storage, desktop.templates, desktop.document, "
            "desktop.official, desktop.cli, desktop.export, desktop.layout, desktop.ledger; "
            "import pkgutil, importlib\n"
            "for pkg in ('desktop.export', 'desktop.layout', 'desktop.ledger', 'desktop.superior', 'desktop.kinds',\n"
            "            'desktop.kinds.report'):\n"
            "    m = importlib.import_module(pkg)\n"
            "    for info in pkgutil.iter_modules(m.__path__): importlib.import_module(pkg + '.' + info.name)\n"
            "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_no_pyside_outside_ui():
    offenders = []
    for path in (ROOT / "desktop").rglob("*.py"):
        if "ui" in path.relative_to(ROOT / "desktop").parts[:1]:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(n.startswith("PySide6") for n in names):
                offenders.append(str(path))
    assert offenders == []


def test_every_package_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "desktop").rglob("__init__.py")}
    assert found <= listed


def _ui_imports() -> dict[str, set[str]]:
    """desktop.ui module -> the desktop.ui modules it imports (anywhere in it, lazily too)."""
    graph: dict[str, set[str]] = {}
    for path in (ROOT / "desktop" / "ui").glob("*.py"):
        name = path.stem
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level == 1:
                    deps |= {module.split(".")[0]} if module else {a.name for a in node.names}
                elif module.startswith("desktop.ui."):
                    deps.add(module.split(".")[2])
        graph[name] = {d for d in deps if d != name}
    return graph


def test_no_import_cycle_between_ui_modules():
    graph = _ui_imports()
    assert "mainwindow" in graph["app"]  # the graph is read at all
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        for dep in sorted(graph.get(node, ())):
            if dep in stack:
                cycles.append(stack[stack.index(dep):] + [dep])
            elif len(stack) < 12:
                visit(dep, stack + [dep])

    for start in sorted(graph):
        visit(start, [start])
    assert cycles == []


def test_the_launcher_knows_every_command():
    import argparse

    from desktop.cli import _register_optional, build_parser
    from desktop.launcher import CLI_VERBS

    _register_optional()
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == {"new", "check", "template", "export", "ledger", "report"}
    assert set(sub.choices) <= CLI_VERBS  # else the frozen program opens the window for that command
