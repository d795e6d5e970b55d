"""Progress while a run goes: a bar on a terminal, plain lines otherwise (logs, CI)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress"]

_WIDTH = 30


class Progress:
    """Reports phases and their steps on ``stream`` (standard error by default)."""

    def __init__(
        self, stream: TextIO | None = None, *, enabled: bool = True, tty: bool | None = None
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.tty = self.stream.isatty() if tty is None else tty
        self.phase = ""
        self.total = 0
        self.done = 0
        self.started = time.monotonic()
        self._last_line = -1

    def _write(self, text: str) -> None:
        if self.enabled:
            self.stream.write(text)
            self.stream.flush()

    def start(self, phase: str, total: int) -> None:
        """A phase begins with ``total`` steps (0 when unknown)."""
        self.phase, self.total, self.done = phase, max(total, 0), 0
        self.started = time.monotonic()
        self._last_line = -1
        if not self.tty:
            self._write(f"[dbaas-contracts] {phase}: started ({total} steps)\n")
        else:
            self._draw("")

    def advance(self, label: str = "") -> None:
        """One step of the current phase is done."""
        self.done += 1
        if self.tty:
            self._draw(label)
            return
        if self.total:
            tenth = min(10, self.done * 10 // self.total)
            if tenth > self._last_line:
                self._last_line = tenth
                self._write(f"[dbaas-contracts] {self.phase}: {self.done}/{self.total} {label}\n")
        elif self.done % 10 == 0:
            self._write(f"[dbaas-contracts] {self.phase}: {self.done} {label}\n")

    def _draw(self, label: str) -> None:
        total = self.total or max(self.done, 1)
        filled = min(_WIDTH, _WIDTH * self.done // total)
        bar = "#" * filled + "." * (_WIDTH - filled)
        self._write(f"\r\x1b[2K{self.phase:<10} [{bar}] {self.done}/{self.total or '?'} {label[:60]}")

    def finish(self, phase: str, outcome: str = "done") -> None:
        """The phase ended."""
        elapsed = time.monotonic() - self.started
        if self.tty:
            self._write("\n")
        self._write(f"[dbaas-contracts] {phase}: {outcome} in {elapsed:.1f} s\n")

    def line(self, text: str) -> None:
        """A message between phases."""
        if self.tty:
            self._write("\r\x1b[2K")
        self._write(f"[dbaas-contracts] {text}\n")
