"""What the forkserver of a build's worker processes loads once (``orchestrate.Workers``), so
that every worker it forks starts with it instead of loading it again: the build's modules and
jieba's dictionary, with which mkdocs-material's search plugin and the search words
(``site.search``) split the Chinese of every page (loading it takes about half a second of
CPU; ``engine.load_jieba`` loads it once for both; the forked workers share it).

Imported only by the forkserver; importing it anywhere else loads the dictionary there too.
"""

from __future__ import annotations

import generator.build.parts  # noqa: F401  (the workers' code, loaded before they fork)
from generator.build.engine import load_jieba

load_jieba()
