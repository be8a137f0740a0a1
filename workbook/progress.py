"""What the tool says while it works.

By default a command prints its results (the files written, the problems found) on
standard output and nothing else; ``--quiet`` drops even those when all went well;
``--verbose`` also reports each step (what is loaded, computed and written) with its
time. Steps go to standard error through the ``workbook`` logger, so that standard
output keeps only results and can be piped.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

LOGGER = logging.getLogger("workbook")

_FORMAT = "tech-trade: %(message)s"


class _StepHandler(logging.StreamHandler[TextIO]):
    """Marks the handler :func:`configure` installs, so that configuring again replaces it."""


def configure(verbose: bool) -> None:
    """Report steps on the current standard error when ``verbose``; otherwise keep quiet."""
    for handler in [handler for handler in LOGGER.handlers if isinstance(handler, _StepHandler)]:
        LOGGER.removeHandler(handler)
    if verbose:
        handler = _StepHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(_FORMAT))
        LOGGER.addHandler(handler)
        LOGGER.setLevel(logging.INFO)
    else:
        LOGGER.setLevel(logging.WARNING)


@dataclass
class Step:
    """One step being timed; set ``result`` to say what it came to ("53 rows")."""

    what: str
    result: str = ""


@contextlib.contextmanager
def step(what: str) -> Iterator[Step]:
    """Time the block and report it as one line: ``what: result (0.12 s)``.

    A step that fails is not reported: the error says what happened.
    """
    current = Step(what)
    started = time.perf_counter()
    yield current
    if LOGGER.isEnabledFor(logging.INFO):
        result = f": {current.result}" if current.result else ""
        LOGGER.info("%s%s (%.2f s)", current.what, result, time.perf_counter() - started)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Report no steps inside the block: a step done over and over would bury the others."""
    level = LOGGER.level
    LOGGER.setLevel(logging.WARNING)
    try:
        yield
    finally:
        LOGGER.setLevel(level)


class Bar:
    """A progress bar on standard error, redrawn in place: ``fetching [#####.....] 12/40 what``.

    Drawn only on a terminal (a log or a pipe gets no bar: ``--verbose`` says each step
    there) and unless disabled (``--quiet``); ``stream`` and ``terminal`` are for tests.
    """

    WIDTH = 24

    def __init__(self, label: str, total: int, enabled: bool = True, stream: TextIO | None = None,
                 terminal: bool | None = None) -> None:
        self.label, self.total, self.done = label, total, 0
        self.stream = stream if stream is not None else sys.stderr
        is_terminal = terminal if terminal is not None else bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = enabled and is_terminal and total > 0
        self._drawn = False

    def show(self, what: str = "") -> None:
        if not self.enabled:
            return
        filled = self.WIDTH * self.done // self.total
        line = f"{self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.done}/{self.total} {what}"
        # \r and the clearing escape redraw the line in place.
        self.stream.write(f"\r\x1b[K{line}")
        self.stream.flush()
        self._drawn = True

    def advance(self) -> None:
        self.done += 1
        self.show()

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
