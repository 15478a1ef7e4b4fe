# shellcheck shell=bash
# Shared by scripts/run and scripts/test: make sure PostgreSQL and Redis are installed and
# running, the demo encryption key exists, and (for the tests) chromium and playwright-core.
# Sourced, not executed. Safe and quick to run again: each step checks before it acts.
# Works without systemd (starts the servers directly); installs with apt-get as root, or
# through sudo when not root.

hotline_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
hotline_state="$hotline_root/.hotline" # gitignored: local secrets that must outlive a run

say() { printf 'hotline: %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    say "this step needs root: $*"
    say "run as root, install sudo, or do that step yourself and re-run"
    return 1
  fi
}

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    say "updating Debian package lists"
    as_root apt-get update -qq || return 1
    apt_updated=1
  fi
  say "installing $* (apt-get)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

state_dir() {
  mkdir -p "$hotline_state" && chmod 700 "$hotline_state"
}

# Is a URL's host this machine? (Then we may install and start the server ourselves.)
url_is_local() {
  case "$1" in
    *@127.0.0.1[:/]* | *@localhost[:/]* | *://127.0.0.1[:/]* | *://localhost[:/]* | *@\[::1\]*) return 0 ;;
    *) return 1 ;;
  esac
}

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 >/dev/null 2>&1; }

start_local_postgres() {
  if ! command -v pg_ctlcluster >/dev/null || ! command -v pg_isready >/dev/null; then
    apt_install postgresql postgresql-client || return 1
  fi
  pg_up && return 0
  # The newest installed server; its cluster "main" (Debian's package creates it).
  local version
  version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)
  [ -n "$version" ] || { say "PostgreSQL is installed but no server version was found"; return 1; }
  if [ ! -d "/etc/postgresql/$version/main" ]; then
    say "creating PostgreSQL $version cluster main"
    as_root pg_createcluster "$version" main >/dev/null || return 1
  fi
  if ! as_root pg_ctlcluster "$version" main status >/dev/null 2>&1; then
    say "starting PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || return 1
  fi
  local _
  for _ in $(seq 1 100); do pg_up && return 0; sleep 0.2; done
  say "PostgreSQL did not start (see /var/log/postgresql/postgresql-$version-main.log)"
  return 1
}

ensure_postgres() {
  # A DATABASE_URL the user set is theirs: use it as it is and leave the server's auth alone.
  if [ -n "${DATABASE_URL:-}" ]; then
    if url_is_local "$DATABASE_URL"; then
      start_local_postgres || return 1
    elif ! command -v psql >/dev/null; then
      apt_install postgresql-client || return 1
    fi
    return 0
  fi
  start_local_postgres || return 1
  local base="postgres://postgres@127.0.0.1:5432" err
  # -w: never prompt for a password (there may be a terminal); -X: ignore ~/.psqlrc.
  if err=$(psql -wXqtA "$base/postgres" -c 'SELECT 1' 2>&1 >/dev/null); then
    export DATABASE_URL="$base/hotline"
    return 0
  fi
  case "$err" in
    *password* | *authentication*) ;;
    *) say "cannot reach PostgreSQL at $base: $err"; return 1 ;;
  esac
  # A fresh Debian cluster wants a password over TCP and the postgres role has none:
  # give it one, once, kept in .hotline/postgres-password.
  state_dir
  if [ ! -s "$hotline_state/postgres-password" ]; then
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$hotline_state/postgres-password")
  fi
  chmod 600 "$hotline_state/postgres-password"
  local password
  password=$(cat "$hotline_state/postgres-password")
  local url="postgres://postgres:$password@127.0.0.1:5432"
  if ! psql -wXqtA "$url/postgres" -c 'SELECT 1' >/dev/null 2>&1; then
    say "setting a password for the local postgres role (kept in .hotline/postgres-password)"
    # Peer auth over the Unix socket, as the postgres system user.
    as_root su postgres -c "psql -Xq -c \"ALTER USER postgres PASSWORD '$password'\"" >/dev/null || return 1
    if ! err=$(psql -wXqtA "$url/postgres" -c 'SELECT 1' 2>&1 >/dev/null); then
      say "PostgreSQL still refuses the postgres role: $err"
      return 1
    fi
  fi
  export DATABASE_URL="$url/hotline"
}

redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

ensure_redis() {
  # A REDIS_URL the user set is theirs.
  if [ -n "${REDIS_URL:-}" ] && ! url_is_local "$REDIS_URL"; then return 0; fi
  if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    apt_install redis-server redis-tools || return 1
  fi
  redis_up && return 0
  say "starting Redis"
  as_root mkdir -p /var/lib/redis /var/log/redis || return 1
  # Redis holds only what may be lost (sessions, rate limits): nothing is kept on disk.
  as_root redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/hotline.log || return 1
  local _
  for _ in $(seq 1 50); do redis_up && return 0; sleep 0.1; done
  say "Redis did not start (see /var/log/redis/hotline.log)"
  return 1
}

ensure_crypto_key() {
  if [ -n "${HOTLINE_CRYPTO__KEY:-}" ]; then return 0; fi
  state_dir
  if [ ! -s "$hotline_state/crypto.key" ]; then
    say "creating the encryption key in .hotline/crypto.key (keep it: the stored data needs it)"
    (umask 077 && head -c 32 /dev/urandom | base64 >"$hotline_state/crypto.key")
  fi
  chmod 600 "$hotline_state/crypto.key"
  HOTLINE_CRYPTO__KEY=$(cat "$hotline_state/crypto.key")
  export HOTLINE_CRYPTO__KEY
}

ensure_rust() {
  command -v cargo >/dev/null && return 0
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
    return 0
  fi
  apt_install cargo rustc
}

# openapi-spec-validator (PyPI), in a virtualenv of the project's, for the test that validates
# the served OpenAPI document. Exports HOTLINE_TEST_OPENAPI_VALIDATOR.
ensure_openapi_validator() {
  state_dir || return 1
  local venv="$hotline_state/venv-openapi"
  if [ ! -x "$venv/bin/openapi-spec-validator" ]; then
    if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
      apt_install python3-venv || return 1
    fi
    say "installing openapi-spec-validator (PyPI) into $venv"
    python3 -m venv "$venv" || return 1
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'openapi-spec-validator>=0.7,<0.8' || return 1
  fi
  export HOTLINE_TEST_OPENAPI_VALIDATOR="$venv/bin/openapi-spec-validator"
}

ensure_chromium_and_playwright() {
  # playwright-core drives Debian's chromium; no browser is ever downloaded.
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  if [ ! -x /usr/bin/chromium ]; then
    apt_install chromium || return 1
  fi
  # Thai, Lao, Khmer, Burmese and Chinese glyphs for the console's screenshots (boxes without).
  if [ ! -d /usr/share/fonts/truetype/noto ] || [ ! -d /usr/share/fonts/opentype/noto ]; then
    apt_install fonts-noto-core fonts-noto-cjk || return 1
  fi
  if ! command -v node >/dev/null; then
    apt_install nodejs npm || return 1
  elif ! command -v npm >/dev/null; then
    apt_install npm || return 1
  fi
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -lt 20 ]; then
    say "warning: node $(node --version) is older than playwright-core wants (20 or newer)"
  fi
  local dir="$hotline_root/tests/browser"
  if [ ! -d "$dir/node_modules/playwright-core" ] || [ ! -d "$dir/node_modules/axe-core" ]; then
    say "installing playwright-core and axe-core for the browser test (npm)"
    if [ -f "$dir/package-lock.json" ]; then
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    else
      (cd "$dir" && npm install --no-audit --no-fund --loglevel=error) || return 1
    fi
  fi
}
