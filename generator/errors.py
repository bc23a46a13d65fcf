"""Exceptions for "cannot continue": a missing tool, a failed compile or build.

Bad input is never an exception (it is a Problem); these are turned into a Chinese
message and exit code 3 in one place, ``cli.main``.
"""


class GongshiError(Exception):
    """Cannot continue; ``str(exc)`` is a Chinese message for the user."""


class ToolMissing(GongshiError):
    """A required program or font is not installed."""


class CompileFailed(GongshiError):
    """Typst, pandoc or mkdocs failed on generated input (a bug, not bad records)."""


class BuildFailed(GongshiError):
    """The build could not complete; previous output is left untouched."""
