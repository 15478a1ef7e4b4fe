-- pgbench: the bare claim, as small as a claim can be on the real schema: the first open unheld
-- case in the queue index's own order (rank, waiting time), FOR UPDATE SKIP LOCKED, leased for
-- a second. No queue rules (aging, languages), no cap, no audit. Run with -D user=<id>.
UPDATE cases SET holder_id = :user::uuid, lease_expires_at = now() + interval '1 second', updated_at = now()
WHERE id = (SELECT c.id FROM cases c
            WHERE (c.status IN ('new', 'in_progress') OR (c.status = 'waiting' AND c.awaiting_reply))
              AND NOT (c.holder_id IS NOT NULL AND c.lease_expires_at > now())
            ORDER BY c.urgency_rank, c.waiting_since, c.id LIMIT 1 FOR UPDATE SKIP LOCKED)
RETURNING id;
