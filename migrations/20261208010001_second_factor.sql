-- A second factor for staff (issue 17): a TOTP seed per person, sealed with the data key and
-- bound to this table, column and the user's id; the last time step accepted (a code is good
-- once); single-use recovery codes, kept only as hashes.
CREATE TABLE staff_totp (
    user_id        UUID PRIMARY KEY REFERENCES users (id),
    -- Sealed seed awaiting the first code (enrolment not yet confirmed).
    pending_secret BYTEA,
    -- Sealed seed in use; NULL until the first code confirms it.
    secret         BYTEA,
    enabled_at     TIMESTAMPTZ,
    -- The RFC 6238 time step of the last code accepted: codes of that step or earlier are refused.
    last_step      BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE staff_recovery_codes (
    user_id   UUID NOT NULL REFERENCES users (id),
    code_hash BYTEA NOT NULL,
    used_at   TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_hash)
);
