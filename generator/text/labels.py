"""The Chinese labels and wordings that more than one output prints, each written once.

Pages, postings, the annual booklet, the open data, the Excel sheets, the correction notices
and the messages of ``gongshi check`` all take these from here, so a line item, a comparison
or a verdict reads the same wherever it appears (a quarter's convenience income is
经营性便民利民服务收入 on its page, its posting, its correction notice and its Excel sheet).

Keys are the identifiers of the records and the rule packs (``model.INCOME_SOURCES``,
``model.EXPENSE_CATEGORIES``, a rule's ``op``, a finding's status, a disclosure or print kind).
Number and date formats live in ``generator.text.formats``.
"""

from __future__ import annotations

# ---------------------------------------------------------------- money: line items and totals

INCOME_LABELS = {
    "government": "政府购买服务收入",
    "convenience": "经营性便民利民服务收入",
    "donations": "捐赠收入",
    "other": "其他收入",
    "carried_forward": "上期结余结转",
}
EXPENSE_LABELS = {
    "staff": "员工薪酬与福利",
    "site": "办公设施与场地运作",
    "management": "机构营运管理费",
    "services": "服务项目运作",
}
#: The spending categories in a chart legend, where the full labels do not fit.
EXPENSE_SHORT = {
    "staff": "员工薪酬",
    "site": "场地运作",
    "management": "管理费",
    "services": "服务项目",
}
INCOME_TOTAL = "收入合计"
EXPENSE_TOTAL = "支出合计"
BALANCE = "期末结余"

#: The audited figures of an annual audit (audits/YYYY.yaml).
AUDIT_LABELS = {
    "income": "审定收入",
    "expenditure": "审定支出",
    "management_fee": "审定管理费",
    "surplus": "审定结余",
}

#: The results of a third-party evaluation (evaluations/YYYY.yaml).
EVALUATION_LABELS = {
    "score": "评估总分",
    "grade": "评估等级",
    "previous_grade": "上一年度等级",
    "satisfaction": "居民满意率",
    "kind": "评估类别",
    "three_year_grade": "三年营运总评等级",
    "other_evaluations": "本年度其他评估",
    "vote_verification": "居民大会表决的核实",
}

# ---------------------------------------------------------------- periods

QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}

# ---------------------------------------------------------------- rules: comparisons, verdicts

#: One word per comparison operator of a rule pack, as a limit reads: 不低于 80%.
OP_WORDS = {">=": "不低于", "<=": "不超过", ">": "高于", "<": "低于", "==": "应为"}
#: How a value that misses its limit is described: 79.995%，低于下限 80%.
FAIL_WORDS = {
    ">=": "低于下限",
    "<=": "高于上限",
    ">": "未高于",
    "<": "未低于",
    "==": "不符合要求",
}
#: A finding's (and a rule's) status as printed.
STATUS_LABELS = {
    "pass": "符合",
    "fail": "不符合",
    "not-applicable": "不适用",
    "no-data": "缺少数据",
}

# ---------------------------------------------------------------- what is published

#: A disclosure of a centre, as its kind is named in lists (archive, home page, feed).
DISCLOSURE_LABELS = {
    "hours": "开放时间",
    "plan": "月度活动计划",
    "finance": "季度财务信息",
    "audit": "年度审计报告",
    "evaluation": "第三方评估结果",
    "correction": "更正说明",
}
#: A printed document, by its print kind (generator.print.documents.KINDS).
POSTING_LABELS = {
    "hours": "开放时间公示",
    "plan": "月度活动计划公示",
    "finance": "季度财务信息公示",
    "audit": "年度审计报告公示",
    "evaluation": "年度评估结果公示",
    "consultation": "服务项目设置征求意见公示",
    "correction": "更正说明",
    "annual": "年度报告",
    "manuals": "制度汇编",
}

# ---------------------------------------------------------------- services and opening hours

FREE = "免费"  # an activity without a fee
CLOSED = "闭馆"  # a weekday without sessions, a closure
