"""``gongshi export CENTRE --xlsx`` and ``gongshi import FILE.xlsx``: Excel templates in and out.

export: a workbook for a month (plan and activity records) and/or a quarter (income,
expenditure, fixed assets), pre-filled with the existing records. Without ``--month`` and
``--quarter`` it holds next month's plan, this month's records and the last quarter.

import: reads a filled workbook, checks every cell and the resulting records; with any
error it prints the problems (each at its cell: 工作表「…」第7行「日期」列（B7 格）; in JSON
the file is ``文件.xlsx!工作表!单元格``) and changes no file. Exit 0
imported, 1 problems in the workbook or records, 2 bad options.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

from generator.cli.new import resolve_centre
from generator.errors import GongshiError
from generator.pipeline import RECORDS, load
from generator.problems import Severity
from generator.records.edit import write_texts
from generator.records.validate import find_project
from generator.text.personal import mask_numbers
from generator.workflow.excel.export import export_workbook
from generator.workflow.excel.import_ import import_workbook, sort_problems
from generator.workflow.excel.read import read_workbook
from generator.workflow.scaffold import parse_month


def add_arguments(p: argparse.ArgumentParser, name: str) -> None:
    p.add_argument("--project", default=".", help="项目文件夹（默认当前文件夹）")
    if name == "export":
        p.add_argument("centre", help="中心编号（centres/ 下的文件夹名）或中心文件夹路径")
        p.add_argument(
            "--xlsx", action="store_true", required=True, help="导出为 Excel 工作簿（.xlsx）"
        )
        p.add_argument("--month", metavar="YYYY-MM", help="活动计划和活动记录所属的月份")
        p.add_argument("--quarter", metavar="YYYY-Qn", help="季度财务信息所属的季度，例如 2026-Q3")
        p.add_argument("--out", metavar="文件", help="保存到哪个文件（默认：中心编号-期间.xlsx）")
        p.add_argument("--force", action="store_true", help="文件已存在时覆盖")
        return
    p.add_argument("file", help="填好的 Excel 文件（.xlsx）")
    p.add_argument("--centre", help="中心编号（不填则使用工作簿“说明”表中的中心编号）")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入任何文件")
    p.add_argument("--format", choices=("text", "json"), default="text", help="问题的输出格式")


def run(args: argparse.Namespace) -> int:
    return run_export(args) if args.command == "export" else run_import(args)


def _quarter(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"([0-9]{4})-Q([1-4])", text.strip())
    return (int(match[1]), int(match[2])) if match else None


def run_export(args: argparse.Namespace) -> int:
    today = dt.date.today()
    month = quarter = None
    if args.month:
        month = parse_month(args.month)
        if month is None:
            sys.stderr.write(
                f"gongshi export：--month 应写成 YYYY-MM（例如 2026-03），这里是 {args.month!r}\n"
            )
            return 2
    if args.quarter:
        quarter = _quarter(args.quarter)
        if quarter is None:
            sys.stderr.write(
                f"gongshi export：--quarter 应写成 YYYY-Qn（例如 2026-Q3），这里是 {args.quarter!r}\n"
            )
            return 2
    records_month = month
    if not args.month and not args.quarter:
        # next month's plan, this month's activity records, the last quarter's finance
        month = (today.year + (today.month == 12), today.month % 12 + 1)
        records_month = (today.year, today.month)
        q_now = (today.month - 1) // 3 + 1
        quarter = (today.year - (q_now == 1), 4 if q_now == 1 else q_now - 1)
    project = find_project(Path(args.project))
    folder = resolve_centre(project, args.centre)
    if folder is None:
        sys.stderr.write(f"gongshi export：找不到中心 {args.centre}\n")
        return 1
    project = find_project(folder)
    validated = load(project, folder, today, RECORDS)
    centre = next(iter(validated.centres), None)
    shown = project.display(folder)
    errors = [  # the centre's own (not those of the rule packs in content/)
        p for p in validated.report.errors if p.file == shown or p.file.startswith(shown + "/")
    ]
    if centre is None or errors:
        sys.stderr.write(
            f"gongshi export：中心 {folder.name} 的记录有 {len(errors)} 个错误，请先运行 "
            f"gongshi check {project.display(folder)} 并改正\n"
        )
        return 1
    parts = [centre.id]
    for mo in sorted({m for m in (records_month, month) if m}):
        parts.append(f"{mo[0]:04d}-{mo[1]:02d}")
    if quarter:
        parts.append(f"{quarter[0]:04d}-Q{quarter[1]}")
    out = Path(args.out) if args.out else Path("-".join(parts) + ".xlsx")
    if out.exists() and not args.force:
        sys.stderr.write(f"gongshi export：{out} 已经存在；加 --force 覆盖，或用 --out 另存\n")
        return 1
    data = export_workbook(
        centre,
        validated.library.packs.get(centre.rule_pack) if validated.library else None,
        month=month,
        quarter=quarter,
        today=today,
        records_month=records_month,
    )
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise GongshiError(f"无法保存 {out}：{exc.strerror or exc}") from exc
    sys.stdout.write(f"已导出 {out}。填写后运行：gongshi import {out}\n")
    return 0


def run_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        sys.stderr.write(f"gongshi import：找不到文件 {path}\n")
        return 1
    project = find_project(Path(args.project))
    centre_ref = args.centre
    if not centre_ref:
        centre_ref = read_workbook(path).centre
        if not centre_ref:
            sys.stderr.write(
                "gongshi import：工作簿中没有“说明”表的中心编号，请用 --centre 指定中心\n"
            )
            return 2
    folder = resolve_centre(project, centre_ref)
    if folder is None:
        sys.stderr.write(
            f"gongshi import：找不到中心 {centre_ref}（centres/{centre_ref}/centre.yaml 不存在）\n"
        )
        return 1
    project = find_project(folder)
    result = import_workbook(project, folder, path, path.name)
    problems = sort_problems(result.problems)
    n_err = sum(1 for p in problems if p.severity is Severity.ERROR)
    n_warn = sum(1 for p in problems if p.severity is Severity.WARNING)
    if args.format == "json":
        doc = {
            "centre": folder.name,
            "imported": result.ok and not args.dry_run,
            "files": [c.rel for c in result.changes],
            "problems": [p.as_dict() for p in problems],
            "errors": n_err,
            "warnings": n_warn,
        }
        if result.ok and not args.dry_run and result.changes:
            write_texts({folder / c.rel: c.new for c in result.changes})
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return 0 if result.ok else 1
    for p in problems:
        # a cell is named in the message (工作表「…」第7行「日期」列（B7 格））: the file is enough
        where = f"{p.file}:{p.line}:{p.column}" if p.line else p.file.split("!")[0]
        sys.stdout.write(f"{where} {p.severity.label} [{p.code}] {mask_numbers(p.message)}\n")
    if not result.ok:
        sys.stdout.write(
            f"共 {n_err} 个错误，{n_warn} 个警告。没有改动任何文件；请在 Excel 中改正后重新导入。\n"
        )
        return 1
    if not result.changes:
        sys.stdout.write("工作簿中没有需要导入的新内容，没有改动任何文件。\n")
        return 0
    rel = project.display(folder)
    if args.dry_run:
        for c in result.changes:
            verb = "将更新" if c.old is not None else "将新建"
            sys.stdout.write(f"{verb} {rel}/{c.rel}（{c.summary}）\n")
        sys.stdout.write("检查通过（--dry-run：没有写入文件）。\n")
        return 0
    write_texts({folder / c.rel: c.new for c in result.changes})
    for c in result.changes:
        verb = "已更新" if c.old is not None else "已新建"
        sys.stdout.write(f"{verb} {rel}/{c.rel}（{c.summary}）\n")
    if n_warn:
        sys.stdout.write(f"导入完成，有 {n_warn} 个警告，请核对。\n")
    return 0
