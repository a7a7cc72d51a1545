"""The audit trail in words: what changed between two records
django-simple-history kept, field by field, with links named rather than
numbered. Shared by an action's page and a meeting's history page."""

import datetime
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import capfirst

# A change of owners is not a field of the action: the service writes it as
# the record's change reason, "Owners: DCC → DCC/SECAS".
OWNERS_CHANGED = "Owners: "
_TEXT_WIDTH = 60


@dataclass
class FieldChange:
    """One field changed in one step of the record."""

    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Namer:
    """How a linked record of one model is named in the trail: the related
    records to fetch with it, and its name from them (default: str)."""

    related: tuple[str, ...] = ()
    name: Callable[[object], str] = str


def describe(
    deltas: Iterable[tuple[type, object, list]],
    *,
    namers: dict[type, Namer] | None = None,
    shorten: bool = False,
) -> list[list[FieldChange]]:
    """For each (model, record, simple-history changes): its field changes
    in words. Linked records are named with one query per kind of record,
    by `namers` (the caller's, per model: this module knows no app's
    models); `shorten` cuts long texts to where they start to differ."""
    deltas = list(deltas)
    names = _linked_names(((m, c) for m, _, changes in deltas for c in changes), namers or {})
    described = []
    for model, record, changes in deltas:
        lines = [_field_change(model, change, names, shorten) for change in changes]
        reason = getattr(record, "history_change_reason", None) or ""
        if reason.startswith(OWNERS_CHANGED):
            old, _, new = reason.removeprefix(OWNERS_CHANGED).partition(" → ")
            lines.append(FieldChange(label="Owners", old=old, new=new))
        described.append(lines)
    return described


def _linked_names(pairs, namers: dict[type, Namer]) -> dict[tuple[type, object], str]:
    wanted: dict[type, set] = {}
    for model, change in pairs:
        target = model._meta.get_field(change.field).related_model
        if target is not None:
            wanted.setdefault(target, set()).update(
                v for v in (change.old, change.new) if v is not None
            )
    names = {}
    for target, ids in wanted.items():
        namer = namers.get(target, Namer())
        for obj in target.objects.filter(pk__in=ids).select_related(*namer.related):
            names[target, obj.pk] = namer.name(obj)
    return names


def _field_change(model, change, names: dict, shorten: bool) -> FieldChange:
    model_field = model._meta.get_field(change.field)
    old = _shown(model_field, change.old, names)
    new = _shown(model_field, change.new, names)
    texts = isinstance(change.old, str) and isinstance(change.new, str)
    if shorten and texts and model_field.choices is None:
        old, new = _around_the_difference(old, new)
    return FieldChange(label=capfirst(str(model_field.verbose_name)), old=old, new=new)


def _shown(model_field, value, names: dict) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.related_model is not None:
        return names.get((model_field.related_model, value), f"#{value} (since removed)")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, datetime.time):
        return f"{value:%H:%M}"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _around_the_difference(old: str, new: str) -> tuple[str, str]:
    """Long texts (a narrative) shortened to where they start to differ."""
    if len(old) <= _TEXT_WIDTH and len(new) <= _TEXT_WIDTH:
        return old, new
    same = len(os.path.commonprefix([old, new]))
    start = max(0, same - _TEXT_WIDTH // 3)

    def cut(text: str) -> str:
        piece = text[start : start + _TEXT_WIDTH]
        return ("…" if start else "") + piece + ("…" if start + _TEXT_WIDTH < len(text) else "")

    return cut(old), cut(new)


def save_by(instance, by) -> None:
    """Save, naming `by` in the record's history. A web request names its
    user anyway (simple-history's HistoryRequestMiddleware); a command, a
    task or the shell would leave the change to no one."""
    if by is None:
        instance.save()
        return
    instance._history_user = by
    try:
        instance.save()
    finally:
        del instance._history_user
