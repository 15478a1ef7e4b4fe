-- Claim-next offers every case with a due callback or a missed call's candidate as a candidate
-- (src/queue/claim.rs); this keeps finding them an index range, not a scan of every callback
-- ever made.
CREATE INDEX callbacks_open_due_idx ON callbacks (due_from) WHERE status IN ('scheduled', 'candidate');
