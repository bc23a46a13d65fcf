"""``gongshi new [ID] …`` (create a centre folder) and ``gongshi plan new CENTRE YYYY-MM``.

``new`` asks for the few facts it needs when run in a terminal, or takes them as options
(every option has the same name as the question's fact). ``plan new`` drafts next month's
plan from the centre's weekly ``recurring`` activities and refuses to overwrite a plan.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from generator.pipeline import RECORDS, load, project_library, read_centre
from generator.problems import Report, Severity
from generator.records.edit import write_texts
from generator.records.schema import INVALID
from generator.records.validate import Project, find_project
from generator.workflow.scaffold import (
    FACT_KINDS,
    OPTIONAL_FACTS,
    STANDARD_SUBFOLDERS,
    CentreFacts,
    check_centre_id,
    check_fact,
    draft_plan,
    parse_month,
    render_centre_yaml,
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


def run(args: argparse.Namespace) -> int:
    if args.command == "plan":
        return run_plan(args)
    return run_new(args)


# ---------------------------------------------------------------- gongshi new


def _ask(prompt: str) -> str:
    sys.stderr.write(prompt)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        raise KeyboardInterrupt
    return line.strip()


def run_new(args: argparse.Namespace) -> int:
    project = find_project(Path(args.project))
    if not project.content.is_dir():
        sys.stderr.write(
            f"gongshi：{project.root} 中没有 content/ 文件夹，请在项目文件夹中运行（或用 --project 指定）\n"
        )
        return 1
    lib = project_library(project)
    packs = sorted(lib.packs)
    interactive = sys.stdin.isatty() and not args.no_input
    errors: list[str] = []

    centre_id = args.id
    while True:
        if not centre_id and interactive:
            centre_id = _ask("中心编号（小写字母、数字和连字符，例如 futian-shawei）：")
        if not centre_id:
            errors.append("缺少中心编号（第一个参数）")
            break
        msg = check_centre_id(centre_id)
        if msg is None and (project.centres / centre_id).exists():
            msg = f"centres/{centre_id} 已经存在，不会覆盖；请换一个编号"
        if msg is None:
            break
        if not interactive or args.id:
            errors.append(msg)
            break
        sys.stderr.write(msg + "\n")
        centre_id = None

    values: dict[str, object] = {}
    for fact, (label, _kind) in FACT_KINDS.items():
        text = getattr(args, fact)
        optional = fact in OPTIONAL_FACTS
        hint = ""
        if fact == "rule_pack":
            hint = f"（可选：{'、'.join(packs) or '无'}）"
        while True:
            if text is None and interactive:
                text = _ask(f"{label}{hint}：")
            if text is None or text == "":
                if not optional:
                    errors.append(f"缺少 --{fact.replace('_', '-')}（{label}）")
                break
            value, problems = check_fact(fact, text, f"--{fact.replace('_', '-')}")
            msg = problems[0].message if problems else None
            if value is not INVALID and fact == "rule_pack" and value not in lib.packs:
                msg = f"找不到规则包 {value}，可用的规则包：{'、'.join(packs) or '（content/rules/ 中没有规则包）'}"
            if msg is None:
                values[fact] = value
                break
            if not interactive or getattr(args, fact) is not None:
                errors.append(f"--{fact.replace('_', '-')}：{msg}")
                break
            sys.stderr.write(msg + "\n")
            text = None
    if errors:
        for e in errors:
            sys.stderr.write(f"gongshi new：{e}\n")
        if not interactive:
            sys.stderr.write("不在终端中运行时，请用选项给出全部信息，见 gongshi new --help\n")
        return 2

    facts = CentreFacts(id=centre_id, **values)  # type: ignore[arg-type]
    folder = project.centres / centre_id
    text = render_centre_yaml(facts, lib.packs.get(facts.rule_pack), dt.date.today())
    write_texts({folder / "centre.yaml": text})
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
    draft = draft_plan(centre, ym[0], ym[1], args.signup)
    write_texts({target: draft.text})
    sys.stdout.write(f"已生成 {project.display(target)}：{draft.count} 项活动。\n")
    for s in draft.skipped:
        sys.stdout.write(f"  未排入 {s.date.isoformat()} {s.title}：{s.reason}\n")
    sys.stdout.write("请核对后补充本月的其他活动，公布后填写 published（公布日期）。\n")
    return 0
