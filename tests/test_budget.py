"""The per-document time budget: checked between stages, in loops, and by a SIGALRM timer.

These tests use budgets of a fraction of a second and stages that overrun on purpose; they
check what happens (a failure naming the stage, the run goes on, handlers restored), never
how fast anything is.
"""

from __future__ import annotations

import signal
import threading
import time

import pytest

from newstrace.analysis.base import Context, stage
from newstrace.analysis.budget import BudgetExceeded, Deadline, alarm
from newstrace.analysis.extract import extract
from newstrace.model import Article, Failure, RawDocument
from newstrace.pipeline import Pipeline, try_analyze
from newstrace.settings import AnalysisSettings, Settings

BUDGET = 0.3
# A stage that never checks still stops by itself after this long, so that a broken
# timer fails the test instead of hanging the run.
GIVE_UP = 20.0


def _context(budget: float = BUDGET) -> Context:
    return Context(settings=Settings(analysis=AnalysisSettings(time_budget=budget)))


@stage("patient", reads=["text"], writes=["summary"])
def patient(article: Article, context: Context) -> Article:
    """A long loop that checks the deadline, as the stages' loops do."""
    stop = time.monotonic() + GIVE_UP
    while time.monotonic() < stop:
        context.deadline.check()
    return article


@stage("stubborn", reads=["text"], writes=["summary"])
def stubborn(article: Article, context: Context) -> Article:
    """Pure Python that never checks: only the timer can stop it."""
    stop = time.monotonic() + GIVE_UP
    total = 0
    while time.monotonic() < stop:
        total += 1
    return article


@stage("slow", reads=["text"], writes=["summary"])
def slow(article: Article, context: Context) -> Article:
    """Overruns the budget without checking, then returns."""
    time.sleep(BUDGET * 2)
    return article


RAW = RawDocument(source="long.txt", text="A document that takes too long to analyse.")


def test_a_loop_that_checks_stops_at_the_budget_with_a_reason_naming_the_stage() -> None:
    outcome = try_analyze(RAW, _context(), Pipeline([extract, patient]))
    assert isinstance(outcome, Failure)
    assert outcome.source == "long.txt"
    assert outcome.reason == (
        f"analysis took over {BUDGET:g} s (in stage patient); "
        "raise analysis.time_budget to allow more"
    )


def test_the_timer_interrupts_pure_python_that_never_checks() -> None:
    assert threading.current_thread() is threading.main_thread()
    outcome = try_analyze(RAW, _context(), Pipeline([extract, stubborn]))
    assert isinstance(outcome, Failure)
    assert "(in stage stubborn)" in outcome.reason


def test_a_stage_that_overran_is_caught_when_it_returns() -> None:
    outcome = try_analyze(RAW, _context(), Pipeline([extract, slow]))
    assert isinstance(outcome, Failure)
    assert "(in stage slow)" in outcome.reason


def test_in_another_thread_no_signal_is_used_and_the_checks_still_apply() -> None:
    before = signal.getsignal(signal.SIGALRM)
    outcomes: list[Article | Failure] = []

    def work() -> None:
        outcomes.append(try_analyze(RAW, _context(), Pipeline([extract, patient])))
        outcomes.append(try_analyze(RAW, _context(), Pipeline([extract, slow])))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert [o.reason.split(";")[0] for o in outcomes if isinstance(o, Failure)] == [
        f"analysis took over {BUDGET:g} s (in stage patient)",
        f"analysis took over {BUDGET:g} s (in stage slow)",
    ]
    assert signal.getsignal(signal.SIGALRM) is before


def test_the_previous_alarm_handler_and_timer_are_put_back() -> None:
    fired: list[int] = []

    def mine(signum: int, frame: object) -> None:
        fired.append(signum)

    previous = signal.signal(signal.SIGALRM, mine)
    try:
        signal.setitimer(signal.ITIMER_REAL, 100.0)
        outcome = try_analyze(RAW, _context(), Pipeline([extract, patient]))
        assert isinstance(outcome, Failure)
        assert signal.getsignal(signal.SIGALRM) is mine
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 90.0 < left <= 100.0
        assert fired == []
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_document_within_the_budget_is_analysed_and_leaves_no_timer() -> None:
    outcome = try_analyze(RAW, _context(budget=60.0), Pipeline([extract]))
    assert isinstance(outcome, Article)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_budget_of_zero_is_no_budget() -> None:
    deadline = Deadline(0.0, started=time.monotonic() - 1e6)
    deadline.check()
    assert not deadline.expired()
    with alarm(deadline):
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_time_spent_loading_a_model_does_not_count() -> None:
    deadline = Deadline(BUDGET)
    with deadline.paused():
        time.sleep(BUDGET * 2)
        deadline.check()  # paused: never raises
    deadline.check()  # the sleep is not counted
    deadline.started -= BUDGET * 2
    try:
        deadline.check()
    except BudgetExceeded as error:
        assert "raise analysis.time_budget" in str(error)
    else:
        raise AssertionError("an expired deadline did not raise")


def test_a_first_page_does_not_pay_for_the_date_parser_warming_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # dateparser compiles its locales' patterns the first time htmldate hands it a string:
    # seconds, once per process, which ran the first page of a loaded machine over its
    # budget. Here the warm-up takes twice the budget; the page is still analysed.
    from newstrace.analysis import extract as extract_module

    def warm_up_slowly() -> None:
        time.sleep(BUDGET * 2)

    monkeypatch.setattr(extract_module, "warm_dates", warm_up_slowly)
    page = RawDocument(
        source="page.html",
        html="<html><head><title>Rain</title></head><body><article><p>"
        + "It rained in Vienna on Monday, and the Danube rose by two metres. " * 8
        + "</p></article></body></html>",
    )
    outcome = try_analyze(page, _context(), Pipeline([extract]))
    assert isinstance(outcome, Article), outcome
