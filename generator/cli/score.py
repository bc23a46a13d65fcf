"""``gongshi score CENTRE [YEAR] [--format text|json]``: the evaluation result, line by line.

CENTRE is a centre id (a folder under centres/ of the project around the current folder)
or the path of a centre folder. YEAR defaults to the latest evaluated year. Exit codes:
0 scored, 1 when the centre cannot be found or its records have errors, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from generator.cli.due import format_table
from generator.compliance import scorecard
from generator.evaluation import scoring
from generator.evaluation.cards import SOURCE_LABELS, Scorecard
from generator.pipeline import load_project
from generator.records.validate import find_project
from generator.text import formats as fmt
from generator.text.personal import mask_numbers


def add_arguments(p: argparse.ArgumentParser, name: str) -> None:
    p.add_argument(
        "centre",
        nargs="?",
        default=None,
        help="中心编号（centres/ 下的文件夹名，如 shenzhen-xiashi）或中心文件夹的路径",
    )
    p.add_argument(
        "--all", action="store_true", help="项目中的全部中心，每个中心一行（区里对比各中心用）"
    )
    p.add_argument("year", nargs="?", type=_year, help="评估年度（默认：最近一次评估的年度）")
    p.add_argument("--format", choices=("text", "json"), default="text", help="输出格式")


def _year(text: str) -> int:
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(f"年度应是 2000 到 2100 之间的四位数字，这里是 {text!r}")
    return int(text)


def _centre_dir(arg: str) -> Path | None:
    path = Path(arg)
    if path.is_dir() and (path / "centre.yaml").is_file():
        return path
    candidate = find_project(Path.cwd()).centres / arg
    if "/" not in arg and "\\" not in arg and (candidate / "centre.yaml").is_file():
        return candidate
    return None


def render_text(card: Scorecard, name: str) -> str:
    """The scorecard as Chinese text, one line per scored item with the source of its points."""
    out = [f"{name}（{card.centre}） {card.year} 年度评估", f"规则包：{card.pack}"]
    for ln in card.lines:
        top = f"/{fmt.num(ln.max)}" if ln.max is not None else ""
        source = SOURCE_LABELS.get(ln.source, ln.source)
        out.append(f"  {ln.title}  {fmt.points(ln.points)}{top} 分  〔来源：{source}〕")
        out.append(f"      {ln.explanation}")
        out.append(f"      依据：{ln.citation}")
    if card.kind == "table" and card.total is not None:
        out.append(
            f"合计：{fmt.points(card.total)} / {fmt.num(card.max_total)} 分，"
            f"评估分比值 {fmt.ratio(card.ratio) if card.ratio is not None else '—'}"
        )
        if not card.complete:
            out.append(
                f"评分未完成：{len(card.missing)} 项缺少数据或评估机构打分（按 0 分计）："
                + "、".join(card.missing)
            )
    elif card.kind == "grade" and card.total is not None:
        out.append(f"评估总分：{fmt.num(card.total)} 分")
    if card.result:
        cite = f"（依据：{card.result_citation}）" if card.result_citation else ""
        out.append(f"{card.result_label}：{card.result}{cite}")
        if card.stated and card.stated != card.result:
            out.append(f"注意：评估记录写的是 {card.stated}，与计算结果不一致")
    for v in card.vetoes:
        mark = "已触发" if v.triggered else ("待核实" if v.pending else "未触发")
        out.append(f"一票否决（{mark}）：{v.message}（依据：{v.citation}）")
    for c in card.consequences:
        out.append(f"合同后果：{c.action}")
    for note in card.notes:
        out.append(f"说明：{note}")
    return "\n".join(out)


def summary_row(card: Scorecard, name: str) -> list[str]:
    """One centre's result in a line: name, id, pack, year, score, result, completeness."""
    if card.total is None:
        score = "—"
    elif card.kind == "table":
        score = f"{fmt.points(card.total)}/{fmt.num(card.max_total)}"
    else:
        score = fmt.num(card.total)
    state = "完整" if card.complete else f"未完成（缺 {len(card.missing)} 项）"
    if card.kind == "none":
        state = "规则包没有评分"
    return [name, card.centre, card.pack, str(card.year), score, card.result or "—", state]


def run_all(args: argparse.Namespace) -> int:
    """``gongshi score --all``: every centre of the project, a row each."""
    validated = load_project(Path.cwd())
    cards = []
    for centre in validated.centres:
        pack = validated.library.packs[centre.rule_pack]
        year = args.year or scoring.default_year(centre, validated.today)
        cards.append(
            (
                centre,
                scorecard(centre, pack, year, validated.today, validated.results.get(centre.id)),
            )
        )
    listed = {c.id for c in validated.centres}
    broken = sorted(
        {p.file.split("/")[1] for p in validated.report.errors if p.file.startswith("centres/")}
        - listed
    )
    if args.format == "json":
        doc = {
            "centres": [scoring.scorecard_dict(card) for _, card in cards],
            "not_scored": broken,
        }
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    else:
        rows = [["中心", "编号", "规则包", "年度", "得分", "评估结果", "说明"]]
        rows += [summary_row(card, centre.name) for centre, card in cards]
        sys.stdout.write(format_table(rows) + "\n")
        sys.stdout.write(f"共 {len(cards)} 个中心。\n")
    for cid in broken:
        sys.stderr.write(
            f"gongshi score：中心 {cid} 的记录有错误，未计算；请先运行 gongshi check centres/{cid}\n"
        )
    return 1 if broken else 0


def run(args: argparse.Namespace) -> int:
    if args.all:
        if args.centre:
            sys.stderr.write("gongshi score：参数错误：--all 与中心编号不能同时使用\n")
            return 2
        return run_all(args)
    if args.centre is None:
        sys.stderr.write("gongshi score：参数错误：请写明中心编号，或用 --all 列出全部中心\n")
        return 2
    folder = _centre_dir(args.centre)
    if folder is None:
        sys.stderr.write(
            f"gongshi：找不到中心 {args.centre}（应是 centres/ 下的文件夹名或中心文件夹的路径）\n"
        )
        return 1
    validated = load_project(folder)
    centre = next((c for c in validated.centres if c.id == folder.resolve().name), None)
    if centre is None:
        errors = [p for p in validated.report.sorted() if p.severity.value == "error"]
        sys.stderr.write(f"gongshi：中心 {folder.name} 的记录有错误，无法计算评估结果：\n")
        for p in errors[:20]:
            sys.stderr.write(
                f"  {p.file}:{p.line}:{p.column} [{p.code}] {mask_numbers(p.message)}\n"
            )
        return 1
    pack = validated.library.packs[centre.rule_pack]
    year = args.year or scoring.default_year(centre)
    card = scorecard(centre, pack, year, validated.today, validated.results.get(centre.id))
    if args.format == "json":
        sys.stdout.write(
            json.dumps(scoring.scorecard_dict(card), ensure_ascii=False, indent=2) + "\n"
        )
    else:
        sys.stdout.write(render_text(card, centre.name) + "\n")
    return 0
