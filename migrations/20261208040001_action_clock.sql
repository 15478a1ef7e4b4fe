-- The action clock (issue 15): from the moment a case became critical or high to its first
-- referral requested and to the partner's acknowledgement. The start is kept on the case by a
-- trigger, because a case's level is written in several places (intake, re-assessment, a
-- counselor's override, the phone form, synthetic data) and none of them may forget it. The
-- trigger takes the time from the row (`updated_at`, or `created_at` for a new case), never
-- from the database clock, so the application's injected clock holds here too. The stops are
-- read from `referral_steps` at report time. No personal data: a time and a level.
ALTER TABLE cases
    ADD COLUMN urgent_since TIMESTAMPTZ,
    -- The highest level the case reached (critical beats high): the target that applies.
    ADD COLUMN urgent_level TEXT CHECK (urgent_level IN ('critical', 'high'));

CREATE FUNCTION cases_note_urgent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.urgency_rank >= 2 THEN
        IF NEW.urgent_since IS NULL THEN
            NEW.urgent_since := CASE WHEN TG_OP = 'INSERT' THEN NEW.created_at ELSE NEW.updated_at END;
        END IF;
        IF NEW.urgency_rank >= 3 THEN
            NEW.urgent_level := 'critical';
        ELSIF NEW.urgent_level IS NULL THEN
            NEW.urgent_level := 'high';
        END IF;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER cases_note_urgent BEFORE INSERT OR UPDATE OF urgency_rank ON cases
    FOR EACH ROW EXECUTE FUNCTION cases_note_urgent();

-- Cases urgent before this migration: the best known start is when they were opened.
UPDATE cases SET urgent_since = created_at,
                 urgent_level = CASE WHEN urgency_rank >= 3 THEN 'critical' ELSE 'high' END
WHERE urgency_rank >= 2;

CREATE INDEX cases_urgent_since_idx ON cases (urgent_since) WHERE urgent_since IS NOT NULL;
-- The first request and first acknowledgement of a case's referrals.
CREATE INDEX referral_steps_status_idx ON referral_steps (status, referral_id, at);
