"""Whether a meeting was quorate: the one rule, from the committee's quorum
(Committee.quorum members present, and with quorum_needs_chair the chair or
an alternate chair among those present) and the meeting's attendance.

Members present are the lines of the Members list, alternates included: an
alternate stands for the member they replace. Part attendance and
teleconference count. The chair is whoever the attendance names as chair,
in their role ("Chair", "Alternate Chair", "Deputy Chair") or in the
category they sit in ("Operations Group Chair")."""

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Quorum:
    required: int
    needs_chair: bool
    members_present: int
    chair_present: bool

    @property
    def quorate(self) -> bool:
        return self.members_present >= self.required and (
            self.chair_present or not self.needs_chair
        )

    @property
    def statement(self) -> str:
        """One sentence for the minutes."""
        present = f"{self.members_present} member{'s' * (self.members_present != 1)} present"
        if self.quorate:
            chair = ", including the chair" if self.needs_chair else ""
            return f"The meeting was quorate: {present}{chair}."
        short = []
        if self.members_present < self.required:
            short.append(f"fewer than the {self.required} its quorum needs")
        if self.needs_chair and not self.chair_present:
            short.append("the chair or an alternate chair not among them")
        return f"The meeting was not quorate: {present}, {' and '.join(short)}."

    def as_dict(self) -> dict:
        return {
            "required": self.required,
            "needs_chair": self.needs_chair,
            "members_present": self.members_present,
            "chair_present": self.chair_present,
            "quorate": self.quorate,
            "statement": self.statement,
        }


def quorum_of(meeting, members: Iterable) -> Quorum | None:
    """The quorum of `meeting`, whose Members list is `members` (Attendance
    lines: their `role` and `category`): the committee's while the minutes
    are a draft or circulated, the one kept at approval once approved (so
    approved minutes never change what they say). None when none is in force."""
    source = meeting if meeting.is_frozen else meeting.committee
    if not source.quorum:
        return None
    chair = _chair_words(meeting.committee)
    members = list(members)
    return Quorum(
        required=source.quorum,
        needs_chair=source.quorum_needs_chair,
        members_present=len(members),
        chair_present=any(
            chair.match((line.role or "").strip()) or chair.match((line.category or "").strip())
            for line in members
        ),
    )


def _chair_words(committee) -> re.Pattern:
    """A role or category naming this committee's chair: "Chair", "Alternate
    Chair", "Deputy Chair", "Vice-Chair", "Operations Group Chair", "OPSG
    Chair"; not another committee's chair ("TABASC Chair")."""
    names = "|".join(re.escape(name) for name in (committee.name, committee.code) if name)
    return re.compile(
        rf"^(?:(?:the\s+)?(?:{names})\s+)?(?:alternate\s+|deputy\s+|vice[\s-]*)?"
        r"chair(?:man|woman|person)?$",
        re.IGNORECASE,
    )
