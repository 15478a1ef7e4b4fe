-- Text triage: counselor overrides of the urgency level, and Burmese typed in Zawgyi kept
-- beside its Unicode conversion.

ALTER TABLE cases
    -- The level the rules gave last time (the level shown may be a counselor's override).
    ADD COLUMN urgency_auto_level          TEXT,
    ADD COLUMN urgency_override_level      TEXT,
    ADD COLUMN urgency_override_reason_enc BYTEA,
    ADD COLUMN urgency_override_by         UUID REFERENCES users (id),
    ADD COLUMN urgency_override_at         TIMESTAMPTZ,
    -- The automatic level's rank when the counselor decided: only new evidence that scores
    -- higher than this may raise the level again.
    ADD COLUMN urgency_override_auto_rank  SMALLINT;

-- The analysed text when the original was Burmese in Zawgyi (converted to Unicode); evidence
-- offsets refer to it.
ALTER TABLE messages ADD COLUMN text_converted_enc BYTEA;
