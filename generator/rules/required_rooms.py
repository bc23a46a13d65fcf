"""Check ``required-rooms``: the rooms the text requires are among centre.yaml's ``rooms``.

《深圳市社区服务中心设置运营方案》二(三) “接待室、个案工作室、小组及多功能活动室、行政办公室”; 《深圳市社区（党群）
服务中心运营与评估标准》二(三) “独立办公室”. The pack lists ``rooms``: each ``name`` (as the text
writes it) with ``keywords``, the words a room's ``name`` or ``purpose`` in centre.yaml may
contain to count as it (default: the name itself). Each recorded room counts for one required
room only, so one 多功能厅 cannot stand for both the 接待室 and the 小组活动室; rooms are
paired so that as many requirements as possible are met.

Passing: ``rooms: [{name: 社工办公室, area: 32, purpose: 独立办公室}]`` with
``{name: 独立办公室, keywords: [办公]}`` → “独立办公室：社工办公室”.
Failing: no room whose name or purpose contains 办公 → “功能室中没有独立办公室（名称或用途含
“办公”的功能室）”, at ``rooms`` of centre.yaml.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from generator import model as m
from generator.packs.params import Rows, RuleParams, param
from generator.rules.base import FAIL, PASS, CheckContext, Finding


@dataclass(frozen=True)
class Params(RuleParams):
    rooms: tuple[dict, ...] = param(Rows(required=("name",), known=("keywords",)), required=True)

    def problems(self):
        for i, row in enumerate(self.rooms, 1):
            words = row.get("keywords")
            if words is not None and not (
                isinstance(words, list) and words and all(isinstance(w, str) and w for w in words)
            ):
                yield "rooms", f"第 {i} 项的 keywords 应为文字列表"


def keywords_of(row: dict) -> list[str]:
    return list(row.get("keywords") or [str(row["name"])])


def fits(room: m.Room, words: list[str]) -> bool:
    return any(w in room.name or w in room.purpose for w in words)


def pair_rooms(required: list[list[str]], rooms: tuple[m.Room, ...]) -> dict[int, int]:
    """Required room index → recorded room index, as many pairs as possible (each recorded
    room used once; augmenting paths, the rooms of a centre being few)."""
    owner: dict[int, int] = {}  # recorded room → required room

    def place(req: int, seen: set[int]) -> bool:
        for j, room in enumerate(rooms):
            if j in seen or not fits(room, required[req]):
                continue
            seen.add(j)
            if j not in owner or place(owner[j], seen):
                owner[j] = req
                return True
        return False

    for req in range(len(required)):
        place(req, set())
    return {req: j for j, req in owner.items()}


def check(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per required room."""
    rows = list(ctx.params.rooms)
    rooms = ctx.centre.rooms
    words = [keywords_of(r) for r in rows]
    pairs = pair_rooms(words, rooms)
    for i, row in enumerate(rows):
        name = str(row["name"])
        if i in pairs:
            room = rooms[pairs[i]]
            shown = room.name if name in room.name else f"{room.name}（{room.purpose}）"
            yield Finding(
                PASS,
                f"{name}：{shown}",
                pos=room.src,
                measured={"required": name, "room": room.name},
            )
        else:
            quoted = "”或“".join(words[i])
            taken = [rooms[j].name for j in pairs.values() if fits(rooms[j], words[i])]
            also = f"；{'、'.join(taken)} 已计作其他功能室" if taken else ""
            msg = f"功能室中没有{name}（名称或用途含“{quoted}”的功能室）{also}"
            yield Finding(
                FAIL, msg, pos=ctx.centre.pos("rooms"), measured={"required": name, "room": None}
            )
