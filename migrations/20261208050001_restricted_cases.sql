-- Restricted cases (issue 17): visible, even as an outline, only to the staff named here and
-- to supervisors and admins. Marking and unmarking are audited (`case.restricted`,
-- `case.unrestricted`).
ALTER TABLE cases ADD COLUMN restricted BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE case_named_staff (
    case_id   UUID NOT NULL REFERENCES cases (id),
    user_id   UUID NOT NULL REFERENCES users (id),
    named_by  UUID REFERENCES users (id),
    named_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, user_id)
);
