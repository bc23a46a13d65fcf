"""All the policy manuals (管理制度) of one centre, from the sources to ``Manual`` objects.

Each content manual is parsed (templates), its body rendered with the centre's context
(render), split into chapters and articles (structure), changed by the centre's additions
(additions) and numbered; a centre's replacement manual takes the place of the content
manual. ``build_manuals`` returns the problems it finds; ``render_manuals`` reads the files
and raises ``ManualError`` on an error.
"""

from __future__ import annotations

from pathlib import Path

from generator import model as m
from generator.manuals.additions import apply_additions, parse_additions
from generator.manuals.facts import pack_facts, select_citations
from generator.manuals.render import ManualError, manual_context, render_body
from generator.manuals.settings import manual_settings
from generator.manuals.sources import (
    ADD_SUFFIX,
    MANUAL_ID,
    ManualSources,
    problem,
    read_manual_sources,
)
from generator.manuals.structure import Manual, manual_markdown, number_manual, parse_structure
from generator.manuals.templates import Template, parse_override, parse_template
from generator.packs.library import Pack
from generator.problems import Position, Problem, Severity
from generator.text.escape import md_escape


def build_manuals(
    centre: m.Centre, pack: Pack, sources: ManualSources
) -> tuple[list[Manual], list[Problem]]:
    """Render every manual for one centre; problems in sources are returned, not raised."""
    out: list[Problem] = []
    for u in sources.unknown:
        out.append(
            Problem.at(
                Position(u),
                "unknown-file",
                f"无法识别的文件 {u}：manuals/ 中只应有 <制度编号>.md、<制度编号>.add.yaml 和 settings.yaml",
            )
        )
    templates: dict[str, Template] = {}
    for src in sources.manuals:
        tpl = parse_template(src, out)
        if tpl is not None:
            templates[tpl.id] = tpl
    settings, hazard_defaults = manual_settings(centre, sources, templates, out)
    if settings is None:
        return [], out
    facts = pack_facts(pack)
    overrides = {s.name[:-3]: s for s in sources.overrides}
    additions = {s.name[: -len(ADD_SUFFIX)]: s for s in sources.additions}
    for name, src in list(overrides.items()) + list(additions.items()):
        if not MANUAL_ID.fullmatch(name):
            out.append(
                problem(
                    src.display,
                    0,
                    "bad-file-name",
                    "文件名应是制度编号（小写英文字母、数字和连字符），见 docs/manuals.md",
                )
            )
    for name, src in additions.items():
        if name not in templates:
            out.append(
                problem(
                    src.display,
                    0,
                    "bad-file-name",
                    f"没有编号为 {name} 的制度（可用：{'、'.join(sorted(templates))}）",
                )
            )
    manuals: list[Manual] = []
    ids = list(templates) + [k for k in overrides if k not in templates and MANUAL_ID.fullmatch(k)]
    for mid in ids:
        tpl = templates.get(mid)
        own = mid in overrides
        if own:
            made = parse_override(overrides[mid], tpl, out)
            if made is None:
                continue
            title, clauses, laws, chapters, order, satisfies = made
        else:
            assert tpl is not None
            title, clauses, laws, order, satisfies = (
                tpl.title,
                tpl.clauses,
                tpl.laws,
                tpl.order,
                tpl.satisfies,
            )
            chapters = None
        citations = select_citations(clauses, pack)
        ctx = manual_context(centre, pack, facts, settings, citations, laws, hazard_defaults)
        if chapters is None:
            assert tpl is not None
            body = render_body(tpl, ctx)
            chapters = parse_structure(body, tpl.display, tpl.body_line, out)
            if mid in additions:
                parsed = parse_additions(additions[mid], out)
                if parsed is not None:
                    chapters = apply_additions(chapters, parsed[0], parsed[1], out)
        display = overrides[mid].display if own else tpl.display
        numbered = number_manual(chapters, display, out)
        subtitle = f"{md_escape(centre.name)}　{md_escape(ctx.version)}"
        note = "本制度全文由本中心自行制定。" if own else None
        manuals.append(
            Manual(
                id=mid,
                title=title,
                citations=citations,
                chapters=numbered,
                markdown=manual_markdown(md_escape(title), subtitle, numbered, note),
                version=ctx.version,
                effective=ctx.effective,
                own=own,
                satisfies=satisfies,
                order=order,
            )
        )
    manuals.sort(key=lambda x: (x.order, x.id))
    return manuals, out


def check_manuals(centre: m.Centre, pack: Pack, sources: ManualSources) -> list[Problem]:
    """Every problem in a centre's manual overrides and settings (and in the templates)."""
    return build_manuals(centre, pack, sources)[1]


def render_manuals(
    centre: m.Centre,
    pack: Pack,
    *,
    content_dir: Path | None = None,
    overrides_dir: Path | None = None,
) -> list[Manual]:
    """Render every policy manual of a centre, with its overrides; errors raise ManualError."""
    sources = read_manual_sources(content_dir, overrides_dir)
    manuals, problems = build_manuals(centre, pack, sources)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        shown = "；".join(f"{Position(p.file, p.line, p.column)} {p.message}" for p in errors[:5])
        more = f"（另有 {len(errors) - 5} 个问题）" if len(errors) > 5 else ""
        raise ManualError(f"制度无法生成：{shown}{more}")
    return manuals
