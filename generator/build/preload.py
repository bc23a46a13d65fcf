"""What the forkserver of a build's worker processes loads once (``orchestrate.Workers``), so
that every worker it forks starts with it instead of loading it again: the build's modules and
jieba's dictionary, with which mkdocs-material's search plugin splits the Chinese of every
page (loading it takes about a second of CPU; the forked workers share it).

Imported only by the forkserver; importing it anywhere else loads the dictionary there too.
"""

from __future__ import annotations

import logging

import jieba

import generator.build.parts  # noqa: F401  (the workers' code, loaded before they fork)

jieba.setLogLevel(logging.WARNING)
jieba.initialize()
