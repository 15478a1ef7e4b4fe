-- The console in each staff member's language, the languages they can talk in (claim-next prefers
-- cases in those), and when each of them last read each case (new messages show as unread).
ALTER TABLE users
    ADD COLUMN console_language TEXT,
    ADD COLUMN languages        TEXT[] NOT NULL DEFAULT '{}';

CREATE TABLE case_reads (
    user_id  UUID NOT NULL REFERENCES users (id),
    case_id  UUID NOT NULL REFERENCES cases (id),
    read_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, case_id)
);

-- Counting the cases a counselor holds (the held-case cap) reads this on every claim.
CREATE INDEX cases_holder_idx ON cases (holder_id) WHERE holder_id IS NOT NULL;
