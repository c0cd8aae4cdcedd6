"""A progress display for long scans: only on a terminal, and only once a scan has run a second.

Short scans (the pre-commit case) and every non-terminal stream (CI logs, pipes, files) never
see it, and never import rich for it.  Updates are throttled, so a tree of 100,000 files pays
a clock read per file, not a redraw.
"""
from __future__ import annotations

import time
from typing import Callable

DELAY = 1.0  # seconds before the display appears
INTERVAL = 0.1  # seconds between updates


def is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """Counts sources done out of ``total`` and draws a rich bar on ``stream`` after ``delay``."""

    def __init__(self, stream, total: int, delay: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.total = total
        self.clock = clock
        self.show_at = clock() + (DELAY if delay is None else delay)
        self.bar = None
        self.task = None

    def advance(self, done: int) -> None:
        now = self.clock()
        if now < self.show_at:
            return
        self.show_at = now + INTERVAL
        if self.bar is None:
            self._start()
        self.bar.update(self.task, completed=done)

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bar

        console = Console(file=self.stream, force_terminal=True)
        self.bar = Bar(TextColumn("kongcheck: scanning"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
                       TimeElapsedColumn(), console=console, transient=True)
        self.bar.start()
        self.task = self.bar.add_task("scan", total=self.total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=self.total)
            self.bar.stop()
            self.bar = None


def for_stream(stream, total: int) -> Progress | None:
    """A Progress for ``stream`` if it is a terminal, else None (no display at all)."""
    return Progress(stream, total) if total and is_terminal(stream) else None
