"""Writing declarations of interest: under an item of minutes still open to
editing, as every other part of an item is."""

from django.core.exceptions import ValidationError
from django.db import transaction

from meetings.models import AgendaItem
from opsg.concurrency import claim_version

from .models import Declaration

NAME_LENGTH = Declaration._meta.get_field("name").max_length
ORGANISATION_LENGTH = Declaration._meta.get_field("organisation").max_length


@transaction.atomic
def declaration_save(
    *,
    item: AgendaItem,
    name: str,
    organisation: str,
    interest: str,
    declaration: Declaration | None = None,
    expected_version: int | None = None,
) -> Declaration:
    """Record a declaration under `item`, or change `declaration`. Refused
    when the minutes are frozen, or another editor changed it since
    `expected_version` (opsg.concurrency)."""
    item.meeting.check_writable()
    name, organisation, interest = name.strip(), organisation.strip(), interest.strip()
    errors = {}
    if not name:
        errors["name"] = "Say who declared the interest."
    elif len(name) > NAME_LENGTH:
        errors["name"] = f"A name of at most {NAME_LENGTH} characters."
    if len(organisation) > ORGANISATION_LENGTH:
        errors["organisation"] = f"At most {ORGANISATION_LENGTH} characters."
    if not interest:
        errors["interest"] = "Say what the interest is."
    if errors:
        raise ValidationError(errors)
    if declaration is None:
        last = item.declarations.order_by("-order").first()
        declaration = Declaration(item=item, order=(last.order + 1) if last else 0)
    else:
        claim_version(declaration, expected_version)
    declaration.name = name
    declaration.organisation = organisation
    declaration.interest = interest
    declaration.save()
    return declaration


@transaction.atomic
def declaration_delete(*, declaration: Declaration) -> None:
    declaration.item.meeting.check_writable()
    declaration.delete()
