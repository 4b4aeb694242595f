"""The test seam for desktop.ui.messages: a presenter that opens nothing,
records every message and answers questions from a queue (kept here, not in
production code)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Shown:
    kind: str  # error / warning / info / question / open / save / folder
    text: str
    detail: str = ""
    answer: str = ""


class Recorder:
    def __init__(self) -> None:
        self.history: list[Shown] = []
        self._answers: deque[str] = deque()
        self._paths: deque[str] = deque()

    def queue_answer(self, answer: str) -> None:
        """The answer (a key of ``ask``'s choices) the next question gets; else its default."""
        self._answers.append(answer)

    def queue_path(self, path: str) -> None:
        """What the next file or folder dialog returns ("" = cancelled)."""
        self._paths.append(path)

    def reset(self) -> None:
        self.history.clear()
        self._answers.clear()
        self._paths.clear()

    # the Presenter protocol
    def show(self, kind, parent, text: str, detail: str) -> None:
        self.history.append(Shown(kind, text, detail))

    def ask(self, parent, text: str, choices: dict[str, str], default: str, cancel, detail: str) -> str:
        answer = self._answers.popleft() if self._answers else default
        self.history.append(Shown("question", text, detail, answer))
        return answer

    def path(self, kind: str, title: str, run: Callable[[], str]) -> str:
        path = self._paths.popleft() if self._paths else ""
        self.history.append(Shown(kind, title, answer=path))
        return path


recorder = Recorder()
