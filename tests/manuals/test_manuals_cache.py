"""Manual templates are compiled once per process and text, not once per centre.

The compiled template is keyed on the template's text, so an edited template (another
content folder, or the same file changed) is compiled again, and a centre's own manual in
centres/<id>/manuals/ still replaces the content manual after the template is cached.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.manuals import render as manual_render
from generator.manuals.build import render_manuals

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content" / "manuals"


@pytest.fixture(scope="module")
def samples(samples_loaded):
    validated = samples_loaded
    assert not validated.report.errors, validated.report.format("text")
    return validated


def _templates() -> int:
    return sum(1 for p in CONTENT.glob("*.md") if not p.name.startswith(("_", ".")))


def test_every_template_is_compiled_once_for_all_centres(samples) -> None:
    manual_render._compiled.cache_clear()
    centres = samples.centres
    assert len(centres) >= 2
    for ce in centres:
        assert render_manuals(ce, samples.library.packs[ce.rule_pack], content_dir=CONTENT)
    info = manual_render._compiled.cache_info()
    assert info.misses == _templates()
    assert info.hits == _templates() * (len(centres) - 1)


def test_an_edited_template_is_compiled_again(samples, tmp_path: Path) -> None:
    ce = samples.centres[0]
    pack = samples.library.packs[ce.rule_pack]
    before = {m.id: m.markdown for m in render_manuals(ce, pack, content_dir=CONTENT)}
    content = tmp_path / "content" / "manuals"
    shutil.copytree(CONTENT, content)
    duty = content / "duty.md"
    duty.write_text(
        duty.read_text(encoding="utf-8").replace(
            "## 总则\n", "## 总则\n\n§ 本条为试行版本新增，适用于{{ centre_name }}。\n", 1
        ),
        encoding="utf-8",
    )
    edited = {m.id: m.markdown for m in render_manuals(ce, pack, content_dir=content)}
    assert "本条为试行版本新增" in edited["duty"]
    assert "本条为试行版本新增" not in before["duty"]
    # the unchanged content folder still gives the unchanged text (same name, other text)
    again = {m.id: m.markdown for m in render_manuals(ce, pack, content_dir=CONTENT)}
    assert again == before


def test_a_centre_override_wins_over_a_cached_template(samples, tmp_path: Path) -> None:
    ce = samples.centres[0]
    pack = samples.library.packs[ce.rule_pack]
    cached = {m.id: m for m in render_manuals(ce, pack, content_dir=CONTENT)}
    assert not cached["duty"].own
    folder = tmp_path / "centres" / ce.id / "manuals"
    folder.mkdir(parents=True)
    (folder / "duty.md").write_text(
        "---\ntitle: 值班办法\n---\n## 总则\n\n§ 本中心值班由全体工作人员轮流承担。\n",
        encoding="utf-8",
    )
    own = {m.id: m for m in render_manuals(ce, pack, content_dir=CONTENT, overrides_dir=folder)}
    assert own["duty"].own and own["duty"].title == "值班办法"
    assert "轮流承担" in own["duty"].markdown
    # other centres (no override) keep the content manual
    other = samples.centres[1]
    theirs = {
        m.id: m
        for m in render_manuals(other, samples.library.packs[other.rule_pack], content_dir=CONTENT)
    }
    assert not theirs["duty"].own and "轮流承担" not in theirs["duty"].markdown
