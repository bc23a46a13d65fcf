"""Running Zensical on a generated site configuration: the layout it needs, the links it
publishes like mkdocs-material, its messages in Chinese, the --engine option."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from generator.build import engine
from generator.errors import BuildFailed
from tests.site_helpers import gongshi

TODAY = dt.date(2027, 4, 1)


def test_links_to_other_parts_are_handed_to_zensical_one_level_up(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "data" / "schema").mkdir(parents=True)
    (docs / "data" / "schema" / "x.json").write_text("{}", encoding="utf-8")
    text = (
        "[a](../data/demo/centre.json) [b](data/schema/x.json)\n"
        '<a href="../print/demo/a.pdf">d</a> [e](https://example.org/../x) '
        "\\[f\\]\\(../g\\)\n"
    )
    fixed = engine.published_links(text, "open-data.md", docs)
    # a file of another part, written relative to the published folder: one level less
    assert "[a](data/demo/centre.json)" in fixed
    assert 'href="print/demo/a.pdf"' in fixed
    # files and pages of the docs folder (resolved alike by both engines) and record text stay
    assert "[b](data/schema/x.json)" in fixed
    assert "[e](https://example.org/../x)" in fixed
    assert "\\[f\\]\\(../g\\)" in fixed
    # a link that resolves to a file of the docs folder stays as written
    (docs / "centres").mkdir()
    (docs / "centres" / "a.md").write_text("# a", encoding="utf-8")
    page = "centres/b.md"
    assert engine.published_links("[x](../centres/a.md)", page, docs) == "[x](../centres/a.md)"
    assert engine.published_links("[x](../../up.csv)", page, docs) == "[x](../up.csv)"


def test_engine_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(engine.ENGINE_ENV, raising=False)
    assert engine.chosen_engine() == "mkdocs"
    monkeypatch.setenv(engine.ENGINE_ENV, "zensical")
    assert engine.chosen_engine() == "zensical"
    monkeypatch.setenv(engine.ENGINE_ENV, "hugo")
    with pytest.raises(BuildFailed, match="不是可用的网站引擎"):
        engine.chosen_engine()
    assert engine.search_index("mkdocs") == "search/search_index.json"
    assert engine.search_index("zensical") == "search.json"


def test_unknown_engine_on_the_command_line_is_refused_in_chinese() -> None:
    done = gongshi("build", "tests/fixtures/minimal", "--engine", "hugo", "--no-ledger")
    assert done.returncode == 2
    assert "--engine" in done.stderr and "应是 mkdocs 或 zensical" in done.stderr
    assert "Traceback" not in done.stderr


def _project(tmp_path: Path, page: str) -> Path:
    """A one-page site configuration as the build writes it (absolute paths)."""
    docs, site = tmp_path / "docs", tmp_path / "site"
    docs.mkdir()
    (docs / "index.md").write_text(page, encoding="utf-8")
    cfg = {
        "site_name": "测试",
        "docs_dir": str(docs),
        "site_dir": str(site),
        "use_directory_urls": True,
        "theme": {
            "name": "material",
            "language": "zh",
            "custom_dir": str(engine.OVERRIDES),
        },
        "extra": {"generator": False},
        "plugins": [{"search": {"lang": ["zh"], "jieba_dict_user": str(tmp_path / "w.txt")}}],
    }
    path = tmp_path / "mkdocs.yml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.slow
def test_zensical_builds_with_absolute_paths_and_leaves_no_layout(tmp_path: Path) -> None:
    config = _project(tmp_path, "# 首页\n\n社区四点半学校\n")
    engine.run_site(config, TODAY, "zensical")
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "社区四点半学校" in html
    assert 'class="md-search__button"' in html  # Zensical's own search box
    assert "正在初始化搜索引擎" in html  # its words in Chinese, from the theme's translations
    index = json.loads((tmp_path / "site" / "search.json").read_text(encoding="utf-8"))
    assert any("四点半学校" in item["text"] for item in index["items"])
    # only the generated configuration, docs and site stay (no copy, no Zensical cache)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "mkdocs.yml", "site"]


@pytest.mark.slow
def test_zensical_warning_fails_the_build_with_its_message(tmp_path: Path) -> None:
    config = _project(tmp_path, "# 首页\n\n[不存在](nowhere.md)\n")
    with pytest.raises(BuildFailed) as failed:
        engine.run_site(config, TODAY, "zensical")
    message = str(failed.value)
    assert message.startswith("Zensical 生成网站失败")
    assert "page does not exist" in message and "index.md" in message
    assert "Traceback" not in message and "\x1b[" not in message
