"""The per-document time budget: a cheap deadline checked by the stages, and a timer backstop.

`Deadline.check()` costs one clock read; the pipeline calls it between stages and the long
loops of the stages call it every so often, so an overrun becomes a `BudgetExceeded` (an
`AnalysisError`, hence a recorded failure) naming the stage it happened in. In the main
thread of a POSIX process, `alarm(deadline)` also arms a SIGALRM timer whose handler
raises the same error, which interrupts pure-Python code that does not check. Neither can
interrupt a single call into C (one regular-expression match, one spaCy batch): the caps of
each stage (docs/reliability.md) are what bound those.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType

from newstrace.errors import AnalysisError

__all__ = ["BudgetExceeded", "Deadline", "alarm"]


class BudgetExceeded(AnalysisError):
    """The document took longer than `analysis.time_budget` to analyse."""


@dataclass
class Deadline:
    """When the analysis of one document must stop; `budget` 0 means never."""

    budget: float
    stage: str = ""
    started: float = field(default_factory=time.monotonic)
    # Set while a model loads (`paused`); the timer re-armed when it ends (`alarm`).
    paused_at: float | None = None
    rearm: Callable[[], None] | None = None

    @property
    def at(self) -> float:
        return self.started + self.budget if self.budget > 0 else float("inf")

    def expired(self) -> bool:
        return self.paused_at is None and time.monotonic() >= self.at

    def check(self) -> None:
        """Raise `BudgetExceeded` naming the current stage once the budget is spent."""
        if self.budget > 0 and self.expired():
            raise self.exceeded()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Time spent inside does not count: loading a model once per process is not the
        document's doing (the first document of a run would pay for every model)."""
        if self.paused_at is not None:
            yield
            return
        self.paused_at = time.monotonic()
        try:
            yield
        finally:
            self.started += time.monotonic() - self.paused_at
            self.paused_at = None
            if self.rearm is not None:
                self.rearm()

    def exceeded(self) -> BudgetExceeded:
        where = f" (in stage {self.stage})" if self.stage else ""
        return BudgetExceeded(
            f"analysis took over {self.budget:g} s{where}; raise analysis.time_budget to allow more"
        )


# Slack given to the stages' own checks before the timer interrupts: they stop at a clean
# point, the timer only when they do not come back in time.
ALARM_GRACE = 0.25


@contextmanager
def alarm(deadline: Deadline) -> Iterator[None]:
    """Interrupt the enclosed code when the deadline passes (main thread, POSIX only).

    Any handler and timer set before are put back afterwards, the timer with what is left
    of its delay. In another thread, or where `setitimer` does not exist, or with no
    budget, this does nothing and the stages' checks alone apply.
    """
    if (
        deadline.budget <= 0
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        if deadline.paused_at is None:  # a model loading: `paused` re-arms when it is done
            raise deadline.exceeded()

    def arm() -> None:
        signal.setitimer(signal.ITIMER_REAL, max(deadline.at - time.monotonic(), 0.0) + ALARM_GRACE)

    previous = signal.signal(signal.SIGALRM, interrupt)
    armed_at = time.monotonic()
    before_delay, before_interval = signal.getitimer(signal.ITIMER_REAL)
    arm()
    deadline.rearm = arm
    try:
        yield
    finally:
        deadline.rearm = None
        signal.setitimer(signal.ITIMER_REAL, 0)
        # None: the handler was set outside Python; the default is the closest we can restore.
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
        if before_delay > 0:
            left = before_delay - (time.monotonic() - armed_at)
            # An earlier timer that fell due meanwhile fires at once, not never.
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), before_interval)
