-- Privacy (issue 17): need-to-know grants ("break the glass") and a tamper-evident audit log.

-- A counselor asked for the full view of a case they have no relation to. The grant runs out
-- at `expires_at`; supervisors review every one. `text_enc` is the counselor's own words.
CREATE TABLE break_glass (
    id           UUID PRIMARY KEY,
    case_id      UUID NOT NULL REFERENCES cases (id),
    user_id      UUID NOT NULL REFERENCES users (id),
    reason       TEXT NOT NULL CHECK (reason IN ('covering_shift', 'caller_on_line', 'supervisor_request', 'other')),
    text_enc     BYTEA NOT NULL,
    granted_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    reviewed_by  UUID REFERENCES users (id),
    reviewed_at  TIMESTAMPTZ
);
CREATE INDEX break_glass_access_idx ON break_glass (case_id, user_id, expires_at);
CREATE INDEX break_glass_review_idx ON break_glass (granted_at) WHERE reviewed_at IS NULL;

-- Need-to-know asks "did this person ever claim or open this case?" on every read.
CREATE INDEX audit_log_actor_case_idx ON audit_log (actor_id, case_id, action);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- The audit log is a chain: each entry's keyed hash (HMAC-SHA256, key outside the database)
-- covers its fields and its predecessor's id and hash (see src/audit/chain.rs). Entries from
-- before this migration have none and are reported as older than the chain.
ALTER TABLE audit_log ADD COLUMN prev_id BIGINT, ADD COLUMN mac BYTEA;

-- Nobody edits history: updates, deletes and truncation are refused even for the table's
-- owner unless triggers are deliberately switched off. The runtime role additionally has only
-- INSERT and SELECT on it (granted by `hotline migrate` when DATABASE_MIGRATION_URL is a
-- separate role).
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
