# Shared by scripts/run and scripts/test: make sure PostgreSQL and Redis are installed and
# running, and that the demo encryption key exists. Safe to run again and again.
# Sourced, not executed; expects to run from the repository root.

say() { printf 'hotline: %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else say "need root to run: $*"; return 1; fi
}

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    say "updating Debian package lists"
    as_root apt-get update -qq
    apt_updated=1
  fi
  say "installing $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

ensure_postgres() {
  if ! command -v pg_ctlcluster >/dev/null || ! command -v psql >/dev/null; then
    apt_install postgresql postgresql-client
  fi
  if ! pg_up; then
    local version
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$version" ]; then
      say "PostgreSQL is installed but has no cluster"; return 1
    fi
    if [ ! -d "/etc/postgresql/$version/main" ]; then
      as_root pg_createcluster "$version" main >/dev/null
    fi
    say "starting PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 50); do pg_up && break; sleep 0.2; done
    pg_up || { say "PostgreSQL did not start"; return 1; }
  fi
  # A user's own DATABASE_URL is theirs to manage.
  if [ -n "${DATABASE_URL:-}" ]; then return 0; fi
  local base="postgres://postgres@127.0.0.1:5432"
  if psql "$base/postgres" -qtAc 'SELECT 1' >/dev/null 2>&1; then
    export DATABASE_URL="$base/hotline"
    return 0
  fi
  # A fresh Debian cluster asks for a password on TCP: give the postgres role one, once.
  mkdir -p .hotline && chmod 700 .hotline
  if [ ! -s .hotline/postgres-password ]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > .hotline/postgres-password)
  fi
  local password
  password=$(cat .hotline/postgres-password)
  if ! PGPASSWORD="$password" psql "postgres://postgres@127.0.0.1:5432/postgres" -qtAc 'SELECT 1' >/dev/null 2>&1; then
    say "setting a password for the local postgres role (kept in .hotline/postgres-password)"
    as_root su postgres -c "psql -qc \"ALTER USER postgres PASSWORD '$password'\"" >/dev/null
  fi
  export DATABASE_URL="postgres://postgres:$password@127.0.0.1:5432/hotline"
}

redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

ensure_redis() {
  if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    apt_install redis-server redis-tools
  fi
  if [ -n "${REDIS_URL:-}" ]; then return 0; fi
  if ! redis_up; then
    say "starting Redis"
    as_root mkdir -p /var/lib/redis /var/log/redis
    # Redis holds only what may be lost (sessions, rate limits): no persistence needed.
    as_root redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/hotline.log
    for _ in $(seq 1 50); do redis_up && break; sleep 0.1; done
    redis_up || { say "Redis did not start"; return 1; }
  fi
}

ensure_crypto_key() {
  if [ -n "${HOTLINE_CRYPTO__KEY:-}" ]; then return 0; fi
  mkdir -p .hotline && chmod 700 .hotline
  if [ ! -s .hotline/crypto.key ]; then
    say "creating the demo encryption key in .hotline/crypto.key (keep it: the data needs it)"
    (umask 077; head -c 32 /dev/urandom | base64 > .hotline/crypto.key)
  fi
  HOTLINE_CRYPTO__KEY=$(cat .hotline/crypto.key)
  export HOTLINE_CRYPTO__KEY
}

ensure_rust() {
  if ! command -v cargo >/dev/null; then
    if [ -x "$HOME/.cargo/bin/cargo" ]; then export PATH="$HOME/.cargo/bin:$PATH"; return 0; fi
    apt_install cargo rustc
  fi
}

ensure_chromium_and_playwright() {
  [ -x /usr/bin/chromium ] || apt_install chromium
  command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
  if [ ! -d tests/browser/node_modules/playwright-core ]; then
    say "installing playwright-core for the browser test"
    (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
}
