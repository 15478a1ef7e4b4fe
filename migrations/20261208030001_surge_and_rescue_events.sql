-- Surge mode and mass rescue events (issue 18).

-- Every switch of surge mode, on or off, by a supervisor (switched_by) or by the hotline itself
-- (switched_by NULL, with the arrivals that made it switch). The latest row is the state in
-- force; the table is append-only, so the dashboard can show when and why it changed.
CREATE TABLE surge_switches (
    id                UUID PRIMARY KEY,
    surge_on          BOOLEAN NOT NULL,
    automatic         BOOLEAN NOT NULL,
    -- A supervisor's reason, or the automatic rule's ("arrivals_over_threshold", "quiet").
    reason            TEXT,
    switched_by       UUID REFERENCES users (id),
    arrivals_per_hour BIGINT,
    at                TIMESTAMPTZ NOT NULL,
    seq               BIGSERIAL NOT NULL
);
CREATE INDEX surge_switches_latest_idx ON surge_switches (at DESC, seq DESC);

-- One mass rescue (a raid on a scam compound, a boat intercepted): many people, each a case.
-- Name and place are operational facts a supervisor writes, not any person's data.
CREATE TABLE rescue_events (
    id                UUID PRIMARY KEY,
    name              TEXT NOT NULL,
    place             TEXT NOT NULL,
    country           TEXT NOT NULL,
    happened_on       DATE NOT NULL,
    estimated_people  INTEGER NOT NULL CHECK (estimated_people >= 0),
    created_by        UUID NOT NULL REFERENCES users (id),
    created_at        TIMESTAMPTZ NOT NULL
);

ALTER TABLE cases ADD COLUMN rescue_event_id UUID REFERENCES rescue_events (id);
CREATE INDEX cases_rescue_event_idx ON cases (rescue_event_id, created_at)
    WHERE rescue_event_id IS NOT NULL;
