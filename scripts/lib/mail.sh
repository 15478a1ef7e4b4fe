# shellcheck shell=bash disable=SC2154 # hotline_root, hotline_state: set by services.sh
# Local mail servers for the email adapter: a project-local Dovecot (IMAP) and an aiosmtpd SMTP
# sink, both on loopback, never the system services. Sourced after scripts/lib/services.sh
# (say, as_root, apt_install, state_dir, hotline_root, hotline_state), by scripts/test and by
# scripts/run when email is enabled.
#
#   ensure_mail_packages                         dovecot-imapd and python3-aiosmtpd (apt)
#   start_test_dovecot DIR PORT USER PASSWORD    prints the PID; stop_test_dovecot DIR
#   start_smtp_sink DIR PORT                     prints the PID; stop_smtp_sink DIR
#   start_test_mail_servers                      both, under .hotline/test-mail/, and exports
#                                                HOTLINE_TEST_{IMAP_PORT,IMAP_USER,IMAP_PASSWORD,
#                                                SMTP_PORT,MAIL_DIR}; stop_test_mail_servers
#
# The SMTP sink stores every message it accepts as DIR/messages/<n>.eml (n = 1, 2, ...; written
# whole, then renamed in), its envelope as DIR/envelopes/<n>.json, and answers
# `451 4.3.0 try again later` to the next N messages while DIR/fail_next holds N (it counts down).

# Debian's python3, which python3-aiosmtpd installs into (python3 on PATH may be pyenv's).
mail_python() {
  if [ -x /usr/bin/python3 ]; then echo /usr/bin/python3; else command -v python3; fi
}

mail_dovecot_bin() {
  if [ -x /usr/sbin/dovecot ]; then echo /usr/sbin/dovecot; else command -v dovecot; fi
}

# Is something listening on 127.0.0.1:PORT?
mail_port_open() {
  (: <>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Stops and disables the system Dovecot that Debian's package enables (and, without a
# policy-rc.d, starts) on install: we only ever run our own instance, on a high loopback port.
mail_disable_system_dovecot() {
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    as_root systemctl disable --now dovecot.service dovecot.socket >/dev/null 2>&1 || true
  fi
  if [ -x /etc/init.d/dovecot ]; then
    as_root /etc/init.d/dovecot stop >/dev/null 2>&1 || true
    as_root update-rc.d dovecot disable >/dev/null 2>&1 || true
  fi
}

ensure_mail_packages() {
  local missing=()
  if [ -z "$(mail_dovecot_bin)" ] || [ ! -x /usr/lib/dovecot/imap ]; then
    missing+=(dovecot-imapd)
  fi
  if ! "$(mail_python)" -c 'import aiosmtpd' >/dev/null 2>&1; then
    missing+=(python3-aiosmtpd)
  fi
  [ ${#missing[@]} -gt 0 ] || return 0
  local had_dovecot="" policy=/usr/sbin/policy-rc.d added_policy="" ok=1
  [ -z "$(mail_dovecot_bin)" ] || had_dovecot=1
  # policy-rc.d answering 101 keeps invoke-rc.d (and deb-systemd-invoke) from starting the
  # system service during the install. One already there (containers have one) is left alone.
  if [ ! -e "$policy" ]; then
    if printf '#!/bin/sh\n# hotline (scripts/lib/mail.sh): start no service during this install\nexit 101\n' |
      as_root tee "$policy" >/dev/null && as_root chmod 755 "$policy"; then
      added_policy=1
    fi
  fi
  apt_install "${missing[@]}" || ok=""
  [ -z "$added_policy" ] || as_root rm -f "$policy"
  [ -n "$ok" ] || return 1
  # A Dovecot that was installed before is someone's mail server: leave it as it is.
  [ -n "$had_dovecot" ] || mail_disable_system_dovecot
  if [ -z "$(mail_dovecot_bin)" ] || ! "$(mail_python)" -c 'import aiosmtpd' >/dev/null 2>&1; then
    say "dovecot or aiosmtpd is still missing after installing ${missing[*]}"
    return 1
  fi
}

# A directory as an absolute path, created if needed; refuses characters that would need
# quoting in dovecot.conf or the sed below.
mail_dir() {
  case "$1" in
    "" | *[!A-Za-z0-9_./-]*)
      say "mail server directory '$1': use only letters, digits and _ . / -"
      return 1
      ;;
  esac
  mkdir -p "$1" && (cd "$1" && pwd)
}

mail_check_port() {
  case "$1" in
    "" | *[!0-9]*) say "not a port: '$1'"; return 1 ;;
  esac
  if mail_port_open "$1"; then
    say "port $1 on 127.0.0.1 is already in use"
    return 1
  fi
}

# The PID in FILE if that process is alive and its command is NAME.
mail_live_pid() {
  local file=$1 name=$2 pid cmdline
  [ -s "$file" ] || return 1
  pid=$(cat "$file")
  case "$pid" in "" | *[!0-9]*) return 1 ;; esac
  cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
  case "$cmdline" in *"$name"*) echo "$pid" ;; *) return 1 ;; esac
}

# Sends SIGTERM to the PID in FILE (if it is still NAME) and waits for it to exit.
mail_stop_pid() {
  local file=$1 name=$2 pid _
  if pid=$(mail_live_pid "$file" "$name"); then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name (pid $pid) did not stop on SIGTERM; killing it"
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$file"
}

# start_test_dovecot DIR PORT USER PASSWORD: a Dovecot of our own, IMAP on 127.0.0.1:PORT
# (no TLS), one user, maildir under DIR; prints the master's PID. DIR/dovecot.log is its log.
start_test_dovecot() {
  if [ $# -ne 4 ]; then
    say "usage: start_test_dovecot DIR PORT USER PASSWORD"
    return 1
  fi
  local dir port=$2 user=$3 password=$4
  dir=$(mail_dir "$1") || return 1
  case "$user$password" in
    *[:[:space:]]* | *[!\ -~]*)
      say "start_test_dovecot: the user and password must be printable ASCII without ':' or spaces"
      return 1
      ;;
  esac
  if [ -z "$user" ] || [ -z "$password" ]; then
    say "start_test_dovecot: empty user or password"
    return 1
  fi
  stop_test_dovecot "$dir"
  mail_check_port "$port" || return 1
  local bin
  bin=$(mail_dovecot_bin)
  [ -n "$bin" ] || { say "dovecot is not installed (ensure_mail_packages)"; return 1; }

  local mail_uid mail_gid login_user internal_user internal_group auth_user mail_chroot mail_home
  local login_chroot
  if [ "$(id -u)" -eq 0 ]; then
    # Dovecot refuses mail access as root: mail as nobody, chrooted (see dovecot.conf).
    mail_uid=$(id -u nobody) && mail_gid=$(id -g nobody) || return 1
    login_user=nobody internal_user=nobody internal_group=nogroup
    id dovenull >/dev/null 2>&1 && login_user=dovenull
    id dovecot >/dev/null 2>&1 && internal_user=dovecot internal_group=$(id -gn dovecot)
    auth_user=root mail_chroot="$dir/mail" mail_home=/home login_chroot=login
  else
    # Not root: Dovecot cannot change users or chroot, so everything runs as us.
    mail_uid=$(id -u) mail_gid=$(id -g)
    login_user=$(id -un) internal_user=$(id -un) internal_group=$(id -gn) auth_user=$(id -un)
    mail_chroot="" mail_home="$dir/mail/home" login_chroot=""
  fi

  rm -rf "$dir/run" "$dir/state"
  mkdir -p "$dir/run" "$dir/state" "$dir/mail/home/$user" || return 1
  chmod 755 "$dir/run" "$dir/mail" "$dir/mail/home" || return 1
  if [ "$(id -u)" -eq 0 ]; then chown -R "$mail_uid:$mail_gid" "$dir/mail/home" || return 1; fi
  (umask 077 && printf '%s:{PLAIN}%s::::::\n' "$user" "$password" >"$dir/passwd") || return 1
  sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|$port|g" \
    -e "s|@MAIL_UID@|$mail_uid|g" -e "s|@MAIL_GID@|$mail_gid|g" \
    -e "s|@LOGIN_USER@|$login_user|g" -e "s|@INTERNAL_USER@|$internal_user|g" \
    -e "s|@INTERNAL_GROUP@|$internal_group|g" \
    -e "s|@AUTH_USER@|$auth_user|g" -e "s|@MAIL_CHROOT@|$mail_chroot|g" \
    -e "s|@MAIL_HOME@|$mail_home|g" -e "s|@LOGIN_CHROOT@|$login_chroot|g" \
    "$hotline_root/config/mail/dovecot.conf" >"$dir/dovecot.conf" || return 1
  : >"$dir/dovecot.log"

  "$bin" -F -c "$dir/dovecot.conf" </dev/null >>"$dir/dovecot.log" 2>&1 &
  local pid=$! _
  echo "$pid" >"$dir/dovecot.pid"
  # Ready once the greeting says so (the first seconds it may say it waits for auth).
  for _ in $(seq 1 100); do
    if ! kill -0 "$pid" 2>/dev/null; then
      say "dovecot exited at start; its log ($dir/dovecot.log) ends:"
      tail -n 5 "$dir/dovecot.log" >&2
      rm -f "$dir/dovecot.pid"
      return 1
    fi
    if mail_imap_ready "$port"; then
      echo "$pid"
      return 0
    fi
    sleep 0.1
  done
  say "dovecot did not answer on 127.0.0.1:$port (see $dir/dovecot.log)"
  stop_test_dovecot "$dir"
  return 1
}

mail_imap_ready() {
  local line
  line=$(
    exec 2>/dev/null
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    IFS= read -r -t 2 greeting <&3 || exit 1
    printf 'x LOGOUT\r\n' >&3 2>/dev/null
    printf '%s' "$greeting"
  ) || return 1
  case "$line" in
    "* OK "*ready*) return 0 ;;
    *) return 1 ;;
  esac
}

# stop_test_dovecot DIR
stop_test_dovecot() {
  [ -n "${1:-}" ] || { say "usage: stop_test_dovecot DIR"; return 1; }
  mail_stop_pid "$1/dovecot.pid" dovecot
}

# start_smtp_sink DIR PORT: config/mail/smtp_sink.py on 127.0.0.1:PORT; prints its PID.
start_smtp_sink() {
  if [ $# -ne 2 ]; then
    say "usage: start_smtp_sink DIR PORT"
    return 1
  fi
  local dir port=$2
  dir=$(mail_dir "$1") || return 1
  stop_smtp_sink "$dir"
  mail_check_port "$port" || return 1
  mkdir -p "$dir/messages" "$dir/envelopes" || return 1
  : >"$dir/smtp_sink.log"
  "$(mail_python)" "$hotline_root/config/mail/smtp_sink.py" --dir "$dir" --port "$port" \
    </dev/null >>"$dir/smtp_sink.log" 2>&1 &
  local pid=$! _
  echo "$pid" >"$dir/smtp_sink.pid"
  for _ in $(seq 1 100); do
    if ! kill -0 "$pid" 2>/dev/null; then
      say "the SMTP sink exited at start; its log ($dir/smtp_sink.log) ends:"
      tail -n 5 "$dir/smtp_sink.log" >&2
      rm -f "$dir/smtp_sink.pid"
      return 1
    fi
    if mail_port_open "$port"; then
      echo "$pid"
      return 0
    fi
    sleep 0.1
  done
  say "the SMTP sink did not listen on 127.0.0.1:$port (see $dir/smtp_sink.log)"
  stop_smtp_sink "$dir"
  return 1
}

# stop_smtp_sink DIR
stop_smtp_sink() {
  [ -n "${1:-}" ] || { say "usage: stop_smtp_sink DIR"; return 1; }
  mail_stop_pid "$1/smtp_sink.pid" smtp_sink.py
}

# The first port from START on that nothing listens on (tries 50).
mail_free_port() {
  local port
  for port in $(seq "$1" $(($1 + 49))); do
    if ! mail_port_open "$port"; then
      echo "$port"
      return 0
    fi
  done
  say "no free port in $1-$(($1 + 49))"
  return 1
}

# Both servers, fresh (an empty mailbox, no stored messages), under .hotline/test-mail/:
# imap/ for Dovecot, smtp/ for the sink. Exports for the tests:
#   HOTLINE_TEST_IMAP_PORT, HOTLINE_TEST_IMAP_USER, HOTLINE_TEST_IMAP_PASSWORD,
#   HOTLINE_TEST_SMTP_PORT, and HOTLINE_TEST_MAIL_DIR (the sink's directory: messages/,
#   envelopes/, fail_next).
start_test_mail_servers() {
  ensure_mail_packages || return 1
  state_dir || return 1
  local dir="$hotline_state/test-mail" imap_port smtp_port password
  stop_test_mail_servers
  rm -rf "$dir"
  mkdir -p "$dir" || return 1
  password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  imap_port=$(mail_free_port 31430) || return 1
  start_test_dovecot "$dir/imap" "$imap_port" hotline-test "$password" >/dev/null || return 1
  smtp_port=$(mail_free_port 31025) || return 1
  if ! start_smtp_sink "$dir/smtp" "$smtp_port" >/dev/null; then
    stop_test_dovecot "$dir/imap"
    return 1
  fi
  export HOTLINE_TEST_IMAP_PORT="$imap_port"
  export HOTLINE_TEST_IMAP_USER=hotline-test
  export HOTLINE_TEST_IMAP_PASSWORD="$password"
  export HOTLINE_TEST_SMTP_PORT="$smtp_port"
  export HOTLINE_TEST_MAIL_DIR="$dir/smtp"
  say "test mail servers: IMAP on 127.0.0.1:$imap_port, SMTP sink on 127.0.0.1:$smtp_port ($dir)"
}

stop_test_mail_servers() {
  local dir="$hotline_state/test-mail"
  stop_test_dovecot "$dir/imap"
  stop_smtp_sink "$dir/smtp"
}
