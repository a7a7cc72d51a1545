"""Who reads a declaration of interest: whoever may read the item it was
made under (meetings.access.item_rule), on every page, export and search."""

from django.db.models import QuerySet
from django.http import Http404

from meetings.access import item_rule
from meetings.models import AgendaItem

from .models import Declaration


def visible_declarations(user) -> QuerySet[Declaration]:
    return Declaration.objects.filter(item_rule(user, "item__"))


def declaration_in(item: AgendaItem, pk) -> Declaration:
    """A declaration under this item (the item's access already checked)."""
    try:
        return item.declarations.select_related("item__meeting").get(pk=pk)
    except (Declaration.DoesNotExist, ValueError):
        raise Http404("Not part of these minutes.") from None
