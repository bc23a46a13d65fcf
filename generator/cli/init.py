"""``gongshi init FOLDER``: a new project folder for a district starting from nothing.

Writes content/ (the rule packs, service catalogues and manual texts that ship with gongshi),
an empty centres/ and the site configuration mkdocs.yml (see generator/workflow/project.py).
Exit codes: 0 written; 3 when FOLDER already holds a project (nothing is written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.workflow.project import create_project


def add_arguments(p: argparse.ArgumentParser, name: str) -> None:
    p.add_argument("folder", help="新项目的文件夹（不存在时新建；不能已经是一个项目）")


def run(args: argparse.Namespace) -> int:
    dest = Path(args.folder)
    written = create_project(dest)
    sys.stdout.write(f"已新建项目：{dest}\n")
    for path in written:
        sys.stdout.write(f"  {path.relative_to(dest).as_posix()}\n")
    sys.stdout.write(
        "下一步：\n"
        f"  cd {dest}\n"
        "  gongshi new 中心编号        # 新建第一个中心，按提示回答问题\n"
        "  gongshi check               # 检查记录\n"
        "  gongshi build               # 生成网站、PDF 和开放数据（输出在 public/）\n"
        "网站名称、说明和页脚在 mkdocs.yml 里修改。\n"
    )
    return 0
