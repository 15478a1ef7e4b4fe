-- The recent answer times a person in surge is told about (surge::estimate::expected_wait) are
-- those a counselor gave by message or call. With only the stopped_at index, the last two
-- hours' clocks were all read and filtered, phone-form clocks included (stopped the moment the
-- report is filed): 35 ms a chat message with 30,000 of them, and in the intake bench, with
-- 100,000 and more, Telegram in surge fell from 450 to 35-54 updates a second. This index
-- holds only the answers the estimate reads (0.2 ms on the same data).
CREATE INDEX answer_clocks_answered_idx ON answer_clocks (stopped_at) INCLUDE (level, answer_seconds)
    WHERE stopped_by IN ('message', 'call');
