"""The worker processes of one build (``Workers``): a pool forked by a server that loaded the
build's modules once (generator.build.preload), fed a few items a call, and one more process
beside them for work that must not wait behind the parts (``Workers.aside``).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from functools import partial
from multiprocessing import forkserver
from typing import Any, Self


def run_here(fn: Callable[[Any], Any], item: Any) -> Callable[[], Any]:
    """``fn(item)`` in this process, when its result is asked for."""
    return lambda: fn(item)


class Workers:
    """The worker processes of one build, started when there is work for more than one."""

    def __init__(self, jobs: int | None) -> None:
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.preload = PRELOAD  # what the forkserver loads, if this build starts it
        self.pool: ProcessPoolExecutor | None = None
        self.side: ProcessPoolExecutor | None = None  # one process beside them (``aside``)

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=self._context())
        return self.pool

    def warm(self, *, words: bool = False) -> None:
        """Start the workers' forkserver now, when there are workers: it loads the build's
        modules in its own process (about a second of CPU) while this one goes on, and the
        workers fork from it at once when the first centres are handed out. A build that
        then has nothing to make has started it for nothing; it ends with this process.

        ``words``: the build will make most of its parts, and the forkserver loads jieba's
        dictionary too (generator.build.preload_words). A build on a new day, which reads most
        centres from the cache, does not wait for it. The forkserver serves every later
        build of this process as it was started."""
        if self.jobs > 1:
            if words:
                self.preload = PRELOAD_WORDS
            self._context()
            forkserver.ensure_running()

    def _context(self) -> multiprocessing.context.BaseContext:
        return _context(self.preload)

    def aside(self, fn: Callable, item: Any) -> Callable[[], Any]:
        """``fn(item)`` started now in a process of its own beside the workers, which may all
        be making parts (when there are workers; else run here when asked for); a call that
        gives its result. The city part's guard reads its files there while mkdocs builds
        them (``city.build_city``)."""
        if self.jobs <= 1:
            return run_here(fn, item)
        if self.side is None:
            self.side = ProcessPoolExecutor(max_workers=1, mp_context=self._context())
        return self.side.submit(fn, item).result

    def submit_all(self, fn: Callable, items: Sequence) -> list[Callable[[], Any]]:
        """``fn`` of each of ``items`` in the workers, handed out to them by a thread of this
        process a few items at a time (``_batches``), so this process goes on meanwhile (the
        first batch waits about a second for the workers to start: the forkserver loads the
        build's modules); a call per item that gives its result.

        Each result comes back pickled, and is read where its call is made: the thread of
        this process that takes the workers' replies only receives bytes, so a worker's
        reply never waits for this process to read the one before it (``_each``)."""
        if self.jobs <= 1:
            return [partial(fn, item) for item in items]
        pool = self._pool()
        futures: list[Future] = [Future() for _ in items]

        def hand_out() -> None:
            for start, stop in _batches(len(items), self.jobs):
                mine = futures[start:stop]
                try:
                    done = pool.submit(_each, fn, items[start:stop])
                    done.add_done_callback(partial(_settle_each, mine))
                except BaseException as exc:  # noqa: BLE001 — handed to whoever waits
                    for future in mine:
                        future.set_exception(exc)

        threading.Thread(target=hand_out, daemon=True).start()
        return [partial(_unpickled, f) for f in futures]

    def submit(self, fn: Callable, item: Any) -> Callable[[], Any]:
        """``fn(item)``, started in a worker now when there are workers (else run here when
        asked for); a call that gives its result."""
        if self.jobs <= 1:
            return run_here(fn, item)
        return self._pool().submit(fn, item).result

    def map_meanwhile(
        self, fn: Callable, items: list, meanwhile: Callable[[], Any]
    ) -> tuple[list, Any]:
        """``fn`` of each of ``items`` in the workers, with ``meanwhile()`` run in this
        process while they work (one item too: a centre remade beside the city pages)."""
        if self.jobs <= 1 or not items:
            results = [fn(item) for item in items]
            return results, meanwhile()
        futures = [self._pool().submit(fn, item) for item in items]
        other = meanwhile()
        return [f.result() for f in futures], other

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        for pool in (self.pool, self.side):
            if pool is not None:
                pool.shutdown(cancel_futures=True)


# what the forkserver loads before it forks a worker (``Workers.warm``)
PRELOAD = ("generator.build.preload",)
PRELOAD_WORDS = ("generator.build.preload_words",)


def _context(preload: Sequence[str] = PRELOAD) -> multiprocessing.context.BaseContext:
    """The processes of a build: forked by a server that loaded the build's modules once
    (generator.build.preload), and jieba's dictionary with ``PRELOAD_WORDS``."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(list(preload))
    return ctx


# the most items of one batch handed to a worker (``_batches``)
BATCH = 16


def _batches(count: int, jobs: int) -> list[tuple[int, int]]:
    """``count`` items in batches of at most ``BATCH``, at least four batches a worker
    when there are that many items (start, stop): one worker call and one reply per batch
    instead of per item. Each reply waits for this process (the thread that reads it back
    shares it with the build), and a centre read from the cache costs the worker a few
    milliseconds, about what the round trip costs."""
    size = max(1, min(BATCH, count // (jobs * 4)))
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def _each(fn: Callable, items: Sequence) -> list[bytes]:
    """``fn`` of each item, pickled (in a worker: ``Workers.submit_all``)."""
    return [pickle.dumps(fn(item), pickle.HIGHEST_PROTOCOL) for item in items]


def _unpickled(future: Future) -> Any:
    """The result of an item of ``Workers.submit_all``, read back where it is asked for."""
    return pickle.loads(future.result())


def _settle_each(mine: Sequence[Future], done: Future) -> None:
    """Each of ``mine`` settled as the item of the batch ``done`` was (all of them as the
    batch, when it failed or was cancelled)."""
    if done.cancelled():
        for future in mine:
            future.cancel()
        return
    exc = done.exception()
    if exc is not None:
        for future in mine:
            future.set_exception(exc)
        return
    for future, value in zip(mine, done.result(), strict=True):
        future.set_result(value)
