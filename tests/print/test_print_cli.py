"""``gongshi print``: arguments, exit codes and what lands in the output folder."""

from __future__ import annotations

from conftest import make_project, read_fixture

from generator.cli import main


def test_prints_into_the_output_folder(tmp_path, capsys):
    proj = make_project(tmp_path)
    out = tmp_path / "pdf"
    assert (
        main(
            [
                "print",
                "--project",
                str(proj),
                "--kind",
                "hours",
                "--kind",
                "finance",
                "--out",
                str(out),
                "--site-url",
                "https://gs.example.org",
            ]
        )
        == 0
    )
    assert sorted(p.name for p in (out / "demo").iterdir()) == ["finance-2026-Q1.pdf", "hours.pdf"]
    assert (out / "demo" / "hours.pdf").read_bytes().startswith(b"%PDF-")
    assert "已生成 2 个 PDF" in capsys.readouterr().out


def test_a_partial_run_keeps_the_other_pdfs(tmp_path):
    proj = make_project(tmp_path)
    out = tmp_path / "pdf"
    assert (
        main(["print", "demo", "--project", str(proj), "--kind", "hours", "--out", str(out)]) == 0
    )
    assert (
        main(["print", str(proj / "centres" / "demo"), "--kind", "audit", "--out", str(out)]) == 0
    )
    # the 2026 audit is published on 2027-03-28: not printed before that day, then printed
    assert sorted(p.name for p in (out / "demo").iterdir()) == ["hours.pdf"]
    args = ["print", "demo", "--project", str(proj), "--kind", "audit", "--out", str(out)]
    assert main([*args, "--today", "2027-03-28"]) == 0
    assert sorted(p.name for p in (out / "demo").iterdir()) == ["audit-2026.pdf", "hours.pdf"]


def test_unknown_centre_exits_1(tmp_path, capsys):
    proj = make_project(tmp_path)
    assert main(["print", "nosuch", "--project", str(proj), "--out", str(tmp_path / "o")]) == 1
    assert "找不到中心 nosuch" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_record_errors_exit_1_and_write_nothing(tmp_path, capsys):
    bad = read_fixture("finance/2026-Q1.yaml").replace(
        "government: 100000.00", 'government: "12,00.5"'
    )
    proj = make_project(tmp_path, {"finance/2026-Q1.yaml": bad})
    assert main(["print", "--project", str(proj), "--out", str(tmp_path / "o")]) == 1
    assert "[not-money]" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_refuses_a_folder_holding_other_files(tmp_path, capsys):
    proj = make_project(tmp_path)
    other = tmp_path / "documents"
    other.mkdir()
    (other / "letter.txt").write_text("keep me", encoding="utf-8")
    assert main(["print", "--project", str(proj), "--kind", "hours", "--out", str(other)]) == 3
    assert main(["print", "--project", str(proj), "--out", str(other)]) == 3
    assert (other / "letter.txt").read_text(encoding="utf-8") == "keep me"
    assert main(["print", "--project", str(proj), "--kind", "hours", "--out", str(proj)]) == 3
    assert (proj / "centres" / "demo" / "centre.yaml").exists()


def test_unknown_kind_is_a_usage_error(tmp_path):
    assert main(["print", "--project", str(make_project(tmp_path)), "--kind", "poster"]) == 2
