"""Command line: parse options, call the library, print the report, exit.

Exit codes: 0 clean, 1 errors in the records, 2 only warnings under ``--strict``,
3 cannot continue (a missing tool or a failed build), 130 interrupted. ``check`` counts every
error, compliance findings included; ``build`` and ``print`` exit 1 only for record errors
(``Problem.record_error``), after publishing every centre that has none.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback

from generator import __version__
from generator.errors import GongshiError

# subcommand → (module, one-line Chinese help). Each module has add_arguments and run.
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("generator.cli.check", "检查记录文件，列出全部问题"),
    "score": ("generator.cli.score", "计算评估得分，逐项列出依据"),
    "build": ("generator.cli.build", "生成公示网站、打印版 PDF 和开放数据"),
    "serve": ("generator.cli.build", "本地预览网站（修改后自动刷新）"),
    "print": ("generator.cli.printing", "生成公示栏张贴件、年报和制度汇编 PDF"),
    "due": ("generator.cli.due", "列出各项公示的截止日期和状态"),
    "new": ("generator.cli.new", "新建一个中心文件夹"),
    "plan": ("generator.cli.new", "生成下月活动计划（plan new 中心 YYYY-MM）"),
    "export": ("generator.cli.excel", "导出 Excel 填报模板"),
    "import": ("generator.cli.excel", "从 Excel 导入记录"),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # Chinese usage errors, exit 2 like argparse
        self.print_usage(sys.stderr)
        sys.stderr.write(f"gongshi：参数错误：{message}\n")
        raise SystemExit(2)


def available() -> dict[str, object]:
    """Import the subcommand modules that exist in this installation."""
    mods = {}
    for name, (modname, _help) in COMMANDS.items():
        try:
            mods[name] = importlib.import_module(modname)
        except ModuleNotFoundError as exc:
            if exc.name != modname:
                raise
    return mods


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gongshi", description="公示：社区（党群）服务中心信息公开工具")
    parser.add_argument("--version", action="version", version=f"gongshi {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    for name, mod in available().items():
        p = sub.add_parser(name, help=COMMANDS[name][1], description=COMMANDS[name][1])
        mod.add_arguments(p, name)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        parser = make_parser()
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help()
            return 0
        mod = available()[args.command]
        return int(mod.run(args) or 0)
    except GongshiError as exc:
        sys.stderr.write(f"gongshi：无法继续：{exc}\n")
        return 3
    except KeyboardInterrupt:
        sys.stderr.write("gongshi：已中断\n")
        return 130
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    except Exception as exc:  # noqa: BLE001 — a bug: never show a traceback to the user
        if os.environ.get("GONGSHI_DEBUG"):
            traceback.print_exc()
        sys.stderr.write(
            f"gongshi：内部错误（{type(exc).__name__}）。这是程序的缺陷，不是记录的问题；"
            "请设置环境变量 GONGSHI_DEBUG=1 重新运行，并把输出提交给维护者。\n"
        )
        return 3


if __name__ == "__main__":
    raise SystemExit(main())
