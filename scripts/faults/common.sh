# shellcheck shell=bash
# Shared by the fault scenarios: a private PostgreSQL and Redis (scripts/lib/sandbox.sh), the
# schema, a counselor's token, the Telegram webhook on (its Bot API address is a closed port, so
# replies wait in the outbox and retry), the load generator (load.py) and the checks that every
# acknowledged report is stored exactly once. Sourced by each scenario.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=scripts/lib/sandbox.sh
. scripts/lib/sandbox.sh

faults_setup() {
  [ -x "$(hotline_bin)" ] || { echo "build hotline first: cargo build --bin hotline" >&2; exit 1; }
  sandbox_start
  OUT="$SANDBOX_DIR/out"
  mkdir -p "$OUT"
  export SANDBOX_URL="http://127.0.0.1:$SANDBOX_HTTP_PORT"
  export SANDBOX_INTERNAL_URL="http://127.0.0.1:$SANDBOX_INTERNAL_PORT"
  export HOTLINE_REDIS__KEY_PREFIX="fault:"
  export TG_BOT_ID=1000001 TG_SECRET=fault-secret
  export HOTLINE_CHANNELS__TELEGRAM__ENABLED=true
  export HOTLINE_CHANNELS__TELEGRAM__BOT_TOKEN="$TG_BOT_ID:fault-token"
  export HOTLINE_CHANNELS__TELEGRAM__WEBHOOK_SECRET="$TG_SECRET"
  export HOTLINE_CHANNELS__TELEGRAM__API_URL="http://127.0.0.1:9"
  "$(hotline_bin)" migrate >/dev/null
  echo 'fault password 1234' | "$(hotline_bin)" user add --email fault@hotline.test --role counselor >/dev/null 2>&1
  TOKEN=$("$(hotline_bin)" user token --email fault@hotline.test)
  export TOKEN
}

# load KIND SECONDS CLIENTS [extra load.py args]: in the background; `wait_load` collects it.
load_pids=()
load() {
  python3 scripts/faults/load.py --kind "$1" --seconds "$2" --clients "$3" --out "$OUT" "${@:4}" \
    >"$OUT/load-$1.log" 2>&1 &
  load_pids+=("$!")
}
wait_load() {
  local pid
  for pid in "${load_pids[@]}"; do wait "$pid" || true; done
  load_pids=()
}

q() { psql -XqtA "$DATABASE_URL" -c "$1"; }

# Prints "lost duplicates" for the acknowledged phone reports.
check_phone() {
  psql -XqtA "$DATABASE_URL" <<SQL
CREATE TEMP TABLE acked (key text);
\copy acked FROM '$OUT/acked-phone.txt'
SELECT (SELECT count(*) FROM acked a WHERE NOT EXISTS (
          SELECT 1 FROM idempotency_keys k WHERE k.key = a.key AND k.case_id IS NOT NULL))
       || ' ' ||
       ((SELECT count(*) FROM cases WHERE channel = 'phone')
        - (SELECT count(DISTINCT case_id) FROM idempotency_keys WHERE case_id IS NOT NULL));
SQL
}

# Prints "lost duplicates" for the acknowledged Telegram updates (each a new chat's message).
check_telegram() {
  psql -XqtA "$DATABASE_URL" <<SQL
CREATE TEMP TABLE acked (key text);
\copy acked FROM '$OUT/acked-telegram.txt'
SELECT (SELECT count(*) FROM acked a WHERE NOT EXISTS (
          SELECT 1 FROM messages m WHERE m.channel = 'telegram' AND m.direction = 'inbound'
                                     AND m.external_event_id = a.key))
       || ' ' ||
       ((SELECT count(*) FROM messages WHERE channel = 'telegram' AND direction = 'inbound')
        - (SELECT count(DISTINCT external_event_id) FROM messages
           WHERE channel = 'telegram' AND direction = 'inbound')
        + (SELECT count(*) FROM cases WHERE channel = 'telegram')
        - (SELECT count(DISTINCT channel_identity_id) FROM cases WHERE channel = 'telegram'));
SQL
}

summary() { cat "$OUT/summary-$1.json"; }
json_field() { python3 -c "import json,sys; d=json.load(open('$OUT/summary-$1.json')); print(eval('d' + sys.argv[1]))" "$2"; }

# result NAME ok|FAIL DETAIL: one line, also appended to $FAULTS_RESULTS when set (faults/all).
result() {
  local line
  line=$(printf '%-14s %-4s %s' "$1" "$2" "$3")
  echo "$line"
  if [ -n "${FAULTS_RESULTS:-}" ]; then echo "$line" >>"$FAULTS_RESULTS"; fi
  [ "$2" = ok ]
}
