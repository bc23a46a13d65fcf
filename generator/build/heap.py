"""How a build keeps Python's cycle collector off the objects it holds.

A build holds hundreds of thousands of small objects, millions in a city of a thousand
centres: every centre read back from the workers (a few thousand objects each: its checks,
day state and part), kept to the build's end, and the city files, whose objects live until
they are written (the HSDS export's services, the guard's JSON). The collector's passes walk
the objects it tracks, the oldest generation all of them, and as the build makes more the
passes keep coming: they were a third of the city part's time at 1,000 centres, and a fifth
of a new day's build at 400 (reading the centres, the passes after it, the collection at
the process's end). Few of these objects form cycles.
"""

from __future__ import annotations

import contextlib
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
