"""Packaging: the wheel carries gongshi's shared files inside the package.

The templates, the default content (rule packs, catalogues, manual texts), the published JSON
Schemas and the default mkdocs.yml live at the top of the source tree, where a checkout uses
them. A wheel copies them into ``generator/_data/`` with the same layout, and
``generator/paths.py`` looks there first, so an installed gongshi needs no checkout.
Everything else is declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHARED = ("content", "site_templates", "mkdocs.yml", "docs/schema")


class BuildWithSharedFiles(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):  # an editable install reads the checkout
            return
        dest = Path(self.build_lib) / "generator" / "_data"
        for name in SHARED:
            src, target = ROOT / name, dest / name
            if src.is_dir():
                shutil.copytree(src, target, dirs_exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, target)


setup(cmdclass={"build_py": BuildWithSharedFiles})
