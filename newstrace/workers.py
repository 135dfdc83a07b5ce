"""Analysis in worker processes: a spawn pool whose workers each load the models once.

`ingest`, `watch` and the local batch engine hand documents to `analysis_pool(n, settings)`;
each worker makes its analysis context (and through it every model: spaCy pipelines, the
language identifier) on its first document and keeps it in this module for all the others,
never once per article. Spawn, not fork: a worker starts clean, whatever the parent loaded
(a parent holding a database connection or BLAS threads must not be copied).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os
import time
from typing import TYPE_CHECKING

from newstrace.model import Article, Failure, RawDocument
from newstrace.pipeline import Context, try_analyze
from newstrace.settings import Settings

if TYPE_CHECKING:
    from newstrace.stories.features import LeadVector

_CONTEXT: Context | None = None
# The settings a pool gave this worker when it started (None: read the environment).
_SETTINGS: Settings | None = None
# How many times this process made its context: 1 in a worker that did any work.
contexts_made = 0


def worker_context(settings: Settings | None = None) -> Context:
    """This process's analysis context, made on first use."""
    global _CONTEXT, contexts_made  # one per process, by design: models load once
    if _CONTEXT is None:
        _CONTEXT = Context(settings=settings or _SETTINGS or Settings.from_env())
        contexts_made += 1
    return _CONTEXT


def _start_worker(settings: Settings | None) -> None:
    """Pool initializer: remember the run's settings for this worker's context. One OpenMP
    thread per worker (the e5 encoder's): the pool already keeps every core busy, and two
    threads per worker on two cores cost ~15 % more CPU per lead in contention."""
    global _SETTINGS  # set once, when the worker starts
    _SETTINGS = settings
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def analyze_timed(raw: RawDocument) -> tuple[Article | Failure, float, LeadVector | None]:
    """Pool task: `try_analyze` one document with this worker's context; its seconds, and
    the story vector of its lead (`with_vector`)."""
    context = worker_context()
    started = time.perf_counter()
    outcome = try_analyze(raw, context)
    return outcome, time.perf_counter() - started, with_vector(outcome)


def with_vector(outcome: Article | Failure) -> LeadVector | None:
    """The story vector of an analysed article's lead with its encoder's identity, so the
    writer only assigns (and refuses it if its own encoder differs); None for a
    failure, or when the encoder fails (the writer then encodes, and reports what fails)."""
    if not isinstance(outcome, Article):
        return None
    from newstrace.stories.features import lead_vector

    try:
        return lead_vector(outcome)
    except Exception:  # the writer encodes again, and reports what fails
        return None


def analysis_pool(workers: int, settings: Settings | None = None) -> multiprocessing.pool.Pool:
    """`workers` spawned processes that analyse with `settings` (None: the environment's)."""
    spawn = multiprocessing.get_context("spawn")
    return spawn.Pool(workers, initializer=_start_worker, initargs=(settings,))
