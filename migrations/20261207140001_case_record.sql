-- The case record (issue 14): what the region's agencies count and what partners need, field
-- names after the IOM Human Trafficking Case Data Standard (docs/referrals.md). The whole record
-- is sealed (sex, age, nationality, places are personal); only the hotline's status, the
-- official outcome and the forms of exploitation stay plain, for counting without decrypting.
CREATE TABLE case_records (
    case_id           UUID PRIMARY KEY REFERENCES cases (id),
    record_enc        BYTEA NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('potential', 'presumed', 'not_trafficking')),
    official_outcome  TEXT CHECK (official_outcome IN ('identified', 'not_identified', 'pending')),
    exploitation      TEXT[] NOT NULL DEFAULT '{}',
    updated_by        UUID REFERENCES users (id),
    updated_at        TIMESTAMPTZ NOT NULL
);
