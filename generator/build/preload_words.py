"""What the forkserver of a build's workers loads besides the build's modules when the build
will make most of its parts (a first build: ``Workers.warm``): jieba's dictionary, which every
worker it forks then shares instead of loading its own (62 MB and half a second of CPU each).
It is set apart from the cycle collector's passes with the rest (``gc.freeze``).

Imported only by the forkserver.
"""

from __future__ import annotations

import gc

import generator.build.preload  # noqa: F401  (the build's modules, loaded first)
from generator.build.engine import load_jieba

load_jieba()
gc.freeze()
