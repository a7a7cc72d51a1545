"""An action's owner as the document states it, never guessed without a
flag: an "Owner: …" label on the action's line or the line under it is the
action's owners (the entry's `owner_label`), and "All trustees to …" is
the committee's members, flagged as a guess; "All members to …" is the
committee's members as the record names them."""

import datetime
import io
from dataclasses import dataclass, field
from pathlib import Path

import docx
import pytest

from imports import layout_generic
from imports.parse import parse, read_upload
from imports.parsed import ParsedMinutes

HEADER = (
    "Harbour Trust (HT) trustees meeting 31\n"
    "Date: 12 March 2026\n"
    "\n"
    "Present: Ana Silva, Ben Cole\n"
    "\n"
    "1. Accounts\n"
)


def _actions(body: str, name: str = "m.txt"):
    minutes = read_upload((HEADER + body).encode(), name)[1]
    return minutes, [action for item in minutes.items for action in item.actions]


def _owner_doubts(minutes) -> list:
    return [f for f in minutes.flags if f.kind in ("action-owner", "owner-guess")]


def test_an_owner_line_under_an_action_is_its_owner():
    minutes, [action] = _actions("ACTION: Renew the insurance policy.\nOwner: Ben Cole\n")
    assert action.owners == ["Ben Cole"]
    assert action.text == "Renew the insurance policy."
    assert minutes.items[0].narrative == ""
    assert _owner_doubts(minutes) == []


def test_an_owner_label_on_the_actions_line_is_its_owner():
    minutes, actions = _actions(
        "ACTION: Draft the letter to the harbour master Owner: Ana Silva\n"
        "ACTION: Mend the gate. Owner: A. Byrne. Before the winter.\n"
        "ACTION: Buy two fenders; Owners: Clerk, Treasurer\n"
    )
    assert [(a.owners, a.text) for a in actions] == [
        (["Ana Silva"], "Draft the letter to the harbour master"),
        (["A. Byrne"], "Mend the gate. Before the winter."),
        (["Clerk", "Treasurer"], "Buy two fenders;"),
    ]
    assert _owner_doubts(minutes) == []


def test_an_owner_line_may_give_the_target_too():
    minutes, [action] = _actions("ACTION: Paint the slipway.\nOwner: Clerk, due 1 May 2026\n")
    assert action.owners == ["Clerk"]
    assert action.target_date == datetime.date(2026, 5, 1)
    assert minutes.items[0].narrative == ""


def test_an_owner_line_naming_others_than_the_actions_line_is_flagged():
    minutes, [action] = _actions("ACTION 31/01 (Treasurer): Pay the harbour dues.\nOwner: Clerk\n")
    assert action.owners == ["Clerk"]
    [flag] = _owner_doubts(minutes)
    assert (flag.kind, flag.line) == ("owner-guess", 8)


class _Raised(list):
    """A reading's flags, which may be added to and put in order, each
    taken back (a flag replaced or removed) noted in `taken_back`."""

    def __init__(self, *args):
        super().__init__(*args)
        self.taken_back: list = []

    def __setitem__(self, index, value):
        kept = value if isinstance(index, slice) else [value]
        self.taken_back.extend(f for f in list.__getitem__(self, index) if f not in kept)
        super().__setitem__(index, value)

    def __delitem__(self, index):
        self.taken_back.extend(list.__getitem__(self, index))
        super().__delitem__(index)

    def remove(self, flag):
        self.taken_back.append(flag)
        super().remove(flag)


@dataclass
class _Watched(ParsedMinutes):
    flags: list = field(default_factory=_Raised)


@pytest.mark.parametrize(
    "body",
    [
        "ACTION: Renew the insurance policy.\nOwner: Ben Cole\n",
        "ACTION: All trustees to review the mooring fees.\nOwner: Clerk\n",
        "ACTION: Paint the slipway.\n\nOwner: Clerk, due 1 May 2026\n",
    ],
)
def test_an_owner_doubt_is_never_raised_then_taken_back(monkeypatch, body):
    """The doubt over an action's owner read from its words waits until it is
    known whether a line under it states its owners: a flag, once raised,
    is never withdrawn by a later line."""
    monkeypatch.setattr(layout_generic, "ParsedMinutes", _Watched)
    minutes, [action] = _actions(body)
    assert isinstance(minutes.flags, _Raised)
    assert minutes.flags.taken_back == []
    assert _owner_doubts(minutes) == [] and action.owners in (["Ben Cole"], ["Clerk"])


def test_an_owner_doubt_is_raised_where_no_line_states_the_owners():
    """Held, then raised on the action's line when the line under it is
    another, or the text ends."""
    minutes, actions = _actions(
        "ACTION: Renew the insurance policy.\nThe Trustees thanked the clerk.\n"
        "ACTION: All trustees to review the mooring fees.\n"
    )
    assert [(f.kind, f.line) for f in _owner_doubts(minutes)] == [
        ("owner-guess", 7),
        ("owner-guess", 9),
    ]


def test_word_with_a_paragraph_a_line_reads_the_owner_line_alike():
    body = "ACTION: Renew the insurance policy.\nOwner: Ben Cole\n"
    document = docx.Document()
    for line in (HEADER + body).split("\n"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    minutes = read_upload(out.getvalue(), "m.docx")[1]
    [action] = minutes.items[0].actions
    assert (action.owners, action.text) == (["Ben Cole"], "Renew the insurance policy.")
    assert _owner_doubts(minutes) == []


def test_an_owner_line_under_no_action_stays_in_the_text():
    minutes, actions = _actions("The Trustees discussed the policy.\nOwner: Ben Cole\n")
    assert actions == []
    assert "Owner: Ben Cole" in minutes.items[0].narrative


def test_all_members_are_the_committees_members():
    """ "All members to …" once read as an owner called "All members",
    without a word."""
    minutes, actions = _actions(
        "ACTION: All members to read the report.\nACTION: All Board members to sign the form.\n"
        "ACTION: Each member to return the survey.\n"
    )
    assert [a.owners for a in actions] == [["HT members"]] * 3
    assert _owner_doubts(minutes) == []


@pytest.mark.parametrize("who", ["All trustees", "All councillors"])
def test_all_trustees_are_the_committees_members_as_a_guess(who):
    """Once read as the owner "All", flagged as not picked out: now the
    committee's members, flagged on the action's line as a guess."""
    minutes, [action] = _actions(f"ACTION: {who} to review the mooring fees.\n")
    assert action.owners == ["HT members"]
    [flag] = _owner_doubts(minutes)
    assert (flag.kind, flag.line) == ("owner-guess", 7)
    assert "HT members" in flag.message and who in flag.message


def test_a_bots_all_is_no_nick():
    """ "ACTION: all to …" in a bot's summary: no one called "all", read
    without a word; the bot's minutes name no committee, so the words are
    kept as the owner, flagged."""
    text = (
        "Meeting started by kerstin at 15:00:04 UTC (2026-02-11).\n\n"
        "Meeting summary\n---------------\n"
        "* Release  (kerstin, 15:03:40)\n"
        "  * ACTION: all to test the release candidate  (kerstin, 15:11:30)\n"
    )
    minutes = parse(text)
    [action] = minutes.items[0].actions
    assert action.owners == ["all"]
    [flag] = _owner_doubts(minutes)
    assert flag.kind == "owner-guess" and flag.line == 6


# The OPSG's minutes (imports/fixtures: the 2019 text, and the invented 2021
# Markdown sample) name an action's owner as its words' subject ("DCC to …"):
# neither they nor the seeds write an "Owner: …" line under an action, so the
# OPSG entry reads no owner label, and a line that states one is flagged.
FIXTURES = Path(__file__).resolve().parents[2] / "imports" / "fixtures"
OPSG_TEXTS = {
    "2019 text": (
        "opsg_25_minutes.txt",
        "ACTION OPSG 25/06: DCC to update Users with the date when they will receive WNC DB CHs. \n",
        False,
    ),
    "2021 Markdown": (
        "opsg_49_sample.md",
        "ACTION OPSG 49/04: SECAS to schedule a review of incident categorisation.\n",
        True,
    ),
}


def _opsg_action(name: str, text: str, markdown: bool, reference: str):
    minutes = parse(text, markdown=markdown)
    [action] = [a for item in minutes.items for a in item.actions if a.reference == reference]
    return minutes, action


@pytest.mark.parametrize("kind", sorted(OPSG_TEXTS))
def test_opsg_minutes_state_no_owner_by_a_label(kind):
    name, _, markdown = OPSG_TEXTS[kind]
    minutes = parse((FIXTURES / name).read_text(encoding="utf-8"), markdown=markdown)
    assert [f for f in minutes.flags if f.kind == "owner-label"] == []


@pytest.mark.parametrize("kind", sorted(OPSG_TEXTS))
@pytest.mark.parametrize("gap", ["", "\n"])
def test_an_owner_line_under_an_opsg_action_is_flagged_not_read(kind, gap):
    """Read as the action's words or the narrative, as it stands, never in
    silence: the action keeps the owner its words name."""
    name, line, markdown = OPSG_TEXTS[kind]
    original = (FIXTURES / name).read_text(encoding="utf-8")
    other = "SECAS" if "DCC to" in line else "DCC"
    reference = line.split(":")[0].removeprefix("ACTION ")
    before, action = _opsg_action(name, original, markdown, reference)
    minutes, owned = _opsg_action(
        name, original.replace(line, f"{line}{gap}Owner: {other}\n"), markdown, reference
    )
    assert owned.owners == action.owners and other not in owned.owners
    assert minutes.counts() | {"flags": 0} == before.counts() | {"flags": 0}
    [flag] = [f for f in minutes.flags if f.kind == "owner-label"]
    assert flag.line == action.line + (2 if gap else 0)
    assert f"'Owner: {other}'" in flag.message and reference in flag.message
    assert len(minutes.flags) == len(before.flags) + 1
