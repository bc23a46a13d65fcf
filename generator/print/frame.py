"""What every noticeboard posting prints around its body: the rule of the pack it answers
(根据……), its posting period (公示期) and where the length comes from, the 落款 date."""

from __future__ import annotations

import datetime as dt

from generator import model as m
from generator.packs.library import Pack, Rule
from generator.print.contexts import NoticeFrame, PostingPeriod
from generator.print.render import QR_FILE
from generator.text import formats as fmt

#: Posting period (公示期) in days when the rule pack sets none: seven calendar days counted
#: from the publication date, that day included. The regulations ask for disclosure "及时"
#: without a length; seven days is the common length of a community posting and gives
#: residents a full week, weekend included, to read it and object. A pack sets its own with
#: a rule ``check: posting-period`` (``days``, and ``by_kind: {finance: "15"}``).
DEFAULT_POSTING_DAYS = 7
POSTING_CHECK = "posting-period"
#: The check of a rule asking service items to be put out for comment (八(一) in Shenzhen).
CONSULTATION_CHECK = "service-consultation"

BLANK_DATE = "　　　年　　月　　日"  # 成文日期 left for staff to write by hand

# Which disclosure rule of a pack a posting answers (``disclosure`` of a disclosure-deadline
# rule), for the "根据……" line.
DISCLOSURE_IDS = {
    "hours": ("opening-hours", "service-info"),
    "finance": ("quarterly-finance",),
    "audit": ("annual-audit",),
}


def date_text(day: dt.date | None) -> str:
    """2026年4月15日, or blanks to fill in by hand."""
    return fmt.date_text(day) if day else BLANK_DATE


# ---------------------------------------------------------------------------------------------
# Rules of the pack that a posting cites
# ---------------------------------------------------------------------------------------------


def pack_rules(pack: Pack | None, check: str) -> list[Rule]:
    """The pack's rules of one check kind (none without a pack)."""
    return pack.by_check(check) if pack else []


def disclosure_rule(pack: Pack | None, kind: str) -> Rule | None:
    """The pack's rule that asks for this posting, if it has one."""
    if pack is None:
        return None
    if kind == "plan":
        found = pack_rules(pack, "plan-published")
        return found[0] if found else None
    if kind == "consultation":
        found = pack_rules(pack, CONSULTATION_CHECK)
        return found[0] if found else None
    if kind == "evaluation":
        found = pack_rules(pack, "grade-bands")
        return found[0] if found else None
    wanted = DISCLOSURE_IDS.get(kind, ())
    for rule in pack_rules(pack, "disclosure-deadline"):
        if rule.params.disclosure in wanted:
            return rule
    return None


def posting_days(pack: Pack | None, kind: str) -> tuple[int | None, str | None]:
    """Days of the posting period the pack sets for ``kind``, and its citation; else Nones."""
    for rule in pack_rules(pack, POSTING_CHECK):
        days = rule.params.days_for(kind)
        if days is not None:
            return days, rule.citation
    return None, None


def posting_period(
    pack: Pack | None, kind: str, start: dt.date | None, *, month_end: dt.date | None = None
) -> PostingPeriod:
    """The posting period of a posting published on ``start`` (None: not yet published).

    Lengths, in order: the pack's ``posting-period`` rule (its clause is printed with the
    period); for a monthly plan, to the end of its month (the plan is what residents sign up
    from); otherwise :data:`DEFAULT_POSTING_DAYS`. Opening hours stay posted (长期公示)
    unless the pack says otherwise. The posting states the period plainly: why a length
    that no clause sets was chosen is written in docs/print.md, not on the noticeboard.
    """
    days, citation = posting_days(pack, kind)
    if days is None and kind == "hours":
        return PostingPeriod(start, None, True, "长期公示，开放时间如有调整将重新张贴。", None)
    if days is None and kind == "plan" and month_end is not None:
        if start is None:
            return PostingPeriod(
                None, month_end, False, f"自张贴之日起至{date_text(month_end)}。", None
            )
        end = max(month_end, start)
        return PostingPeriod(start, end, False, f"{fmt.date_range_text(start, end)}。", None)
    if days is None:
        days = DEFAULT_POSTING_DAYS
    cited = f"，依据{citation}" if citation else ""
    if start is None:
        return PostingPeriod(
            None, None, False, f"自张贴之日起{days}日（含张贴当日{cited}）。", citation
        )
    end = start + dt.timedelta(days=days - 1)
    return PostingPeriod(
        start, end, False, f"{fmt.date_range_text(start, end)}（共{days}日{cited}）。", citation
    )


def frame(
    centre: m.Centre,
    pack: Pack | None,
    kind: str,
    title: str,
    published: dt.date | None,
    url: str,
    *,
    month_end: dt.date | None = None,
) -> NoticeFrame:
    """The frame of a posting of ``centre``: its title, 落款, posting period and QR code."""
    return NoticeFrame(
        centre_name=centre.name,
        title=title,
        issuer=centre.operator.name,
        date=published,
        date_text=date_text(published),
        posting=posting_period(pack, kind, published, month_end=month_end),
        phone=centre.contact.phone,
        feedback=centre.contact.feedback,
        email=centre.contact.email,
        url=url,
        qr_file=QR_FILE,
    )
