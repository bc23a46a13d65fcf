"""``gongshi print [CENTRE] [--kind KIND ...] [--out DIR] [--site-url URL]``: print PDFs.

Makes the noticeboard postings, annual report booklets and manual books as PDF files in
``DIR/<centre-id>/`` (default: ``print/`` in the project folder). CENTRE is a centre's folder
name (its id) or a path to a project or centre folder. The files are written by
``build.write_files``: the output folder is replaced at the end, so a failed run leaves the
previous PDFs as they were. A run for one centre or some kinds keeps the other PDFs already
in the folder; a full run leaves exactly the PDFs it made, and those of the centres it skips.

Like ``gongshi build``, it prints every centre whose records have no errors (compliance
findings print as they are) and skips a centre with record errors, whose PDFs in the folder
stay as they were; it names the centres skipped and exits 1 when there are any. Errors in
content/ hold back every centre.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

from generator.build.tree import write_files
from generator.cli.args import add_day
from generator.errors import BuildFailed
from generator.pipeline import held_back, load_project
from generator.print.documents import KIND_LABELS, KINDS, render_pdfs
from generator.problems import Report
from generator.records.validate import centre_dirs, find_project
from generator.text.personal import mask_numbers

DEFAULT_OUT = "print"


def _url(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(f"网址应以 http:// 或 https:// 开头，这里是 {text}")
    return text.rstrip("/")


def add_arguments(p: argparse.ArgumentParser, name: str) -> None:
    kinds = "、".join(f"{k}（{KIND_LABELS[k]}）" for k in KINDS)
    p.add_argument(
        "centre",
        nargs="?",
        default=None,
        metavar="中心",
        help="只打印这个中心：中心文件夹名（如 shenzhen-xiashi）或中心文件夹的路径；"
        "不写则打印当前项目的全部中心",
    )
    p.add_argument(
        "--kind",
        action="append",
        choices=KINDS,
        default=None,
        metavar="种类",
        help=f"只打印这一种，可写多次。种类：{kinds}",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"输出文件夹（默认项目文件夹下的 {DEFAULT_OUT}/）；生成失败时原有内容保持不变",
    )
    p.add_argument(
        "--site-url",
        type=_url,
        default=None,
        help="网站正式地址，印在二维码和网址中，例如 https://gs.example.org；不写则不印二维码",
    )
    p.add_argument("--project", type=Path, default=Path("."), help="项目文件夹（默认当前文件夹）")
    add_day(p, "按这一天打印：公布日期在这一天之后的内容不打印（YYYY-MM-DD，默认今天）")


def _existing_pdfs(dest: Path) -> dict[str, bytes]:
    """The PDFs of an earlier print run in ``dest``; refuses a folder holding anything else.

    ``write_files`` replaces the whole folder, so it must never be pointed at a folder of
    other files (the project itself, a documents folder).
    """
    if not dest.exists():
        return {}
    if not dest.is_dir():
        raise BuildFailed(f"输出位置 {dest} 已存在且不是文件夹")
    found: dict[str, bytes] = {}
    for p in sorted(dest.rglob("*")):
        if p.is_dir():
            continue
        rel = p.relative_to(dest)
        if p.suffix.lower() != ".pdf" or len(rel.parts) != 2 or p.is_symlink():
            raise BuildFailed(
                f"输出文件夹 {dest} 里有打印件以外的文件（{rel.as_posix()}），"
                "为免覆盖，请换一个输出文件夹（--out）"
            )
        found[rel.as_posix()] = p.read_bytes()
    return found


def run(args: argparse.Namespace) -> int:
    only: str | None = None
    target = args.project
    if args.centre is not None:
        as_path = Path(args.centre)
        if as_path.is_dir() and (as_path / "centre.yaml").is_file():
            target, only = as_path, as_path.resolve().name
        else:
            only = args.centre
    if not target.exists():
        sys.stderr.write(f"gongshi：找不到路径 {target}\n")
        return 1
    if only is not None and target is args.project:
        # one centre by its id: check that centre folder alone
        project = find_project(target)
        names = [folder.name for folder in centre_dirs(project)]
        if only not in names:
            known = "、".join(names) or "（没有）"
            sys.stderr.write(f"gongshi：找不到中心 {only}；本项目的中心有：{known}\n")
            return 1
        target = project.centres / only
    validated = load_project(target, args.today)
    project = validated.project
    held = held_back(validated)
    if held.shared:
        sys.stderr.write(Report(list(held.shared)).format("text", mask_numbers) + "\n")
        sys.stderr.write(
            "gongshi：content/ 中的规则包、服务目录或制度模板有错误，每个中心都用到它们，"
            "因此未生成 PDF；原有打印件保持不变。\n"
        )
        return 1
    skipped = sorted(held.centres)
    if skipped:
        errors = [p for name in skipped for p in held.centres[name]]
        sys.stderr.write(Report(errors).format("text", mask_numbers) + "\n")
    printable = held.publishable(validated.centres)
    ids = [c.id for c in validated.centres]
    if only is not None and only not in ids and only not in held.centres:
        known = "、".join(ids) or "（没有）"
        sys.stderr.write(f"gongshi：找不到中心 {only}；本项目的中心有：{known}\n")
        return 1
    kinds = set(args.kind) if args.kind else None
    dest = args.out if args.out is not None else project.root / DEFAULT_OUT
    if dest.resolve() in (project.root.resolve(), project.centres.resolve(), Path.cwd().resolve()):
        raise BuildFailed(
            f"不能把打印件输出到 {dest}：该文件夹会被整个替换，请另选一个文件夹（--out）"
        )
    existing = _existing_pdfs(dest)  # also refuses a folder that holds anything else
    if only is not None or kinds is not None:
        keep = existing
    else:  # a full run: the PDFs of the centres skipped stay as they were
        keep = {rel: data for rel, data in existing.items() if rel.split("/")[0] in skipped}

    made: dict[str, bytes] = {}
    started = time.perf_counter()
    if printable:
        chosen = dataclasses.replace(validated, centres=printable)
        pdfs = render_pdfs(chosen, site_url=args.site_url or "", centre=only, kinds=kinds)
        made = {key.removeprefix("print/"): data for key, data in pdfs.items()}
    elapsed = time.perf_counter() - started
    if made or keep != existing:
        write_files({**keep, **made}, dest)

    if (
        printable
        and (kinds is None or "manuals" in kinds)
        and not any(k.endswith("/manuals.pdf") for k in made)
    ):
        sys.stderr.write(
            "gongshi：提示：制度汇编未生成（没有制度内容，或制度有问题；"
            "运行 gongshi check 查看原因）。\n"
        )
    if not args.site_url:
        sys.stderr.write("gongshi：提示：未指定 --site-url，打印件上没有二维码和网址。\n")
    sys.stdout.write(f"已生成 {len(made)} 个 PDF（用时 {elapsed:.1f} 秒）：{dest}\n")
    if skipped:
        sys.stderr.write(
            f"gongshi：以下 {len(skipped)} 个中心的记录有错误（见上），未生成 PDF，"
            f"原有打印件保持不变：{'、'.join(skipped)}。改正错误后重新运行 gongshi print。\n"
        )
        return 1
    return 0
