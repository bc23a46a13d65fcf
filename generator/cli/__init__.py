"""Command line: parse options, call the library, print the report, exit.

Exit codes: 0 clean, 1 errors in the records, 2 only warnings under ``--strict``,
3 cannot continue (a missing tool or a failed build), 130 interrupted. ``check`` counts every
error, compliance findings included; ``build`` and ``print`` exit 1 only for record errors
(``Problem.record_error``), after publishing every centre that has none.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import importlib
import importlib.util
import os
import re
import sys
import traceback
import unicodedata
from collections.abc import Sequence

from generator import __version__
from generator.build.heap import ending
from generator.errors import GongshiError

# subcommand → (module, one-line Chinese help). Each module has add_arguments and run.
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("generator.cli.check", "检查记录文件，列出全部问题"),
    "score": ("generator.cli.score", "计算评估得分，逐项列出依据"),
    "build": ("generator.cli.build", "生成公示网站、打印版 PDF 和开放数据"),
    "serve": ("generator.cli.serve", "本地预览网站（修改后自动刷新）"),
    "print": ("generator.cli.printing", "生成公示栏张贴件、年报和制度汇编 PDF"),
    "due": ("generator.cli.due", "列出各项公示的截止日期和状态"),
    "new": ("generator.cli.new", "新建一个中心文件夹"),
    "plan": ("generator.cli.new", "生成下月活动计划（plan new 中心 YYYY-MM）"),
    "export": ("generator.cli.excel", "导出 Excel 填报模板"),
    "import": ("generator.cli.excel", "从 Excel 导入记录"),
    "init": ("generator.cli.init", "新建一个项目文件夹（规则包、制度文本、网站设置）"),
    "join": ("generator.cli.join", "把各区分站汇总成全省（市）的索引站"),
}


# commands for developers, not listed in ``gongshi --help``
HIDDEN: dict[str, tuple[str, str]] = {
    "schemas": ("generator.cli.schemas", "重新生成记录文件的 JSON Schema（docs/schema/records/）"),
}

# argparse's own English messages (Python 3.11+), as staff read them
_ARGPARSE_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.S), zh)
    for pattern, zh in (
        (r"the following arguments are required: (.*)", r"缺少必需的参数：\1"),
        (r"one of the arguments (.*) is required", r"参数 \1 至少要有一个"),
        (r"unrecognized arguments: (.*)", r"无法识别的参数：\1（用 --help 查看可用的参数）"),
        (
            r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)",
            r"参数 \1 不能是 \2，可选：\3",
        ),
        (r"argument (.*?): invalid int value: (.*)", r"参数 \1 应是整数，这里是 \2"),
        (r"argument (.*?): invalid float value: (.*)", r"参数 \1 应是数字，这里是 \2"),
        (r"argument (.*?): invalid (.*?) value: (.*)", r"参数 \1 的值不对：\3"),
        (r"argument (.*?): expected one argument", r"参数 \1 后面需要一个值"),
        (r"argument (.*?): expected at most one argument", r"参数 \1 后面最多一个值"),
        (r"argument (.*?): expected at least one argument", r"参数 \1 后面至少需要一个值"),
        (r"argument (.*?): expected (\d+) arguments?", r"参数 \1 后面需要 \2 个值"),
        (r"argument (.*?): not allowed with argument (.*)", r"参数 \1 不能与 \2 同时使用"),
        (r"argument (.*?): ignored explicit argument (.*)", r"参数 \1 不接受值 \2"),
        (
            r"ambiguous option: (.*?) could match (.*)",
            r"参数 \1 不完整，可能是：\2；请写全",
        ),
        (r"unexpected option string: (.*)", r"意外的参数 \1"),
        (r"argument (.*?): (.*)", r"参数 \1：\2"),
    )
)


def chinese_argparse_message(message: str) -> str:
    """argparse's English error message in Chinese (a message already in Chinese, from an
    argument type of gongshi, keeps its words)."""
    for pattern, zh in _ARGPARSE_MESSAGES:
        if pattern.fullmatch(message):
            return pattern.sub(zh, message, count=1)
    return message


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout with Chinese headings."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def _format_action(self, action: argparse.Action) -> str:
        # argparse pads by characters; a Chinese metavar is two columns wide on a terminal
        text = super()._format_action(action)
        invocation = self._format_action_invocation(action)
        wide = sum(1 for ch in invocation if unicodedata.east_asian_width(ch) in "WF")
        head = " " * self._current_indent + invocation
        if wide and text.startswith(head + " " * (wide + 2)):
            text = head + text[len(head) + wide :]
        return text


class _Parser(argparse.ArgumentParser):
    """An argument parser that speaks Chinese: help, headings and errors."""

    def __init__(self, *args, add_help: bool = True, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def format_help(self) -> str:
        # section headings end with a full-width colon, like the rest of the Chinese text
        return re.sub(r"^(\S[^\n]*?):$", r"\1：", super().format_help(), flags=re.M)

    def error(self, message: str) -> None:  # Chinese usage errors, exit 2 like argparse
        self.print_usage(sys.stderr)
        sys.stderr.write(f"gongshi：参数错误：{chinese_argparse_message(message)}\n")
        raise SystemExit(2)


def available() -> dict[str, str]:
    """The subcommands whose modules exist in this installation → their modules' names
    (found, not imported: a command imports its own module only)."""
    return {
        name: modname
        for name, (modname, _help) in {**COMMANDS, **HIDDEN}.items()
        if importlib.util.find_spec(modname) is not None
    }


def _chosen(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` names: its first argument that is not an option (gongshi's
    own options take no value)."""
    for arg in argv:
        if not arg.startswith("-"):
            return arg
    return None


def make_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand; the arguments of the one ``argv`` names (default: the
    command line) are added from its module, the only one imported."""
    parser = _Parser(prog="gongshi", description="公示：社区（党群）服务中心信息公开工具")
    parser.add_argument(
        "--version",
        action="version",
        version=f"gongshi {__version__}",
        help="显示版本号并退出",
    )
    chosen = _chosen(sys.argv[1:] if argv is None else argv)
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    for name, modname in available().items():
        text = (COMMANDS.get(name) or HIDDEN[name])[1]
        if name in HIDDEN:
            p = sub.add_parser(name, description=text)
        else:
            p = sub.add_parser(name, help=text, description=text)
        if name == chosen:
            importlib.import_module(modname).add_arguments(p, name)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        parser = make_parser(argv)
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help()
            return 0
        mod = importlib.import_module(available()[args.command])
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
        report_bug(exc, "gongshi：")
        return 3


def report_bug(exc: Exception, said: str) -> None:
    """Say, after ``said``, that ``exc`` is a bug of the program, not a problem of the records,
    and how to report it; its traceback only with GONGSHI_DEBUG set."""
    if os.environ.get("GONGSHI_DEBUG"):
        traceback.print_exc()
    sys.stderr.write(
        f"{said}内部错误（{type(exc).__name__}）。这是程序的缺陷，不是记录的问题；"
        "请设置环境变量 GONGSHI_DEBUG=1 重新运行，并把输出提交给维护者。\n"
    )


def command() -> None:
    """The ``gongshi`` command (and ``python -m generator``): ``main`` on the command line,
    then the process ends as soon as its exit handlers have run and its output is written,
    without freeing the objects the command made one by one: a build of a city holds
    millions, and freeing them at the interpreter's shutdown took seconds after the work
    was done (mypy ends the same way)."""
    ending()  # a build keeps what it made to the end, not freeing it first
    code = main()
    atexit._run_exitfuncs()  # noqa: SLF001 — what the interpreter runs at its shutdown
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe, a closed stream
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    command()
