"""How a build keeps Python's cycle collector off the objects it holds.

A build holds hundreds of thousands of small objects, millions in a city of a thousand
centres: every centre read back from the workers (a few thousand objects each: its checks,
day state and part), kept to the build's end, and the city files, whose objects live until
they are written (the HSDS export's services, the guard's JSON). The collector's passes walk
the objects it tracks, the oldest generation all of them, and as the build makes more the
passes keep coming: they were a third of the city part's time at 1,000 centres, and a fifth
of a new day's build at 400 (reading the centres, the passes after it, the collection at
the process's end). Few of these objects form cycles.

A process that ends after its build (the ``gongshi`` command) keeps what the build made to its
end instead of freeing it object by object when the build returns (``ending``).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """The cycle collector paused for the block; what was made in it and forms cycles, it
    takes when it resumes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# What the builds of a process that ends after its command kept to its end (``ending``): a
# list, or None in a process that goes on (``gongshi serve``, the tests), which frees them.
_TO_THE_END: list[object] | None = None


def ending() -> None:
    """This process ends when its command is done (``cli.command``): what a build made is then
    kept to the end (``keep_to_the_end``), not freed object by object when the build returns
    (a third of a second for a city of a thousand centres, of no use to a process about to
    end without freeing anything). A preview (``gongshi serve``, which builds again and again)
    keeps nothing."""
    global _TO_THE_END
    _TO_THE_END = []


def ends_after_build() -> bool:
    """Whether this process ends when its build is done (``ending``)."""
    return _TO_THE_END is not None


def keep_to_the_end(*values: object) -> None:
    """Keep ``values`` to the end of a process that ends after its command (``ending``); in
    any other, nothing is kept."""
    if _TO_THE_END is not None:
        _TO_THE_END.extend(values)


@contextlib.contextmanager
def kept_for_the_build() -> Iterator[Callable[[], None]]:
    """For one build: ``keep()`` sets every object made so far apart from the collector's
    passes (``gc.freeze``) until the block ends; they are then its again (``gc.unfreeze``),
    so that a process that builds again (``gongshi serve``, the tests) keeps nothing of
    it. Called inside ``no_cycle_collection``, before the collector resumes, the objects made
    while it was paused are set apart without being walked once."""
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none (musl, macOS)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()


def give_back() -> None:
    """Hand the memory freed in this process back to the system (glibc's ``malloc_trim``).

    A worker makes part after part; each frees most of what it allocated (its pages, its
    PDFs, Typst's memory of them), but the C allocator keeps the freed pages of its heaps
    for the next. Over 60 parts in one process that was a fifth of its memory (583 MB
    without, 478 MB with a trim after each part, in a few milliseconds)."""
    if _TRIM is not None:
        _TRIM(0)
