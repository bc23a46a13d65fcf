"""``gongshi schemas [--check]``: write the record files' JSON Schemas (for developers).

The schemas under ``docs/schema/records/`` are made from the record shapes
(``records/shapes.py``, and the ledger's in ``ledger/published.py``) by
``records.jsonschema``; run this after changing a shape and commit the files it writes.
``--check`` writes nothing and exits 1 when a committed schema is not the generated one.
"""

from __future__ import annotations

import argparse
import sys

from generator.ledger.published import LEDGER
from generator.paths import SCHEMA_DIR
from generator.records.jsonschema import (
    RECORD_FILES,
    schema_texts,
    stale_schemas,
    write_schemas,
)

FOLDER = SCHEMA_DIR / "records"

# every file staff write by hand: the record files and the publication ledger, where the
# corrections are written
FILES = {
    **RECORD_FILES,
    "published": (LEDGER, "公示台账与更正说明（centres/<中心>/published.yaml）"),
}


def texts() -> dict[str, str]:
    """Schema file name → the text it should hold."""
    return schema_texts(FILES)


def add_arguments(p: argparse.ArgumentParser, name: str) -> None:
    p.add_argument(
        "--check",
        action="store_true",
        help="只检查 docs/schema/records/ 中的文件是否与记录格式一致，不写入",
    )


def run(args: argparse.Namespace) -> int:
    if args.check:
        stale = stale_schemas(FOLDER, texts())
        if stale:
            sys.stderr.write(
                f"gongshi：以下 JSON Schema 与记录格式不一致：{'、'.join(stale)}；"
                "请运行 gongshi schemas 重新生成\n"
            )
            return 1
        sys.stdout.write(f"{len(FILES)} 个 JSON Schema 与记录格式一致\n")
        return 0
    written = write_schemas(FOLDER, texts())
    sys.stdout.write(
        f"已写入 {len(written)} 个 JSON Schema（{FOLDER}）：{'、'.join(written) or '都已是最新'}\n"
    )
    return 0
