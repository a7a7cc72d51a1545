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

_CHAIR = re.compile(r"\bchair(?:man|woman|person)?\b", re.IGNORECASE)


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


def quorum_of(committee, members: Iterable) -> Quorum | None:
    """The quorum of a meeting of `committee` whose Members list is
    `members` (Attendance lines: their `role` and `category`); None when the
    committee has no quorum recorded."""
    if not committee.quorum:
        return None
    members = list(members)
    return Quorum(
        required=committee.quorum,
        needs_chair=committee.quorum_needs_chair,
        members_present=len(members),
        chair_present=any(_CHAIR.search(f"{line.role} {line.category}") for line in members),
    )
