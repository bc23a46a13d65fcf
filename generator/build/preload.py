"""What the forkserver of a build's worker processes loads once (``workers.Workers``), so
that every worker it forks starts with it instead of loading it again: the build's modules.
They are then set apart from the cycle collector's passes (``gc.freeze``): every worker keeps
them to its end, and its collections walk only what it makes.

jieba's dictionary is not among them: a worker loads it when it first makes a part
(``engine.load_jieba``: half a second of CPU). On a day when most centres are read from the
cache and few parts are made, the workers start reading that much sooner. A build that will
make most of its parts has the forkserver load it too (generator.build.preload_words).

Imported only by the forkserver.
"""

from __future__ import annotations

import gc

import generator.build.parts  # noqa: F401  (the workers' code, loaded before they fork)

gc.freeze()
