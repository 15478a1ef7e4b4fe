-- The held-case cap counts a counselor's live leases on every claim (`queue::held_count_sql`).
-- On holder_id alone that count walked every case the counselor had ever held whose lease ran
-- out without a release (a case left `waiting`, a lease that expired): a list that only grows.
-- With the lease's end in the index the count reads live leases only. Every other reader of
-- holder_id (my cases, the supervisor's board) asks for live leases too.
CREATE INDEX cases_held_by_lease_idx ON cases (holder_id, lease_expires_at) WHERE holder_id IS NOT NULL;
DROP INDEX IF EXISTS cases_holder_idx;
