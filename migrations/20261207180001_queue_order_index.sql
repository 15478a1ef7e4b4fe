-- Claim-next in O(log n) (issue 18). The queue order only compares cases of one urgency rank
-- by waiting time, so the next case is the head of one of a few index ranges per rank
-- (`queue::claim_next_sql`): open cases by (rank, waiting_since, id), and the same per primary
-- language subtag for the counselor's languages. They replace the old queue index, which no
-- query could use for the order (it ends at waiting_since and covers closed-to-the-queue
-- `waiting` cases).
DROP INDEX IF EXISTS cases_queue_idx;
CREATE INDEX cases_open_by_wait_idx ON cases (urgency_rank, waiting_since, id)
    WHERE status IN ('new', 'in_progress') OR (status = 'waiting' AND awaiting_reply);
CREATE INDEX cases_open_by_language_idx
    ON cases (urgency_rank, (split_part(language, '-', 1)), waiting_since, id)
    WHERE status IN ('new', 'in_progress') OR (status = 'waiting' AND awaiting_reply);
-- Every claim and every lease end rewrites a case row: vacuum the table after 2% of it has
-- changed (not the default 20%), so dead entries do not pile up at the head of the queue.
ALTER TABLE cases SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
