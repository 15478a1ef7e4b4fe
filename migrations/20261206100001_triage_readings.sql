-- What triage read in each inbound message (flags with offsets, never the words), so a new
-- message in a long conversation costs one reading, not a reading of every earlier message.
-- The version names the rules it was made under; a reading under other rules is made again.
ALTER TABLE messages
    ADD COLUMN triage_reading         JSONB,
    ADD COLUMN triage_reading_version TEXT;
