-- The audit chain's links move out of the writers' transactions (src/audit/chain.rs). Linking
-- each entry to its predecessor inside the transaction that wrote it needed one lock held by
-- every audited write until its commit: every phone report, chat case and case view queued
-- behind every other (measured: the phone report's transaction fell from 730-950 to 127 a
-- second at 16 connections). Writers now only INSERT into audit_log; one linker at a time
-- (an advisory lock, any node) appends each committed entry's link here, within a second.
CREATE TABLE audit_chain (
    -- 1, 2, 3... in the order entries were linked; a gap is a deleted link.
    position BIGINT PRIMARY KEY,
    entry_id BIGINT NOT NULL UNIQUE,
    prev_entry_id BIGINT,
    -- HMAC-SHA256 over the entry, its predecessor's id and its predecessor's mac.
    mac BYTEA NOT NULL,
    linked_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Where the chain begins: entries below this id were written before there was a chain and are
-- only counted by `hotline audit verify`.
CREATE TABLE audit_chain_origin (first_entry_id BIGINT NOT NULL);
INSERT INTO audit_chain_origin (first_entry_id)
SELECT coalesce((SELECT min(id) FROM audit_log WHERE mac IS NOT NULL),
                (SELECT max(id) + 1 FROM audit_log), 1);
CREATE TRIGGER audit_chain_origin_fixed BEFORE UPDATE OR DELETE ON audit_chain_origin
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_chain_origin_no_truncate BEFORE TRUNCATE ON audit_chain_origin
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

-- Entries linked the old way keep their links, in id order.
INSERT INTO audit_chain (position, entry_id, prev_entry_id, mac)
SELECT row_number() OVER (ORDER BY id), id, prev_id, mac FROM audit_log WHERE mac IS NOT NULL;

CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
