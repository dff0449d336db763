"""Default rating scale, the two editorial roles, and a guard keeping claim spans inside articles."""

from django.db import migrations

from claims.defaults import DEFAULT_SCALE, ensure_default_scale


ROLES = ["fact-checker", "editor"]


def add_scale_and_roles(apps, schema_editor):
    ensure_default_scale(apps.get_model("claims", "RatingScale"))
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_scale_and_roles(apps, schema_editor):
    apps.get_model("claims", "RatingScale").objects.filter(
        slug__in=[row[0] for row in DEFAULT_SCALE]
    ).delete()
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


# A CHECK constraint cannot look at another table, so the span-within-article rule is a trigger.
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
            schema_editor.execute(f"DROP TRIGGER IF EXISTS claims_claim_span_within_article_{event}")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0002_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(add_scale_and_roles, remove_scale_and_roles),
        migrations.RunPython(add_span_guard, remove_span_guard),
    ]
