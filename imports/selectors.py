"""Reads for the import's review: what committing a parse would add to the
record beside the meeting itself, so the secretary sees it before saying
"Import" (and the command prints it). Three queries, whatever the size of
the document."""

from dataclasses import dataclass, field

from django.db.models.functions import Lower

from actions.models import Action
from meetings.models import Organisation, Person

from .parsed import ParsedMinutes


@dataclass
class NewToTheRecord:
    people: list[str] = field(default_factory=list)  # attendance names no person has yet
    owners: list[str] = field(default_factory=list)  # owners to be created as organisations
    actions: list[str] = field(default_factory=list)  # reviewed, not in the record: made from rows
    known_actions: list[str] = field(default_factory=list)  # reviewed, in the record: reviewed

    def __bool__(self) -> bool:
        return bool(self.people or self.owners or self.actions or self.known_actions)


def new_to_the_record(parsed: ParsedMinutes) -> NewToTheRecord:
    """Matched as imports.services will match them: owners by an
    organisation's short name (any case), else by a person's name; people
    by name; actions by reference."""
    names = list(dict.fromkeys(p.name for p in parsed.attendance))
    owners = [o.strip() for i in parsed.items for a in i.actions for o in a.owners]
    owners += [o.strip() for r in parsed.reviews for o in r.owners]
    owners = list(dict.fromkeys(o for o in owners if o))
    references = list(dict.fromkeys(r.reference for r in parsed.reviews))

    organisations = set(
        Organisation.objects.annotate(key=Lower("short_name"))
        .filter(key__in=[o.lower() for o in owners])
        .values_list("key", flat=True)
    )
    people = set(Person.objects.filter(name__in=names + owners).values_list("name", flat=True))
    known = set(Action.objects.filter(reference__in=references).values_list("reference", flat=True))
    return NewToTheRecord(
        people=[name for name in names if name not in people],
        owners=[o for o in owners if o.lower() not in organisations and o not in people],
        actions=[r for r in references if r not in known],
        known_actions=[r for r in references if r in known],
    )
