"""Shared fixtures. Qt runs offscreen; the app's per-user folder is a temp dir."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PLAN_DRAFTER_HOME", tempfile.mkdtemp(prefix="plan-drafter-home-"))

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_EXAMPLE = ROOT / "resources" / "examples" / "foshan-2020.plan.json"


def example_paths() -> list[Path]:
    """Every example draft the repository ships (tests read nothing outside it)."""
    return sorted((ROOT / "resources" / "examples").glob("*.plan.json"))


@pytest.fixture
def example_path() -> Path:
    return example_paths()[0]


@pytest.fixture
def example_raw(example_path: Path) -> dict:
    return json.loads(example_path.read_text(encoding="utf-8"))


@pytest.fixture
def example_draft(example_path: Path):
    from desktop.storage import load_draft

    return load_draft(example_path)


@pytest.fixture
def template():
    from desktop.templates import load_template

    return load_template("gd-2020-haowangmin")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAN_DRAFTER_HOME", str(tmp_path_factory.mktemp("home")))


# --- tests write only to temporary folders ------------------------------------------------
_TOOL_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache", ".mypy_cache",
              "plan_drafter.egg-info", "build", "dist"}


def _checkout_files() -> set[str]:
    found = set()
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in _TOOL_DIRS]
        found.update(os.path.relpath(os.path.join(folder, f), ROOT) for f in files)
    return found


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config._checkout_before = _checkout_files()  # type: ignore[attr-defined]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = getattr(session.config, "_checkout_before", None)
    if before is None or hasattr(session.config, "workerinput"):
        return
    added = sorted(_checkout_files() - before)
    if added:
        session.config.get_terminal_writer().line(f"tests wrote into the checkout: {added[:10]}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
