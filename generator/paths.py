"""Where gongshi's own files are: the package's install folder and what ships beside it.

A project's own ``content/`` wins over these wherever a project is loaded; these are the
defaults a new project starts from and the templates every project shares.
"""

from __future__ import annotations

from pathlib import Path

INSTALL_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = INSTALL_ROOT / "site_templates"
PRINT_TEMPLATES = TEMPLATES / "print"
DEFAULT_CONTENT = INSTALL_ROOT / "content"
