# shellcheck shell=bash
# A private PostgreSQL and Redis for the bench (scripts/bench/run) and the fault scenarios
# (scripts/faults/*): their own data directory under a mktemp dir and their own loopback ports,
# so stopping, killing or flushing them never touches the machine's shared servers. Sourced.
#
#   sandbox_start              initdb + start PostgreSQL on $SANDBOX_PG_PORT (55432) and Redis
#                              on $SANDBOX_REDIS_PORT (56379); exports DATABASE_URL, REDIS_URL,
#                              SANDBOX_DIR; stops everything it started on exit
#   sandbox_pg_stop [mode]     pg_ctl stop (-m fast by default; immediate = a crash)
#   sandbox_pg_start           start it again on the same data (SANDBOX_PG_OPTIONS: more
#                              server options, e.g. "-c shared_preload_libraries=…")
#   sandbox_redis_restart      redis: shutdown nosave, start empty
#   serve_start / serve_stop   the hotline binary ($SANDBOX_BIN) on $SANDBOX_HTTP_PORT (8099),
#                              pid in $serve_pid; serve_kill9 kills it hard
#   hotline_bin                the newest built hotline binary (release, else debug)
# Only processes started here are stopped, by their pid.

SANDBOX_PG_PORT="${SANDBOX_PG_PORT:-55432}"
SANDBOX_REDIS_PORT="${SANDBOX_REDIS_PORT:-56379}"
SANDBOX_HTTP_PORT="${SANDBOX_HTTP_PORT:-8099}"
# /health/ready and /metrics live on the internal listener (server.internal_port).
SANDBOX_INTERNAL_PORT="${SANDBOX_INTERNAL_PORT:-$((SANDBOX_HTTP_PORT + 1))}"
sandbox_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

pg_bin() {
  local version
  version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)
  echo "/usr/lib/postgresql/$version/bin/$1"
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

hotline_bin() {
  if [ -n "${SANDBOX_BIN:-}" ]; then echo "$SANDBOX_BIN"; return; fi
  local r="$sandbox_root/target/release/hotline" d="$sandbox_root/target/debug/hotline"
  if [ -x "$r" ] && { [ ! -x "$d" ] || [ "$r" -nt "$d" ]; }; then echo "$r"; else echo "$d"; fi
}

# autovacuum_naptime 10 s, as the README asks of a production server: claims rewrite case rows,
# and with the default minute the queue's index heads fill with dead entries between rounds.
sandbox_pg_start() {
  as_postgres "$(pg_bin pg_ctl)" -D "$SANDBOX_DIR/pg" -l "$SANDBOX_DIR/pg.log" -w -t 60 \
    -o "-p $SANDBOX_PG_PORT -k $SANDBOX_DIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB -c autovacuum_naptime=10s ${SANDBOX_PG_OPTIONS:-}" \
    start >/dev/null
}

sandbox_pg_stop() {
  as_postgres "$(pg_bin pg_ctl)" -D "$SANDBOX_DIR/pg" -m "${1:-fast}" -w stop >/dev/null 2>&1 || true
}

sandbox_redis_start() {
  redis-server --port "$SANDBOX_REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$SANDBOX_DIR" --daemonize yes --pidfile "$SANDBOX_DIR/redis.pid" \
    --logfile "$SANDBOX_DIR/redis.log" >/dev/null
  local _
  for _ in $(seq 50); do redis-cli -p "$SANDBOX_REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "sandbox: redis did not start" >&2
  return 1
}

sandbox_redis_stop() {
  redis-cli -p "$SANDBOX_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

sandbox_redis_restart() {
  sandbox_redis_stop
  sleep 0.3
  sandbox_redis_start
}

serve_pid=""
serve_start() {
  "$(hotline_bin)" serve >>"$SANDBOX_DIR/serve.log" 2>&1 &
  serve_pid=$!
  local _
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$SANDBOX_INTERNAL_PORT/health/ready" >/dev/null && return 0
    sleep 0.1
  done
  echo "sandbox: hotline serve did not become ready (see $SANDBOX_DIR/serve.log)" >&2
  return 1
}

serve_stop() {
  [ -n "$serve_pid" ] || return 0
  kill "$serve_pid" 2>/dev/null || true
  wait "$serve_pid" 2>/dev/null || true
  serve_pid=""
}

serve_kill9() {
  [ -n "$serve_pid" ] || return 0
  kill -9 "$serve_pid" 2>/dev/null || true
  wait "$serve_pid" 2>/dev/null || true
  serve_pid=""
}

sandbox_cleanup() {
  serve_stop
  sandbox_redis_stop
  sandbox_pg_stop immediate
  if [ -n "${SANDBOX_DIR:-}" ] && [ -z "${SANDBOX_KEEP:-}" ]; then rm -rf "$SANDBOX_DIR"; fi
}

sandbox_start() {
  SANDBOX_DIR=$(mktemp -d /tmp/hotline-sandbox.XXXXXX)
  export SANDBOX_DIR
  chmod 755 "$SANDBOX_DIR"
  mkdir "$SANDBOX_DIR/pg"
  [ "$(id -u)" -ne 0 ] || chown postgres "$SANDBOX_DIR" "$SANDBOX_DIR/pg"
  trap sandbox_cleanup EXIT
  as_postgres "$(pg_bin initdb)" -D "$SANDBOX_DIR/pg" -U postgres -A trust >/dev/null
  sandbox_pg_start
  sandbox_redis_start
  as_postgres "$(pg_bin createdb)" -h 127.0.0.1 -p "$SANDBOX_PG_PORT" -U postgres hotline
  export DATABASE_URL="postgres://postgres@127.0.0.1:$SANDBOX_PG_PORT/hotline"
  export REDIS_URL="redis://127.0.0.1:$SANDBOX_REDIS_PORT"
  export HOTLINE_CRYPTO__KEY="${HOTLINE_CRYPTO__KEY:-$(head -c32 /dev/urandom | base64)}"
  export HOTLINE_PROFILE=local HOTLINE_SERVER__PORT="$SANDBOX_HTTP_PORT" HOTLINE_LOG__FILTER=warn
  export HOTLINE_SERVER__INTERNAL_PORT="$SANDBOX_INTERNAL_PORT"
  export HOTLINE_SERVER__COOKIE_SECURE=false
}
