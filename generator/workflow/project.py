"""A new project folder for a district starting from nothing.

A project is a folder with ``content/`` (rule packs, service catalogues, manual texts),
``centres/`` (one folder a centre) and ``mkdocs.yml`` (the site's name, description and
footer). ``create_project`` copies the content and the site configuration that ship with
gongshi, so the project builds the same wherever gongshi is installed, and the district can
edit its own copy (a district rule pack, its own manual texts, its site name).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.errors import GongshiError
from generator.paths import DEFAULT_CONTENT, DEFAULT_MKDOCS_YML

CONTENT_PARTS = ("rules", "catalogue", "manuals")

CENTRES_README = """\
# 各中心的记录

每个中心一个文件夹，文件夹名就是中心编号（小写字母、数字和连字符，如 futian-shawei）。
新建中心：在项目文件夹里运行

    gongshi new 中心编号

然后按提示回答问题。写法见 gongshi 的 docs/records.md。
"""


def create_project(dest: Path) -> list[Path]:
    """Write a new project into ``dest`` (created if missing; must not already hold a project).

    Returns the top-level paths written. Raises GongshiError with a Chinese message when
    ``dest`` already holds a project or is not a folder.
    """
    if dest.exists() and not dest.is_dir():
        raise GongshiError(f"{dest} 已存在，而且不是文件夹；请换一个文件夹名。")
    taken = [name for name in ("content", "centres", "mkdocs.yml") if (dest / name).exists()]
    if taken:
        raise GongshiError(
            f"{dest} 里已经有 {'、'.join(taken)}，看来已经是一个项目；"
            "为避免覆盖已有记录，没有写入任何文件。请换一个空文件夹。"
        )
    dest.mkdir(parents=True, exist_ok=True)
    for part in CONTENT_PARTS:
        shutil.copytree(DEFAULT_CONTENT / part, dest / "content" / part)
    (dest / "centres").mkdir()
    (dest / "centres" / "README.md").write_text(CENTRES_README, encoding="utf-8")
    shutil.copyfile(DEFAULT_MKDOCS_YML, dest / "mkdocs.yml")
    (dest / ".gitignore").write_text("/public\n/.public.*\n.gongshi-cache/\n", encoding="utf-8")
    return [dest / "content", dest / "centres", dest / "mkdocs.yml", dest / ".gitignore"]
