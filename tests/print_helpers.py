"""Helpers for the print tests: poppler's tools on PDF bytes, hostile record text."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

#: Record text that is Typst or Markdown markup; every posting must print it literally.
HOSTILE = ('#read("/etc/passwd")', "$x$", "*b*", "@label", "<tag>", "// c")
HOSTILE_TEXT = " ".join(HOSTILE)

A4 = "595.276 x 841.89"
A5 = "419.528 x 595.276"


def _tool(name: str) -> str:
    exe = shutil.which(name)
    assert exe, f"{name} not found: run `bash scripts/setup.sh` (Debian package poppler-utils)"
    return exe


def poppler(tool: str, pdf: bytes, *args: str) -> str:
    """Run a poppler tool on PDF bytes and return its standard output."""
    with tempfile.TemporaryDirectory(prefix="gongshi-test-") as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        extra = ["-"] if tool == "pdftotext" else []
        done = subprocess.run(
            [_tool(tool), *args, str(path), *extra], capture_output=True, text=True, check=True
        )
    return done.stdout


def squash(text: str) -> str:
    """Text without whitespace: pdftotext breaks lines and table cells where it likes."""
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with all whitespace removed."""
    return squash(poppler("pdftotext", pdf))


def pdf_fonts(pdf: bytes) -> list[dict[str, str]]:
    """pdffonts rows: name (subset prefix removed), emb, sub."""
    rows = []
    for line in poppler("pdffonts", pdf).splitlines()[2:]:
        parts = line.split()
        if len(parts) < 7:
            continue
        name = parts[0].split("+", 1)[-1]
        emb, sub = parts[-5], parts[-4]
        rows.append({"name": name, "emb": emb, "sub": sub, "subset_prefix": "+" in parts[0]})
    return rows


def pdf_info(pdf: bytes) -> dict[str, str]:
    out = {}
    for line in poppler("pdfinfo", pdf).splitlines():
        key, _, value = line.partition(":")
        out[key.strip()] = value.strip()
    return out


def page_count(pdf: bytes) -> int:
    return int(pdf_info(pdf)["Pages"])


def png_of_page(pdf: bytes, page: int = 1, dpi: int = 60) -> bytes:
    """Render one page to PNG with pdftoppm."""
    with tempfile.TemporaryDirectory(prefix="gongshi-test-") as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            [
                _tool("pdftoppm"),
                "-r",
                str(dpi),
                "-png",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(path),
                str(Path(tmp) / "page"),
            ],
            check=True,
        )
        return (Path(tmp) / "page.png").read_bytes()


def pdf_rows(pdf: bytes) -> list[str]:
    """The PDF's lines as laid out (``pdftotext -layout``), whitespace removed: a table row
    stays on one line there."""
    return [squash(line) for line in poppler("pdftotext", pdf, "-layout").splitlines()]


def has_row(pdf: bytes, *cells: str) -> bool:
    """Whether one printed line holds all these cells, in this order."""
    import re as _re

    pattern = _re.compile(".*".join(_re.escape(squash(c)) for c in cells))
    return any(pattern.search(line) for line in pdf_rows(pdf))
