"""Problems as values: what is wrong, where, and how bad.

Every stage yields ``Problem`` values instead of printing or raising; ``cli`` turns
a ``Report`` into text, JSON or GitHub annotations and an exit code.

Two kinds are kept apart: a *record error* (an error with no rule: a file that cannot be read,
an invalid value, a published disclosure changed without a correction) holds back its
centre's publication; a *compliance finding* (``rule`` set: a rule's shortfall) never does,
it is published. ``gongshi check`` counts both in its exit code.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from enum import Enum


class Severity(str, Enum):
    """How bad a problem is; the order matters for sorting and exit codes."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]


@dataclass(frozen=True, order=True)
class Position:
    """A place in a source file (1-based line and column; 0 means the whole file)."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file


@dataclass(frozen=True)
class Problem:
    """One finding: position, stable code, severity and a Chinese message."""

    file: str
    line: int
    column: int
    code: str
    severity: Severity
    message: str
    rule: str | None = None  # rule-pack rule id for compliance findings
    clause: str | None = None  # cited clause, e.g. 《…》七(一)

    @classmethod
    def at(
        cls,
        pos: Position,
        code: str,
        message: str,
        severity: Severity | None = None,
        **extra: str | None,
    ) -> Problem:
        """Make a problem at a position; severity defaults to the catalogue's."""
        sev = severity or CATALOGUE[code].severity
        return cls(pos.file, pos.line, pos.column, code, sev, message, **extra)

    @property
    def record_error(self) -> bool:
        """An error in the records themselves: a file that cannot be read or a value that is
        invalid (ledger problems included). It holds back its centre's publication, unlike a
        compliance finding (``rule`` set: a rule's shortfall, which is published)."""
        return self.severity is Severity.ERROR and self.rule is None

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.code, self.message)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["severity"] = self.severity.value
        return d


@dataclass(frozen=True)
class CodeInfo:
    """A problem code's catalogue entry."""

    title: str
    severity: Severity


E, W = Severity.ERROR, Severity.WARNING

# The catalogue of problem codes. Codes are stable: never rename one once published;
# docs/problems.md lists every code (a test checks that).
CATALOGUE: dict[str, CodeInfo] = {
    # reading
    "file-unreadable": CodeInfo("文件无法读取", E),
    "file-too-large": CodeInfo("文件超过大小上限", E),
    "not-utf8": CodeInfo("文件不是 UTF-8 编码", E),
    "yaml-syntax": CodeInfo("YAML 语法错误", E),
    "yaml-too-deep": CodeInfo("嵌套层级过深", E),
    "yaml-too-many-nodes": CodeInfo("内容过多或别名展开过大", E),
    "yaml-alias": CodeInfo("不允许使用 YAML 别名或锚点", E),
    "yaml-tag": CodeInfo("不允许使用 YAML 标签", E),
    "duplicate-key": CodeInfo("重复的键", E),
    "empty-file": CodeInfo("文件为空", E),
    # shape and types
    "unknown-key": CodeInfo("未知的键", E),
    "missing-key": CodeInfo("缺少必填项", E),
    "wrong-type": CodeInfo("类型不对", E),
    "not-money": CodeInfo("金额格式不对", E),
    "not-number": CodeInfo("数字格式不对", E),
    "not-integer": CodeInfo("整数格式不对", E),
    "out-of-range": CodeInfo("数值超出允许范围", E),
    "not-date": CodeInfo("日期格式不对", E),
    "not-time": CodeInfo("时间格式不对", E),
    "bad-time-range": CodeInfo("时间段不对", E),
    "not-bool": CodeInfo("是/否格式不对", E),
    "bad-choice": CodeInfo("不在可选值之中", E),
    "bad-text": CodeInfo("文本含有不允许的字符", E),
    "text-too-long": CodeInfo("文本过长", E),
    "bad-id": CodeInfo("编号格式不对", E),
    "bad-credit-code": CodeInfo("统一社会信用代码不对", E),
    "bad-phone": CodeInfo("电话号码格式不对", E),
    "duplicate-id": CodeInfo("编号重复", E),
    # consistency inside a file
    "total-mismatch": CodeInfo("合计与明细不符", E),
    "name-rule": CodeInfo("中心名称不符合命名规则", E),
    "date-order": CodeInfo("日期先后不对", E),
    "date-outside-period": CodeInfo("日期不在本文件所属期间内", E),
    "file-name-mismatch": CodeInfo("文件名与内容不符", E),
    "bad-file-name": CodeInfo("文件名不对", E),
    "unknown-file": CodeInfo("无法识别的文件", W),
    "overlapping-sessions": CodeInfo("开放时段重叠", E),
    # cross-file references
    "unknown-room": CodeInfo("活动室不存在", E),
    "unknown-service": CodeInfo("服务编码不在服务目录中", E),
    "unknown-plan-activity": CodeInfo("找不到对应的计划活动", E),
    "unknown-rule-pack": CodeInfo("找不到规则包", E),
    # rule packs (content/rules/<id>.yaml)
    "unknown-check": CodeInfo("规则包中的检查类型不存在", E),
    "unknown-rule-param": CodeInfo("规则参数名不对", E),
    "missing-rule-param": CodeInfo("缺少规则参数", E),
    "wrong-rule-param": CodeInfo("规则参数的值不对", E),
    "missing-centre-file": CodeInfo("缺少 centre.yaml", E),
    "bad-centre-id": CodeInfo("中心文件夹名不对", E),
    "attachment-missing": CodeInfo("附件不存在", E),
    "attachment-bad": CodeInfo("附件不合规", E),
    "capacity-exceeded": CodeInfo("出席人数超过名额", W),
    "room-double-booked": CodeInfo("同一活动室时间冲突", W),
    "outside-opening-hours": CodeInfo("活动不在开放时间内", W),
    # the corrections ledger (centres/<id>/published.yaml)
    "changed-after-publication": CodeInfo("已公布的内容被改动且没有更正说明", E),
    "published-date-changed": CodeInfo("已公布内容的公布日期被改动", E),
    "published-record-removed": CodeInfo("已公布的记录被删除或撤回", E),
    "ledger-tampered": CodeInfo("公示台账的存档与校验值不符", E),
    "correction-unknown-disclosure": CodeInfo("更正说明指向未公布的公示", E),
    "correction-without-change": CodeInfo("更正说明没有对应的改动", W),
    # personal data (the privacy guard)
    "personal-data-leak": CodeInfo("公开输出中含有居民个人信息（身份证号、手机号或银行卡号）", E),
    "personal-data-in-record": CodeInfo("记录中含有身份证号、手机号或银行卡号", E),
    "personal-data-unchecked": CodeInfo("PDF 无法提取文字，未能检查其中的个人信息", W),
    # Excel import
    "xlsx-unreadable": CodeInfo("Excel 文件无法读取", E),
    "unknown-sheet": CodeInfo("无法识别的工作表", W),
    "unknown-column": CodeInfo("无法识别的列", W),
    "missing-column": CodeInfo("缺少必需的列", E),
}


@dataclass
class Report:
    """All problems of a run, gathered before anything is written."""

    problems: list[Problem] = field(default_factory=list)

    def extend(self, problems) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def record_errors(self) -> list[Problem]:
        """The errors that hold back publishing (``Problem.record_error``)."""
        return [p for p in self.problems if p.record_error]

    @property
    def findings(self) -> list[Problem]:
        """The compliance findings: a rule's shortfall, published as it is."""
        return [p for p in self.problems if p.rule is not None]

    def sorted(self) -> list[Problem]:
        return sorted(set(self.problems), key=Problem.sort_key)

    def exit_code(self, strict: bool = False) -> int:
        """0 clean, 1 with errors, 2 with only warnings under ``--strict``."""
        if self.errors:
            return 1
        if strict and self.warnings:
            return 2
        return 0

    def format(self, fmt: str = "text", shown: Callable[[str], str] = str) -> str:
        """Render the report as ``text``, ``json`` or ``github`` annotations; every message
        passes through ``shown`` (the commands mask personal numbers with it, a last guard
        for what reaches a terminal or a CI log)."""
        problems = [replace(p, message=shown(p.message)) for p in self.sorted()]
        n_err = len([p for p in problems if p.severity is Severity.ERROR])
        n_warn = len([p for p in problems if p.severity is Severity.WARNING])
        if fmt == "json":
            return json.dumps(
                {"problems": [p.as_dict() for p in problems], "errors": n_err, "warnings": n_warn},
                ensure_ascii=False,
                indent=2,
            )
        lines = []
        for p in problems:
            if fmt == "github":
                level = {"error": "error", "warning": "warning", "info": "notice"}[p.severity.value]
                msg = p.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
                lines.append(
                    f"::{level} file={p.file},line={max(p.line, 1)},col={max(p.column, 1)},"
                    f"title={p.code}::{msg}"
                )
            else:
                where = f"{p.file}:{p.line}:{p.column}" if p.line else p.file
                cite = f"（依据：{p.clause}）" if p.clause else ""
                lines.append(f"{where} {p.severity.label} [{p.code}] {p.message}{cite}")
        if fmt == "text":
            if problems:
                lines.append(f"共 {n_err} 个错误，{n_warn} 个警告。")
            else:
                lines.append("检查通过，没有发现问题。")
        return "\n".join(lines)
