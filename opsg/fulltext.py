"""Full-text search columns kept by PostgreSQL itself.

Each searchable table has a `search_vector` column filled by a trigger on
every insert and update, whoever writes the row (a service, the admin, a
bulk update, a migration), so the index can never lag the record. On SQLite
the column stays empty and search falls back to stemmed substring matching
(search/selectors.py)."""

# English stemming, so "throttle" finds "throttling". Fixed, not the server's
# default_text_search_config: the stored vectors and the queries must agree.
CONFIG = "english"


def _trigger_sql(table: str, weighted: dict[str, list[str]]) -> list[str]:
    """SQL creating the trigger that keeps `table.search_vector` from the
    given columns, weight A (headings, references) to D, its GIN index, and
    filling it for the rows already there."""
    parts = [
        f"setweight(to_tsvector('{CONFIG}', "
        + " || ' ' || ".join(f"coalesce(NEW.{column}::text, '')" for column in columns)
        + f"), '{weight}')"
        for weight, columns in weighted.items()
    ]
    columns = sorted({column for columns in weighted.values() for column in columns})
    function = f"{table}_search_vector"
    return [
        f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
        BEGIN
            NEW.search_vector := {" || ".join(parts)};
            RETURN NEW;
        END
        $$ LANGUAGE plpgsql""",
        f"DROP TRIGGER IF EXISTS {function} ON {table}",
        f"""CREATE TRIGGER {function} BEFORE INSERT OR UPDATE OF {", ".join(columns)}
        ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()""",
        f"CREATE INDEX IF NOT EXISTS {table}_search_gin ON {table} USING gin (search_vector)",
        f"UPDATE {table} SET {columns[0]} = {columns[0]}",
    ]


def search_trigger(table: str, weighted: dict[str, list[str]]):
    """A migration operation installing the trigger on PostgreSQL (a no-op on SQLite)."""
    from django.db import migrations

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in _trigger_sql(table, weighted):
                schema_editor.execute(statement)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            function = f"{table}_search_vector"
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {function} ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()")
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_gin")

    return migrations.RunPython(forwards, backwards, elidable=False)
