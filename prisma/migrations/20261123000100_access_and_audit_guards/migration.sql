-- The application's own database role and the audit trail's guards.
-- The API and workers connect with `role=threadline_app` (see src/client.ts): they read and write
-- the thread, but may only INSERT and SELECT the audit tables. Triggers refuse UPDATE, DELETE and
-- TRUNCATE for everyone, superusers included unless they switch triggers off, and a further
-- trigger refuses an event that does not extend its organisation's chain.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'threadline_app') THEN
        CREATE ROLE threadline_app NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO threadline_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO threadline_app;
REVOKE ALL ON "_prisma_migrations" FROM threadline_app;
REVOKE UPDATE, DELETE, TRUNCATE ON "audit_events", "audit_checkpoints" FROM threadline_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO threadline_app;

CREATE FUNCTION "audit_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "audit_events_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_events"
    FOR EACH ROW EXECUTE FUNCTION "audit_refuse_change"();
CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_refuse_change"();
CREATE TRIGGER "audit_checkpoints_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_checkpoints"
    FOR EACH ROW EXECUTE FUNCTION "audit_refuse_change"();
CREATE TRIGGER "audit_checkpoints_no_truncate" BEFORE TRUNCATE ON "audit_checkpoints"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_refuse_change"();

-- An event must follow its organisation's head: seq = head + 1 and prev_hash = head's hash
-- (genesis: seq 1 and 64 zeros). Writers serialise on an advisory lock per organisation.
CREATE FUNCTION "audit_require_chain_link"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head_hash text;
BEGIN
    IF NEW.seq = 1 THEN
        head_hash := repeat('0', 64);
    ELSE
        SELECT hash INTO head_hash FROM audit_events
         WHERE organization_id = NEW.organization_id AND seq = NEW.seq - 1;
    END IF;
    IF head_hash IS NULL OR head_hash <> NEW.prev_hash
       OR EXISTS (SELECT 1 FROM audit_events WHERE organization_id = NEW.organization_id AND seq > NEW.seq - 1) THEN
        RAISE EXCEPTION 'audit event % does not extend the chain of organisation %', NEW.seq, NEW.organization_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER "audit_events_chain_link" BEFORE INSERT ON "audit_events"
    FOR EACH ROW EXECUTE FUNCTION "audit_require_chain_link"();
