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


# The window's shared code works on a draft of any kind (desktop.kinds): it names no
# field, record or function of one kind. Kind-specific widgets (editors.py,
# report_editors.py, reference_panel.py, ledger_tools.py, superior_dialog.py) are named
# by the kinds' tables, and the document model adapter (document.py) keeps the plan's
# ledger addresses, so they are not scanned.
SHARED_WINDOW_MODULES = ("app.py", "mainwindow.py", "session.py", "start_page.py", "panels.py", "preview.py",
                         "export_dialog.py", "find_dialog.py", "common.py", "messages.py", "file_dialogs.py",
                         "workers.py", "fields.py", "settings.py")
KIND_NAMES = {
    # the plan's record and fields
    "Draft", "Notice", "Plan", "Task", "TaskGroup", "Activity", "Requirement", "notice", "plan", "task_groups",
    "activities", "requirements", "upstream_exemptions", "literacies", "key_tasks", "key_activities",
    "load_draft", "load_draft_with_digest", "parse_draft_bytes", "new_draft", "PLAN",
    # the report's
    "Report", "report", "new_report", "REPORT",
}


def test_shared_window_code_names_no_kind():
    import io
    import tokenize

    found = []
    for name in SHARED_WINDOW_MODULES:
        path = ROOT / "desktop" / "ui" / name
        for tok in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
            if tok.type == tokenize.NAME and tok.string in KIND_NAMES:
                found.append(f"{name}:{tok.start[0]} {tok.string}")
    assert found == []
    assert (ROOT / "desktop" / "ui" / "mainwindow.py").read_text(encoding="utf-8").count("kind") > 10  # scanned


def test_shared_window_code_checks_through_the_kind():
    """desktop.checks.run_checks is the plan's checks: the window's 全部修正 once called it
    on a report and crashed. The shared code checks with ``Kind.run_checks``."""
    import ast

    found = []
    for name in SHARED_WINDOW_MODULES:
        tree = ast.parse((ROOT / "desktop" / "ui" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "desktop.checks":
                found += [f"{name}:{node.lineno} {a.name}" for a in node.names if a.name == "run_checks"]
    assert found == []
