"""Policy manuals (管理制度): every manual for every centre and pack, pack thresholds read from
the pack, centre overrides and additions, hostile text, and the documented template contract.

Nothing is mocked: the real templates in content/manuals are rendered with the real rule
packs and the sample centres; overrides are real files in a temporary folder.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from generator.manuals.build import check_manuals, render_manuals
from generator.manuals.facts import PackFacts, _doc_key
from generator.manuals.render import ContactInfo, ManualContext, ManualError, RoleInfo, RoomInfo
from generator.manuals.settings import (
    HAZARDS,
    OPTIONAL_SETTINGS,
    SETTING_KINDS,
    Responsible,
    Settings,
)
from generator.manuals.sources import read_manual_sources
from generator.manuals.text import cn_numeral, percent_text
from generator.packs.library import Rule
from generator.packs.params import parse_params
from generator.pipeline import validate_project
from generator.records.validate import Project
from generator.rules import emergency
from generator.text.escape import md_escape
from generator.text.labels import OP_WORDS

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content" / "manuals"
MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal"
REQUIRED = {
    "venue": "场地管理制度",
    "project-selection": "服务项目遴选制度",
    "stakeholders": "利益相关方管理制度",
    "partners": "合作伙伴引入与管理制度",
    "volunteers": "志愿者（义工）管理制度",
    "quality": "服务质量内控制度",
    "it": "信息化技术应用管理制度",
    "hr": "人力资源管理制度",
    "finance": "财务管理制度",
    "archives": "档案管理制度",
    "posts": "岗位职责与工作守则",
    "safety": "安全管理制度与应急预案",
    "duty": "值班、考勤与请销假制度",
    "disclosure": "信息公开制度",
}
_UNESCAPE = re.compile(r"\\(.)")


def plain(markdown: str) -> str:
    """What a reader sees of escaped Markdown text (backslash escapes and entities undone)."""
    s = _UNESCAPE.sub(r"\1", markdown)
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@pytest.fixture(scope="module")
def projects(samples_validated):
    """The sample centres (centres/) and the minimal fixture, validated."""
    out = []
    for res in (samples_validated, validate_project(Project(MINIMAL))):
        assert res.library is not None
        out.append(res)
    return out


@pytest.fixture(scope="module")
def samples(projects):
    res = projects[0]
    assert res.centres, "the sample centres under centres/ did not validate"
    return res


def centre_and_pack(res, centre_id=None, pack_id=None):
    centre = (
        res.centres[0] if centre_id is None else next(c for c in res.centres if c.id == centre_id)
    )
    return centre, res.library.packs[pack_id or centre.rule_pack]


def by_id(manuals):
    return {m.id: m for m in manuals}


# ---------------------------------------------------------------- every manual, every centre


def test_every_manual_renders_for_every_centre_and_pack(projects):
    seen = 0
    for res in projects:
        for centre in res.centres:
            for pack in res.library.packs.values():
                manuals = render_manuals(centre, pack, content_dir=CONTENT)
                got = by_id(manuals)
                assert set(REQUIRED) <= set(got), centre.id
                for mid, title in REQUIRED.items():
                    man = got[mid]
                    assert man.title == title
                    assert man.markdown.startswith(f"# {title}\n")
                    numbers = [a.number for a in man.articles]
                    assert numbers == list(range(1, len(numbers) + 1)), (centre.id, pack.id, mid)
                    titled = [c.number for c in man.chapters if c.title]
                    assert titled == list(range(1, len(titled) + 1))
                    assert all(a.text.strip() for a in man.articles)
                    assert "\x00" not in man.markdown and "§" not in man.markdown
                    # the last articles say who interprets the manual and from when it applies
                    assert plain(man.articles[-1].text).startswith("本")
                    assert "起施行" in man.articles[-1].text
                    seen += 1
    assert seen >= 14 * 4 * 2


def test_markdown_structure_and_labels(samples):
    centre, pack = centre_and_pack(samples)
    man = by_id(render_manuals(centre, pack, content_dir=CONTENT))["finance"]
    lines = man.markdown.splitlines()
    assert lines[0] == "# 财务管理制度"
    assert "## 第一章　总则" in lines
    assert any(line.startswith("**第一条**　为") for line in lines)
    assert man.articles[20].label == "第二十一条"
    assert man.effective == centre.contract.start  # from the records, not the build date
    assert str(centre.contract.start.year) in man.version


def test_rendering_is_deterministic(samples):
    centre, pack = centre_and_pack(samples)
    first = [m.markdown for m in render_manuals(centre, pack, content_dir=CONTENT)]
    again = [m.markdown for m in render_manuals(centre, pack, content_dir=CONTENT)]
    assert first == again


# ---------------------------------------------------------------- citations


def test_each_manual_cites_its_clause_in_the_first_article(projects):
    for res in projects:
        for centre in res.centres:
            for pack in res.library.packs.values():
                for man in render_manuals(centre, pack, content_dir=CONTENT):
                    assert man.citations, (pack.id, man.id)
                    first = plain(man.articles[0].text)
                    assert "根据" in first and "制定本" in first
                    for cite in man.citations:
                        doc, _, clause = cite.partition("》")
                        assert doc + "》" in first, (pack.id, man.id, cite)
                        assert clause in first.split(doc + "》", 1)[1], (pack.id, man.id, cite)


def test_the_ten_shenzhen_systems_cite_their_clause_of_four(samples):
    """Each of the ten systems of 四 has a manual citing that item's clause (四(一)…四(十))."""
    pack = samples.library.packs["shenzhen-2015"]
    centre = samples.centres[0]
    manuals = render_manuals(centre, pack, content_dir=CONTENT)
    items = pack.rule("management-systems").params.items
    assert len(items) == 10
    for item in items:
        cite = f"{pack.document}{item['clause']}"
        found = [m for m in manuals if item["id"] in m.satisfies]
        assert found, item["id"]
        assert any(cite in m.citations and item["name"] in m.title for m in found), item


def test_citations_follow_the_centres_pack(samples):
    centre = samples.centres[0]
    for pack_id in ("binjiang-2023", "huizhou-pilot", "shenzhen-early"):
        pack = samples.library.packs[pack_id]
        for man in render_manuals(centre, pack, content_dir=CONTENT):
            key = _doc_key(pack.document)
            assert all(_doc_key(c.split("》")[0] + "》") == key for c in man.citations)


# ---------------------------------------------------------------- thresholds from the pack


def with_params(pack, rule_id, **params):
    """The pack with one rule's parameters changed as a district pack would write them."""
    rule = pack.rules[rule_id]
    raw = {**rule.raw, **params}
    typed, problems = parse_params(type(rule.params), raw, lambda _k: rule.src, rule.id, rule.check)
    assert not problems, problems
    new = dataclasses.replace(rule, params=typed, raw=raw)
    return dataclasses.replace(pack, rules={**pack.rules, rule_id: new})


def test_finance_prints_the_fund_ratios_of_the_pack(samples):
    centre = samples.centres[0]
    pack = samples.library.packs["shenzhen-2015"]
    before = plain(by_id(render_manuals(centre, pack, content_dir=CONTENT))["finance"].markdown)
    for rule in pack.by_check("fund-ratio"):
        if rule.params.base == "government-project":
            pct = percent_text(rule.params.threshold)
            assert f"占项目总经费的比例{OP_WORDS[rule.params.op]}{pct}" in before
    changed = with_params(pack, "fund-management", threshold="0.08")
    after = plain(by_id(render_manuals(centre, changed, content_dir=CONTENT))["finance"].markdown)
    assert "机构营运管理费占项目总经费的比例不超过8%" in after
    assert "机构营运管理费占项目总经费的比例不超过8%" not in before
    assert after != before


def test_without_fund_rules_finance_defers_to_the_contract(samples):
    centre = samples.centres[0]
    pack = samples.library.packs["shenzhen-2015"]
    bare = dataclasses.replace(
        pack, rules={k: r for k, r in pack.rules.items() if r.check != "fund-ratio"}
    )
    text = plain(by_id(render_manuals(centre, bare, content_dir=CONTENT))["finance"].markdown)
    assert "使用比例，按照服务购买合同的约定执行" in text
    assert "占项目总经费的比例" not in text


def test_other_pack_thresholds_change_the_text(samples):
    centre = samples.centres[0]
    pack = samples.library.packs["binjiang-2023"]
    changed = with_params(pack, "opening-hours", min_days_per_week="6", min_hours_per_day="10")
    venue = plain(by_id(render_manuals(centre, changed, content_dir=CONTENT))["venue"].markdown)
    assert "每周开放不少于6天，每天开放时间不少于10小时" in venue
    changed = with_params(pack, "training-certified", threshold="60")
    hr = plain(by_id(render_manuals(centre, changed, content_dir=CONTENT))["hr"].markdown)
    assert "持证社会工作者每年参加继续教育不少于60学时" in hr
    sz = samples.library.packs["shenzhen-2015"]
    changed = with_params(
        sz, "quarterly-finance-disclosure", days_after_period="20", channels_min="4"
    )
    disclosure = plain(
        by_id(render_manuals(centre, changed, content_dir=CONTENT))["disclosure"].markdown
    )
    # the 20 days are the pack's choice (its basis says so), not the clause's
    assert "季度财务信息：及时公开，通过不少于四种形式公开" in disclosure
    assert "按本地规定：每季度结束后20日内（依据：原文只要求" in disclosure


def test_no_pack_number_is_typed_into_a_template():
    """A threshold of a pack rule never appears as a literal in the manual templates."""
    literals = {
        "80%",
        "75%",
        "10%",
        "90%",
        "60%",
        "400",
        "50学时",
        "12小时",
        "30日",
        "4月30日",
        "20人",
    }
    for path in CONTENT.glob("*.md"):
        text = path.read_text(encoding="utf-8")
        for lit in literals:
            assert lit not in text, (path.name, lit)


# ---------------------------------------------------------------- hazards


def test_emergency_plan_covers_pack_hazards_and_centre_choice(samples, tmp_path):
    centre = samples.centres[0]
    pack = samples.library.packs["shenzhen-2015"]
    default = plain(by_id(render_manuals(centre, pack, content_dir=CONTENT))["safety"].markdown)
    assert "发生火灾时" in default and "食物中毒" in default
    assert "台风预警" not in default and "暴雨预警" not in default
    rule = Rule(
        id="emergency-hazards",
        check="emergency-hazards",
        clause="6.1.4",
        document=pack.document,
        quote="防火、防电",
        severity="info",
        params=emergency.Params(hazards=("typhoon", "flood")),
    )
    flagged = dataclasses.replace(pack, rules={**pack.rules, rule.id: rule})
    text = plain(by_id(render_manuals(centre, flagged, content_dir=CONTENT))["safety"].markdown)
    assert "台风预警" in text and "暴雨预警" in text and "发生火灾时" in text
    over = tmp_path / "centres" / centre.id / "manuals"
    over.mkdir(parents=True)
    (over / "settings.yaml").write_text("emergency_hazards: [fire, typhoon]\n", encoding="utf-8")
    mine = plain(
        by_id(render_manuals(centre, pack, content_dir=CONTENT, overrides_dir=over))[
            "safety"
        ].markdown
    )
    assert "台风预警" in mine and "发生火灾时" in mine and "食物中毒时" not in mine


# ---------------------------------------------------------------- overrides and additions


def overrides(tmp_path, centre, files: dict[str, str]) -> Path:
    folder = tmp_path / "centres" / centre.id / "manuals"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_an_override_replaces_a_manual_and_is_not_run_as_jinja(samples, tmp_path):
    centre, pack = centre_and_pack(samples)
    folder = overrides(
        tmp_path,
        centre,
        {
            "duty.md": (
                "---\ntitle: 值班与考勤办法\n---\n## 总则\n\n§ 本中心值班由全体工作人员轮流承担。{{ 7*7 }}\n\n"
                '§ <script>x</script> `#read("/etc/passwd")`{=typst} ![](file:///etc/passwd)\n\n'
                "## 附则\n\n§ 本办法自印发之日起施行。\n"
            )
        },
    )
    man = by_id(render_manuals(centre, pack, content_dir=CONTENT, overrides_dir=folder))["duty"]
    assert man.own and man.title == "值班与考勤办法"
    assert [a.number for a in man.articles] == [1, 2, 3]
    assert all(a.own for a in man.articles)
    assert "本制度全文由本中心自行制定" in man.markdown
    assert "49" not in man.markdown and "{{" not in man.markdown
    assert "<script>" not in man.markdown and "{=typst}" not in man.markdown
    assert "![" not in man.markdown
    assert "{{ 7*7 }}" in plain(man.markdown)
    # the citations of the content manual are kept unless the override gives its own
    assert man.citations


def test_an_added_article_is_marked_own_and_renumbers_the_rest(samples, tmp_path):
    centre, pack = centre_and_pack(samples)
    base = by_id(render_manuals(centre, pack, content_dir=CONTENT))["venue"]
    rooms = next(a for a in base.articles if a.key == "rooms")
    folder = overrides(
        tmp_path,
        centre,
        {
            "venue.add.yaml": (
                "articles:\n"
                "  - before: rooms\n"
                "    text: 本中心天台菜园由园艺小组认领管理。\n"
                f"  - after: {rooms.number}\n"
                "    heading: 功能室钥匙\n"
                "    text: 功能室钥匙由前台统一保管。\n"
                "  - chapter: 附则\n"
                "    text: 本中心各功能室使用须知另行张贴。\n"
            )
        },
    )
    man = by_id(render_manuals(centre, pack, content_dir=CONTENT, overrides_dir=folder))["venue"]
    arts = man.articles
    assert len(arts) == len(base.articles) + 3
    added = arts[rooms.number - 1]
    assert added.own and added.change == "added" and added.number == rooms.number
    assert arts[rooms.number].key == "rooms" and arts[rooms.number].number == rooms.number + 1
    assert arts[rooms.number + 1].heading == "功能室钥匙" and arts[rooms.number + 1].own
    assert [a.number for a in arts] == list(range(1, len(arts) + 1))
    assert sum(a.own for a in arts) == 3
    assert "〔本中心补充〕本中心天台菜园" in man.markdown
    # a reference to the rooms article follows its new number
    ref = f"以第{cn_numeral(rooms.number + 1)}条所列为准"
    assert ref in man.markdown
    assert f"以第{cn_numeral(rooms.number)}条所列为准" in base.markdown
    # the added chapter-end article comes before the interpretation article
    assert arts[-3].own and arts[-1].key == "effective"


def test_replace_and_remove_by_number(samples, tmp_path):
    centre, pack = centre_and_pack(samples)
    base = by_id(render_manuals(centre, pack, content_dir=CONTENT))["duty"]
    folder = overrides(
        tmp_path,
        centre,
        {
            "duty.add.yaml": "articles:\n  - replace: 3\n    text: 本中心值班表由**中心主任**编排。\n  - remove: 4\n",
            "settings.yaml": "leave_head_days: 3\n",
        },
    )
    man = by_id(render_manuals(centre, pack, content_dir=CONTENT, overrides_dir=folder))["duty"]
    assert len(man.articles) == len(base.articles) - 1
    third = man.articles[2]
    assert third.own and third.change == "replaced" and "〔本中心修订〕" in man.markdown
    assert "**中心主任**" in third.text  # centre text keeps its Markdown emphasis
    assert "请假在3日以内" in man.markdown and "请假在2日以内" in base.markdown


def test_new_chapter_and_new_manual(samples, tmp_path):
    centre, pack = centre_and_pack(samples)
    folder = overrides(
        tmp_path,
        centre,
        {
            "venue.add.yaml": (
                "chapters:\n  - title: 天台菜园管理\n    before: 附则\n"
                "articles:\n  - chapter: 天台菜园管理\n    text: 天台菜园每日闭馆前关闭。\n"
            ),
            "garden.md": "---\ntitle: 天台菜园管理办法\n---\n## 总则\n\n§ 为管理好天台菜园，制定本办法。\n",
        },
    )
    manuals = by_id(render_manuals(centre, pack, content_dir=CONTENT, overrides_dir=folder))
    venue = manuals["venue"]
    titles = [c.title for c in venue.chapters]
    assert titles[-2:] == ["天台菜园管理", "附则"]
    assert venue.chapters[-2].own and venue.chapters[-2].articles[0].own
    garden = manuals["garden"]
    assert garden.own and garden.title == "天台菜园管理办法"


@pytest.mark.parametrize(
    "name,text,code,line",
    [
        ("venue.add.yaml", "articles:\n  - after: 999\n    text: x\n", "out-of-range", 2),
        ("venue.add.yaml", "articles:\n  - after: nosuchkey\n    text: x\n", "missing-key", 2),
        ("venue.add.yaml", "articles:\n  - after: 3\n", "missing-key", 2),
        (
            "venue.add.yaml",
            "articles:\n  - after: 3\n    replace: 4\n    text: x\n",
            "missing-key",
            2,
        ),
        ("venue.add.yaml", "articles:\n  - chapter: 没有这一章\n    text: x\n", "missing-key", 2),
        ("venue.add.yaml", "articles: [\n", "yaml-syntax", 2),
        ("nosuch.add.yaml", "articles: []\n", "bad-file-name", 0),
        ("settings.yaml", "leave_head_days: 两天\n", "wrong-type", 1),
        ("settings.yaml", "purchase_head_limit: 50000\n", "out-of-range", 1),
        ("settings.yaml", "no_such_setting: 1\n", "unknown-key", 1),
        ("settings.yaml", "emergency_hazards: [fire, meteor]\n", "bad-choice", 1),
        ("settings.yaml", "responsible:\n  finance: 不存在的岗位\n", "bad-choice", 0),
    ],
)
def test_bad_overrides_are_problems_at_their_line(samples, tmp_path, name, text, code, line):
    centre, pack = centre_and_pack(samples)
    folder = overrides(tmp_path, centre, {name: text})
    problems = check_manuals(centre, pack, read_manual_sources(CONTENT, folder))
    got = {(p.code, p.line) for p in problems}
    assert (code, line) in got, got
    assert all(p.file.startswith(f"centres/{centre.id}/manuals/") for p in problems)
    with pytest.raises(ManualError):
        render_manuals(centre, pack, content_dir=CONTENT, overrides_dir=folder)


def test_unknown_file_in_manuals_is_a_warning(samples, tmp_path):
    centre, pack = centre_and_pack(samples)
    folder = overrides(tmp_path, centre, {"notes.txt": "x"})
    problems = check_manuals(centre, pack, read_manual_sources(CONTENT, folder))
    assert [(p.code, p.severity.value) for p in problems] == [("unknown-file", "warning")]
    assert render_manuals(centre, pack, content_dir=CONTENT, overrides_dir=folder)


def test_symlinked_override_is_refused(samples, tmp_path):
    centre, pack = centre_and_pack(samples)
    folder = overrides(tmp_path, centre, {})
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: 秘密\n---\n§ 秘密内容\n", encoding="utf-8")
    (folder / "duty.md").symlink_to(secret)
    problems = check_manuals(centre, pack, read_manual_sources(CONTENT, folder))
    assert any(p.code == "attachment-bad" for p in problems)
    with pytest.raises(ManualError):
        render_manuals(centre, pack, content_dir=CONTENT, overrides_dir=folder)


def test_settings_override_changes_approval_limits(samples, tmp_path):
    centre, pack = centre_and_pack(samples)
    folder = overrides(
        tmp_path,
        centre,
        {
            "settings.yaml": (
                "purchase_head_limit: 1500\npurchase_operator_limit: 8000\neffective_date: 2026-07-01\n"
                "version: 2026年7月修订版\n"
            )
        },
    )
    man = by_id(render_manuals(centre, pack, content_dir=CONTENT, overrides_dir=folder))["finance"]
    text = plain(man.markdown)
    assert "单笔金额在1500元以内（含本数）的" in text and "超过8000元的" in text
    assert man.version == "2026年7月修订版" and "自2026年7月1日起施行" in text


# ---------------------------------------------------------------- hostile text and privacy


HOSTILE = '**x** {{ 7*7 }} <script>alert(1)</script> [a](http://e.org) `#read("/etc/passwd")`'


def test_hostile_record_text_is_printed_literally(samples):
    centre, pack = centre_and_pack(samples)
    rooms = tuple(dataclasses.replace(r, name=HOSTILE, purpose=HOSTILE) for r in centre.rooms)
    hostile = dataclasses.replace(
        centre,
        rooms=rooms,
        operator=dataclasses.replace(centre.operator, name=HOSTILE),
        contract=dataclasses.replace(centre.contract, purchaser=HOSTILE),
        contact=dataclasses.replace(centre.contact, phone=HOSTILE, email=HOSTILE, wechat=HOSTILE),
        address=HOSTILE,
        volunteers=dataclasses.replace(centre.volunteers, teams=(HOSTILE,)),
        staff=tuple(dataclasses.replace(s, role=HOSTILE + s.role) for s in centre.staff),
    )
    escaped = md_escape(HOSTILE)
    for man in render_manuals(hostile, pack, content_dir=CONTENT):
        md = man.markdown
        assert "<script>" not in md and "**x**" not in md and "{{" not in md, man.id
        assert "](http" not in md
    venue = by_id(render_manuals(hostile, pack, content_dir=CONTENT))["venue"]
    assert escaped in venue.markdown
    assert HOSTILE in plain(venue.markdown)


def test_no_staff_name_appears(samples):
    centre, pack = centre_and_pack(samples)
    named = dataclasses.replace(
        centre,
        staff=tuple(
            dataclasses.replace(s, name=f"测试姓名{i}号") for i, s in enumerate(centre.staff)
        ),
    )
    for man in render_manuals(named, pack, content_dir=CONTENT):
        assert "测试姓名" not in man.markdown, man.id
    assert "name" not in {f.name for f in dataclasses.fields(RoleInfo)}


# ---------------------------------------------------------------- the template contract


def test_a_missing_variable_is_an_error_not_blank_text(samples, tmp_path):
    centre, pack = centre_and_pack(samples)
    content = tmp_path / "content" / "manuals"
    shutil.copytree(CONTENT, content)
    venue = content / "venue.md"
    venue.write_text(
        venue.read_text(encoding="utf-8") + "\n§ {{ centre.staff[0].name }}\n", encoding="utf-8"
    )
    with pytest.raises(ManualError, match="venue.md"):
        render_manuals(centre, pack, content_dir=content)


def test_templates_cannot_include_files(samples, tmp_path):
    centre, pack = centre_and_pack(samples)
    content = tmp_path / "content" / "manuals"
    shutil.copytree(CONTENT, content)
    venue = content / "venue.md"
    venue.write_text(
        venue.read_text(encoding="utf-8") + '\n§ {% include "/etc/passwd" %}\n', encoding="utf-8"
    )
    with pytest.raises(ManualError):
        render_manuals(centre, pack, content_dir=content)


def test_every_setting_has_a_default_and_is_documented():
    defaults = (CONTENT / "_defaults.yaml").read_text(encoding="utf-8")
    docs = (ROOT / "docs" / "manuals.md").read_text(encoding="utf-8")
    for name in SETTING_KINDS:
        if name not in OPTIONAL_SETTINGS:
            assert re.search(rf"^{name}:", defaults, re.MULTILINE), name
        assert f"`{name}`" in docs, name
    assert set(SETTING_KINDS) == {f.name for f in dataclasses.fields(Settings)}
    for hazard in HAZARDS:
        assert f"`{hazard}`" in docs, hazard


def test_every_context_field_is_documented():
    docs = (ROOT / "docs" / "manuals.md").read_text(encoding="utf-8")
    for cls in (
        ManualContext,
        PackFacts,
        RoomInfo,
        RoleInfo,
        ContactInfo,
        Responsible,
    ):
        for f in dataclasses.fields(cls):
            assert f"`{f.name}`" in docs, (cls.__name__, f.name)
    for mid in REQUIRED:
        assert f"`{mid}`" in docs, mid


def test_cn_numerals():
    assert [cn_numeral(n) for n in (1, 10, 11, 20, 21, 99, 100, 101, 110, 1000)] == [
        "一",
        "十",
        "十一",
        "二十",
        "二十一",
        "九十九",
        "一百",
        "一百零一",
        "一百一十",
        "一千",
    ]
    assert percent_text(Decimal("0.80")) == "80%"
    assert percent_text(Decimal("0.075")) == "7.5%"
