"""``gongshi new [ID] …`` (create a centre folder) and ``gongshi plan new CENTRE YYYY-MM``.

``new`` takes the few facts it needs as options (every option has the same name as the
question's fact) and asks for the others, from a terminal or from piped input, unless
``--no-input``. A required question answered with Enter, or a wrong answer, is asked again
with the reason; the rule pack and the community type are numbered choices named from the
packs. When the input ends early nothing is written, and the answers given so far are
printed as a command line to finish with. Every file written starts with its JSON Schema
line (``scaffold.schema_comment``).

``plan new`` drafts a month's plan from the centre's weekly ``recurring`` activities, never
on a statutory day off the centre's hours do not open, refuses to overwrite a plan, and
prints the holidays and 调休 working days its hours do not mention yet, as
``opening_hours.exceptions`` entries to confirm and copy into centre.yaml.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import sys
from pathlib import Path

from generator.cli.args import add_day
from generator.packs.library import Library
from generator.pipeline import RECORDS, load, project_library, read_centre
from generator.problems import Report, Severity
from generator.records.edit import write_texts
from generator.records.schema import INVALID
from generator.records.validate import Project, find_project
from generator.workflow.scaffold import (
    FACT_KINDS,
    OPTIONAL_FACTS,
    STANDARD_SUBFOLDERS,
    WHY_REQUIRED,
    CentreFacts,
    Option,
    check_centre_id,
    check_fact,
    choose,
    community_type_options,
    draft_plan,
    pack_options,
    parse_month,
    propose_exceptions,
    render_centre_yaml,
    schema_comment,
)

DEFAULT_SIGNUP = "到中心前台或电话报名"


def add_arguments(p: argparse.ArgumentParser, name: str) -> None:
    if name == "plan":
        p.add_argument("action", choices=("new",), help="new：根据每周固定活动生成一个月的活动计划")
        p.add_argument("centre", help="中心编号（centres/ 下的文件夹名）或中心文件夹路径")
        p.add_argument("month", help="计划所属年月，格式 YYYY-MM，例如 2026-03")
        p.add_argument("--project", default=".", help="项目文件夹（默认当前文件夹）")
        p.add_argument(
            "--signup", default=DEFAULT_SIGNUP, help=f"每项活动的报名方式（默认“{DEFAULT_SIGNUP}”）"
        )
        return
    p.add_argument("id", nargs="?", help="中心编号：小写字母、数字和连字符，例如 futian-shawei")
    p.add_argument("--project", default=".", help="项目文件夹（默认当前文件夹）")
    for fact, (label, _kind) in FACT_KINDS.items():
        p.add_argument("--" + fact.replace("_", "-"), dest=fact, metavar="值", help=label)
    p.add_argument("--no-input", action="store_true", help="不提问：缺少的信息直接报错（用于脚本）")
    add_day(p, "按哪一天新建（默认今天）：合同期占位为下个月起一年，节假日按这一年写入")


def run(args: argparse.Namespace) -> int:
    if args.command == "plan":
        return run_plan(args)
    return run_new(args)


# ---------------------------------------------------------------- gongshi new


class _EndOfInput(Exception):
    """Standard input ended (or cannot be read) before a question was answered."""


def _ask(prompt: str) -> str:
    sys.stderr.write(prompt)
    sys.stderr.flush()
    try:
        line = sys.stdin.readline()
    except (OSError, ValueError):  # no input at all (closed, or not readable)
        line = ""
    if not line:
        sys.stderr.write("\n")
        raise _EndOfInput
    return line.strip()


def _option(fact: str) -> str:
    return "--" + fact.replace("_", "-")


def _menu(title: str, options: list[Option]) -> str:
    """The numbered choices printed before a question."""
    lines = [title] + [f"  {i}. {o.label}" for i, o in enumerate(options, 1)]
    return "\n".join(lines) + "\n"


def _resume_command(
    centre_id: str | None, values: dict[str, object], args: argparse.Namespace
) -> str:
    """A command line that gives every answer so far, to finish without typing them again."""
    parts = ["gongshi", "new"]
    if centre_id:
        parts.append(centre_id)
    if args.project != ".":
        parts += ["--project", args.project]
    if args.today:
        parts += ["--today", args.today.isoformat()]
    for fact, value in values.items():
        parts += [_option(fact), str(value)]
    return shlex.join(parts)


def run_new(args: argparse.Namespace) -> int:
    project = find_project(Path(args.project))
    if not project.content.is_dir():
        sys.stderr.write(
            f"gongshi：{project.root} 中没有 content/ 文件夹，请在项目文件夹中运行（或用 --project 指定）\n"
        )
        return 1
    lib = project_library(project)
    # Questions are asked unless --no-input: typed in a terminal or piped in by a script.
    # When the input ends, what is still missing is listed together with a command that
    # keeps every answer given so far.
    can_ask = not args.no_input
    errors: list[str] = []
    values: dict[str, object] = {}
    centre_id: str | None = args.id
    try:
        centre_id = _new_id(project, centre_id, can_ask, errors)
        for fact in FACT_KINDS:
            _new_fact(args, lib, fact, values, can_ask, errors)
    except KeyboardInterrupt:
        sys.stderr.write("\ngongshi new：已中断，没有新建任何文件。\n")
        if values or centre_id:
            sys.stderr.write(
                "已经给出的内容都在下面这条命令里，补上缺少的选项再运行即可：\n  "
                + _resume_command(centre_id, values, args)
                + "\n"
            )
        return 130
    except _EndOfInput:
        missing = [
            f"{_option(f)}（{FACT_KINDS[f][0]}）"
            for f in FACT_KINDS
            if f not in values and f not in OPTIONAL_FACTS
        ]
        if not centre_id:
            missing.insert(0, "中心编号（第一个参数）")
        errors.append("输入已结束，还缺少：" + "、".join(missing))
    if errors:
        for e in errors:
            sys.stderr.write(f"gongshi new：{e}\n")
        if values or centre_id:
            sys.stderr.write(
                "没有新建任何文件。已经给出的内容都在下面这条命令里，补上缺少的选项再运行即可：\n  "
                + _resume_command(centre_id, values, args)
                + "\n"
            )
        if not can_ask:
            sys.stderr.write("使用 --no-input 时，请用选项给出全部信息，见 gongshi new --help\n")
        return 2

    assert centre_id is not None
    facts = CentreFacts(id=centre_id, **values)  # type: ignore[arg-type]
    folder = project.centres / centre_id
    target = folder / "centre.yaml"
    schema = schema_comment(target, "centre", project.root)
    today = args.today or dt.date.today()
    text = render_centre_yaml(facts, lib.packs.get(facts.rule_pack), today, schema)
    write_texts({target: text})
    for sub in STANDARD_SUBFOLDERS:
        (folder / sub).mkdir(exist_ok=True)
    result = load(project, folder, None, RECORDS)
    sys.stdout.write(f"已新建 {project.display(folder)}/centre.yaml。\n")
    sys.stdout.write(
        "请打开它，把标有“# 请核对”的占位内容逐项改成本中心的实际情况，然后运行 gongshi check。\n"
    )
    errors_ = [p for p in result.report.errors if p.rule is None]
    if errors_:  # a bug in the template, never the user's fault: say so plainly
        sys.stdout.write(Report(errors_).format() + "\n")
        return 1
    return 0


def _new_id(
    project: Project, centre_id: str | None, can_ask: bool, errors: list[str]
) -> str | None:
    """The new centre's id, asked again until it is a valid, unused folder name."""
    while True:
        if not centre_id and can_ask:
            centre_id = _ask("中心编号（小写字母、数字和连字符，例如 futian-shawei）：")
            if not centre_id:
                sys.stderr.write(
                    "中心编号不能空着：它是 centres/ 下的文件夹名，也会出现在公示网站的网址中。\n"
                )
                continue
        if not centre_id:
            errors.append("缺少中心编号（第一个参数）")
            return None
        msg = check_centre_id(centre_id)
        if msg is None and (project.centres / centre_id).exists():
            msg = f"centres/{centre_id} 已经存在，不会覆盖；请换一个编号"
        if msg is None:
            return centre_id
        if not can_ask:
            errors.append(msg)
            return None
        sys.stderr.write(msg + "\n")
        centre_id = None


def _new_fact(
    args: argparse.Namespace,
    lib: Library,
    fact: str,
    values: dict[str, object],
    can_ask: bool,
    errors: list[str],
) -> None:
    """One fact from its option or its question, asked again until the answer is right."""
    label = FACT_KINDS[fact][0]
    optional = fact in OPTIONAL_FACTS
    options: list[Option] = []
    menu = ""
    if fact == "rule_pack":
        options = pack_options(lib.packs)
        menu = _menu("可选的规则包（每个规则包对应一份规范）：", options)
    elif fact == "community_type":
        source, options = community_type_options(lib.packs)
        menu = _menu(f"社区类型（{source}）：", options)
    text: str | None = getattr(args, fact)
    shown = False
    while True:
        if text is None:
            if not can_ask:
                if not optional:
                    errors.append(f"缺少 {_option(fact)}（{label}）")
                return
            if menu and not shown:
                sys.stderr.write(menu)
                shown = True
            prompt = f"{label}（输入编号）：" if options else f"{label}："
            text = _ask(prompt)
            if text == "":
                if optional:
                    return
                sys.stderr.write(f"这一项不能空着。{WHY_REQUIRED.get(fact, '')}\n")
                text = None
                continue
            picked = choose(options, text) if options else None
            text = picked or text
        value, problems = check_fact(fact, text, _option(fact))
        msg = problems[0].message if problems else None
        if value is not INVALID and fact == "rule_pack" and value not in lib.packs:
            known = "、".join(sorted(lib.packs)) or "（content/rules/ 中没有规则包）"
            msg = f"找不到规则包 {value}，可用的规则包：{known}"
        if msg is None:
            values[fact] = value
            return
        if not can_ask:
            errors.append(f"{_option(fact)}：{msg}")
            return
        hint = "；请输入上面列出的编号" if options else ""
        sys.stderr.write(f"{msg}{hint}\n")
        if menu:
            sys.stderr.write(menu)
        text = None


# ---------------------------------------------------------------- gongshi plan new


def resolve_centre(project: Project, ref: str) -> Path | None:
    """A centre folder from an id (centres/<id>) or a path to the folder."""
    as_path = Path(ref)
    if (as_path / "centre.yaml").is_file():
        return as_path
    candidate = project.centres / ref
    if (candidate / "centre.yaml").is_file():
        return candidate
    return None


def run_plan(args: argparse.Namespace) -> int:
    ym = parse_month(args.month)
    if ym is None:
        sys.stderr.write(
            f"gongshi plan new：年月应写成 YYYY-MM（例如 2026-03），这里是 {args.month!r}\n"
        )
        return 2
    project = find_project(Path(args.project) if args.project != "." else Path(args.centre))
    folder = resolve_centre(project, args.centre)
    if folder is None:
        sys.stderr.write(
            f"gongshi plan new：找不到中心 {args.centre}（centres/{args.centre}/centre.yaml 不存在）\n"
        )
        return 1
    project = find_project(folder)
    target = folder / "plans" / f"{args.month}.yaml"
    if target.exists():
        sys.stderr.write(
            f"gongshi plan new：{project.display(target)} 已经存在，不会覆盖。"
            "如要重新生成，请先把它改名或删除。\n"
        )
        return 1
    centre, problems = read_centre(project, folder)
    centre_file = project.display(folder / "centre.yaml")
    blocking = [p for p in problems if p.severity is Severity.ERROR and p.file == centre_file]
    if centre is None or blocking:
        sys.stdout.write(Report(blocking or problems).format() + "\n")
        sys.stderr.write("gongshi plan new：centre.yaml 有错误，请先改正再生成计划\n")
        return 1
    if not centre.recurring:
        sys.stderr.write(
            "gongshi plan new：centre.yaml 中没有 recurring（每周固定活动），无法生成计划；"
            "格式见 docs/workflow.md\n"
        )
        return 1
    schema = schema_comment(target, "plan", project.root)
    draft = draft_plan(centre, ym[0], ym[1], args.signup, schema)
    write_texts({target: draft.text})
    out = sys.stdout
    out.write(f"已生成 {project.display(target)}：{draft.count} 项活动。\n")
    for note in draft.notes:
        out.write(f"  {note}\n")
    for s in draft.skipped:
        out.write(f"  未排入 {s.date.isoformat()} {s.title}：{s.reason}\n")
    out.write("请核对后补充本月的其他活动，公布后填写 published（公布日期）。\n")
    proposal = propose_exceptions(centre, ym[0], ym[1])
    if proposal.lines:
        out.write(
            f"\ncentre.yaml 的开放时间还没有写 {proposal.start.isoformat()} 至 "
            f"{proposal.end.isoformat()} 的下列节假日和调休安排。请核对：节假日闭馆的，"
            "把下面几行复制到 opening_hours 的 exceptions 之下；节日照常或缩短时间开放的，"
            "改成写 sessions（开放时段）；调休上班日不开放的，删去那一项。\n"
        )
        for year in proposal.unannounced:
            out.write(
                f"（{year} 年的放假调休安排本系统尚未收录：下面只有按法定节日推算的假日，"
                "没有调休，请按国务院办公厅的通知核对。）\n"
            )
        out.write("  exceptions:\n")
        out.write("".join(line + "\n" for line in proposal.lines))
    return 0
