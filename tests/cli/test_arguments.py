"""Every command's help and argument errors are in Chinese: no argparse English is left."""

from __future__ import annotations

import subprocess

import pytest
from conftest import ROOT

from generator.cli import COMMANDS, HIDDEN, chinese_argparse_message, main

GONGSHI = ROOT / ".venv" / "bin" / "gongshi"

# what argparse prints in English when nobody translates it
ENGLISH = (
    "usage:",
    "positional arguments",
    "options:",
    "optional arguments",
    "show this help message and exit",
    "show program's version number and exit",
    "the following arguments are required",
    "invalid choice",
    "unrecognized arguments",
    "expected one argument",
    "invalid int value",
    "error:",
    "argument ",
)


def english_in(text: str) -> list[str]:
    return [phrase for phrase in ENGLISH if phrase in text]


def run_main(argv: list[str], capsys) -> tuple[int, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.parametrize("command", [None, *COMMANDS, *HIDDEN])
def test_help_of_every_command_is_chinese(command, capsys):
    argv = ["--help"] if command is None else [command, "--help"]
    code, text = run_main(argv, capsys)
    assert code == 0
    assert text.startswith("用法：gongshi")
    assert english_in(text) == [], text
    assert "选项：" in text and "显示本帮助并退出" in text


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["bogus"], "参数 命令 不能是 'bogus'"),
        (
            ["check", "--format", "xml"],
            "参数 --format 不能是 'xml'，可选：'text', 'json', 'github'",
        ),
        (["check", "--today", "2026-13-01"], "参数 --today：日期应写成 YYYY-MM-DD"),
        (["check", "--nope"], "无法识别的参数：--nope"),
        (["check", "--today"], "参数 --today 后面需要一个值"),
        (["serve", "--port", "abc"], "端口应是 1 至 65535 之间的整数"),
        (["build", "--jobs", "0"], "应是正整数"),
        (["import"], "缺少必需的参数："),
        (["plan"], "缺少必需的参数："),
        (["export"], "缺少必需的参数："),
    ],
)
def test_wrong_invocations_are_told_in_chinese(argv, expected, capsys):
    code, text = run_main(argv, capsys)
    assert code == 2
    assert "gongshi：参数错误：" in text and expected in text, text
    assert text.startswith("用法：gongshi")
    assert english_in(text) == [], text


def test_wrong_invocation_through_the_installed_command():
    run = subprocess.run(
        [str(GONGSHI), "export", "demo"], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 2
    assert "缺少必需的参数：--xlsx" in run.stderr
    assert english_in(run.stdout + run.stderr) == [], run.stderr


def test_version_is_shown():
    run = subprocess.run([str(GONGSHI), "--version"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.startswith("gongshi ")


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("the following arguments are required: --xlsx", "缺少必需的参数：--xlsx"),
        ("argument --a: not allowed with argument --b", "参数 --a 不能与 --b 同时使用"),
        ("ambiguous option: --f could match --format, --force", "参数 --f 不完整"),
        ("argument --n: expected 2 arguments", "参数 --n 后面需要 2 个值"),
    ],
)
def test_argparse_messages_are_translated(english, chinese):
    assert chinese in chinese_argparse_message(english)
