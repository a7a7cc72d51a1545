"""A queryset nested in other queries, compiled once.

Nested as it is (`item__in=visible_items(user)`), a queryset is copied,
its tables relabelled and its SQL compiled again within every query it
goes into, and again within each query that one goes into in turn. The
access rules nest in one another (an incident is read through the items
and actions that name it, an item through its meeting), so on the search
page that copying and compiling was much of a request's time. Compiled
once, a rule goes into each query as the text it compiled to: the same
SQL, the same rows.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL


class Keys(RawSQL):
    """The SQL selecting a queryset's primary keys (as "pk"), compiled;
    `empty` when the queryset can match nothing (a user with no role
    anywhere), which no SQL is written for."""

    @property
    def empty(self) -> bool:
        return not self.sql

    def as_sql(self, compiler, connection):
        if self.empty:
            # As the queryset nested would: the filter that holds it matches nothing.
            raise EmptyResultSet
        return super().as_sql(compiler, connection)


def keys_of(queryset: QuerySet) -> Keys:
    """The primary keys of `queryset` as a subquery, compiled now, for a
    filter of another query (`meeting__in=keys_of(meetings)`). It must not
    refer to an outer query (OuterRef): it is compiled on its own."""
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return Keys("", ())
    return Keys(sql, params)
