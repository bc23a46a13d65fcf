"""Where gongshi's own files are: the package and the shared files that ship with it.

A checkout keeps the shared files (templates, default content, schemas, the default
mkdocs.yml) at the top of the source tree; an installed wheel keeps the same layout inside
the package as ``_data/`` (setup.py copies it). A project's own ``content/`` wins over these
wherever a project is loaded; these are the defaults a new project starts from and the
templates every project shares.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_BUNDLED = PACKAGE_DIR / "_data"
INSTALL_ROOT = _BUNDLED if (_BUNDLED / "site_templates").is_dir() else PACKAGE_DIR.parent
TEMPLATES = INSTALL_ROOT / "site_templates"
PRINT_TEMPLATES = TEMPLATES / "print"
DEFAULT_CONTENT = INSTALL_ROOT / "content"
DEFAULT_MKDOCS_YML = INSTALL_ROOT / "mkdocs.yml"
SCHEMA_DIR = INSTALL_ROOT / "docs" / "schema"
