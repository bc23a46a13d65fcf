"""What a district officer types: ``gongshi due --overdue`` and ``gongshi score --all``."""

from __future__ import annotations

import json
from pathlib import Path

from command_helpers import gongshi, sample_project

ROOT = Path(__file__).resolve().parents[2]


samples = sample_project


def test_due_overdue_lists_only_centres_with_overdue_items_and_counts(tmp_path: Path) -> None:
    project = samples(tmp_path)
    (project / "centres" / "binjiang-lanwan" / "plans" / "2026-12.yaml").unlink()
    r = gongshi("due", "--as-of", "2026-12-06", "--overdue", cwd=project)
    assert r.returncode == 0, r.stderr
    assert "binjiang-lanwan" in r.stdout
    assert "shenzhen-xiashi" not in r.stdout and "huizhou-rongxi" not in r.stdout
    assert "2026年12月活动计划" in r.stdout and "逾期未公布" in r.stdout
    assert r.stdout.rstrip().endswith("3 个中心中，1 个有逾期的公示，共 1 项。")
    j = gongshi("due", "--as-of", "2026-12-06", "--overdue", "--format", "json", cwd=project)
    doc = json.loads(j.stdout)
    assert [c["centre"] for c in doc["centres"]] == ["binjiang-lanwan"]
    assert doc["overdue"] == {"centres": 1, "items": 1}


def test_due_overdue_with_nothing_overdue_says_so(tmp_path: Path) -> None:
    r = gongshi("due", "--as-of", "2026-12-06", "--overdue", cwd=samples(tmp_path))
    assert r.stdout.strip() == "截至 2026-12-06：3 个中心中，0 个有逾期的公示，共 0 项。"


def test_score_all_prints_one_row_per_centre(tmp_path: Path) -> None:
    project = samples(tmp_path)
    r = gongshi("score", "--all", cwd=project)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0].split()[:4] == ["中心", "编号", "规则包", "年度"]
    rows = lines[1:-1]
    ids = sorted(row.split()[1] for row in rows)
    assert ids == sorted(p.name for p in (project / "centres").iterdir() if p.is_dir())
    assert lines[-1] == f"共 {len(rows)} 个中心。"
    doc = json.loads(gongshi("score", "--all", "--format", "json", cwd=project).stdout)
    assert len(doc["centres"]) == len(rows)
    one = json.loads(gongshi("score", "shenzhen-xiashi", "--format", "json", cwd=project).stdout)
    assert next(c for c in doc["centres"] if c["centre"] == "shenzhen-xiashi") == one


def test_score_needs_a_centre_or_all(tmp_path: Path) -> None:
    project = samples(tmp_path)
    r = gongshi("score", cwd=project)
    assert r.returncode == 2 and "--all" in r.stderr
    r = gongshi("score", "shenzhen-xiashi", "--all", cwd=project)
    assert r.returncode == 2
