"""The database guard that keeps a claim's span inside its article's body (a trigger).

A CHECK constraint cannot look at another table, so this is a trigger on PostgreSQL and SQLite.
On SQLite, altering claims_article rebuilds the table under a temporary name, which breaks a
trigger that names it: a migration that alters that table drops the guard first and adds it
back after (see 0005_article_import).
"""

PG_SPAN_GUARD = """
CREATE OR REPLACE FUNCTION claims_claim_span_within_article() RETURNS trigger AS $$
BEGIN
    IF NEW.span_end IS NOT NULL AND NEW.span_end > (
        SELECT char_length(body) FROM claims_article WHERE id = NEW.article_id
    ) THEN
        RAISE EXCEPTION 'claim span %% to %% lies outside its article', NEW.span_start, NEW.span_end
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER claims_claim_span_within_article
    BEFORE INSERT OR UPDATE OF span_start, span_end, article_id ON claims_claim
    FOR EACH ROW EXECUTE FUNCTION claims_claim_span_within_article();
"""
PG_SPAN_GUARD_DROP = """
DROP TRIGGER IF EXISTS claims_claim_span_within_article ON claims_claim;
DROP FUNCTION IF EXISTS claims_claim_span_within_article();
"""
SQLITE_SPAN_GUARD = [
    # Only the two literal event names below are formatted in; nothing comes from input.
    f"""
CREATE TRIGGER claims_claim_span_within_article_{event.lower()}
BEFORE {event} ON claims_claim
WHEN NEW.span_end IS NOT NULL AND NEW.span_end > (
    SELECT length(body) FROM claims_article WHERE id = NEW.article_id
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: claim span lies outside its article');
END;
"""
    for event in ("INSERT", "UPDATE")
]


def add_span_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_SPAN_GUARD)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_SPAN_GUARD:
            schema_editor.execute(statement)


def remove_span_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_SPAN_GUARD_DROP)
    elif schema_editor.connection.vendor == "sqlite":
        for event in ("insert", "update"):
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS claims_claim_span_within_article_{event}"
            )
