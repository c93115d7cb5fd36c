# Sourced by scripts: find, install, start and stop a project-local PostgreSQL cluster.
#
# pg_start DIR PORT  -> initialises DIR/data unless it already holds a cluster (so a second start reuses the data),
#                       starts it on 127.0.0.1:PORT and exports PG_BIN, PG_DIR, PG_PORT, PG_RUN_AS.
#                       PG_SUPERUSER_PASSWORD (optional) makes a new cluster require it (scram-sha-256, socket and TCP)
#                       instead of trusting every local connection (the default, for throwaway test clusters).
#                       PG_OPTIONS (optional) replaces the throughput settings below, e.g. PG_OPTIONS="" keeps
#                       PostgreSQL's durable defaults (fsync on) for data that should survive a machine crash.
# pg_run DIR PORT    -> the same, with the server as a child of the caller that dies with it (see below); PG_PID.
# pg_stop            -> stops the cluster started by pg_start or pg_run (fast shutdown: open sessions are ended).
# pg_running DIR     -> true when a server is running on DIR/data.
# pg_ensure_server   -> makes sure the server binaries are installed (apt-get as root on Debian/Ubuntu).
# pg_free_port       -> prints a free TCP port on 127.0.0.1.
# pg_as CMD...       -> runs CMD as the cluster's owner.
#
# PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user (the folder is chowned).

PG_DEFAULT_OPTIONS="-c max_connections=500 -c shared_buffers=256MB -c fsync=off -c synchronous_commit=off -c full_page_writes=off"

pg_find_bin() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    # Resolve links (e.g. /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb): the tools beside it are needed.
    dirname "$(readlink -f "$(command -v initdb)")"; return 0
  fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  done
  return 1
}

pg_ensure_server() {
  pg_find_bin >/dev/null && return 0
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin." >&2
    echo "Install them, e.g.: sudo apt-get install postgresql" >&2
    return 1
  fi
  echo "Installing PostgreSQL from the OS packages (apt-get install postgresql)..." >&2
  local log
  log="$(mktemp /tmp/pg-apt.XXXXXX.log)"
  # The package's own cluster (main, port 5432) is not needed: ours lives in the project folder.
  if ! (export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql postgresql-client) >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "apt-get install postgresql failed (full log: $log)" >&2
    return 1
  fi
  rm -f "$log"
  pg_find_bin >/dev/null || { echo "postgresql installed but initdb not found" >&2; return 1; }
}

pg_run_as_user() {
  if [ "$(id -u)" = "0" ]; then echo postgres; fi
}

pg_as() {
  if [ -n "${PG_RUN_AS:-}" ]; then runuser -u "$PG_RUN_AS" -- "$@"; else "$@"; fi
}

pg_free_port() {
  python3 - <<'PY' 2>/dev/null || echo $(( 20000 + RANDOM % 20000 ))
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

pg_running() {
  local bin
  bin="${PG_BIN:-$(pg_find_bin)}" || return 1
  [ -f "$1/data/postmaster.pid" ] || return 1
  PG_RUN_AS="${PG_RUN_AS-$(pg_run_as_user)}" pg_as "$bin/pg_ctl" -D "$1/data" status >/dev/null 2>&1
}

# pg_init DIR -> prepares DIR (owned by the cluster's user) and initialises DIR/data unless it holds a cluster.
pg_init() {
  PG_DIR="$1"
  PG_BIN="$(pg_find_bin)" || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; return 1; }
  PG_RUN_AS="$(pg_run_as_user)"
  mkdir -p "$PG_DIR"
  if [ -n "$PG_RUN_AS" ]; then
    if ! id "$PG_RUN_AS" >/dev/null 2>&1; then
      echo "Running as root, but there is no '$PG_RUN_AS' user to own the cluster (PostgreSQL refuses root)." >&2
      return 1
    fi
    chown -R "$PG_RUN_AS" "$PG_DIR"
    if ! runuser -u "$PG_RUN_AS" -- test -w "$PG_DIR"; then
      echo "The '$PG_RUN_AS' user cannot reach $PG_DIR (a parent folder is not searchable for it)." >&2
      return 1
    fi
  fi
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    rm -rf "$PG_DIR/data"
    local auth=(--auth=trust) pwfile=""
    if [ -n "${PG_SUPERUSER_PASSWORD:-}" ]; then
      # initdb reads the password from a file (never the command line); as root it runs as the cluster's owner.
      pwfile="$(mktemp /tmp/pg-pw.XXXXXX)" && printf '%s\n' "$PG_SUPERUSER_PASSWORD" >"$pwfile" || return 1
      if [ -n "$PG_RUN_AS" ]; then chown "$PG_RUN_AS" "$pwfile"; fi
      auth=(--auth=scram-sha-256 --pwfile="$pwfile")
    fi
    pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres "${auth[@]}" --encoding=UTF8 --locale=C --no-sync >"$PG_DIR/initdb.log" 2>&1
    local status=$?
    if [ -n "$pwfile" ]; then rm -f "$pwfile"; fi
    [ "$status" -eq 0 ] || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  fi
  export PG_BIN PG_DIR PG_RUN_AS
}

# The server's command-line settings for pg_start (pg_ctl passes them through a shell).
pg_server_options() {
  # A Unix socket path is limited to 107 bytes; with a deep folder, listen on TCP only.
  local socket_dir="$PG_DIR"
  if [ "${#PG_DIR}" -gt 80 ]; then socket_dir="''"; fi
  echo "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$socket_dir ${PG_OPTIONS-$PG_DEFAULT_OPTIONS}"
}

pg_start() {
  pg_init "$1" || return 1
  PG_PORT="$2"
  pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 -o "$(pg_server_options)" \
    start >/dev/null || { tail -n 30 "$PG_DIR/server.log" >&2; return 1; }
  export PG_PORT
}

# pg_run DIR PORT -> like pg_start, but the server is a child of the calling shell instead of a daemon: in its own
# session (a terminal's Ctrl+C reaches only the caller, which stops things in order) and with a parent-death signal,
# so that even if the caller is killed outright the server shuts down (fast) rather than outliving it.
# Sets PG_PID. Close inherited descriptors the server must not hold (e.g. a lock) with a redirection on the call.
pg_run() {
  pg_init "$1" || return 1
  PG_PORT="$2"
  local as_owner=()
  if [ -n "$PG_RUN_AS" ]; then as_owner=(setpriv --reuid="$PG_RUN_AS" --regid="$PG_RUN_AS" --init-groups --); fi
  # The parent-death signal is set after the user change: the kernel clears it when credentials change.
  local socket_dir="$PG_DIR" tuning
  if [ "${#PG_DIR}" -gt 80 ]; then socket_dir=""; fi
  read -r -a tuning <<<"${PG_OPTIONS-$PG_DEFAULT_OPTIONS}"
  setsid "${as_owner[@]}" setpriv --pdeathsig INT -- "$PG_BIN/postgres" -D "$PG_DIR/data" -p "$PG_PORT" \
    -c listen_addresses=127.0.0.1 -c "unix_socket_directories=$socket_dir" "${tuning[@]}" \
    >>"$PG_DIR/server.log" 2>&1 </dev/null &
  PG_PID=$!
  export PG_PID PG_PORT
  local deadline=$((SECONDS + 60))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ! kill -0 "$PG_PID" 2>/dev/null; then
      tail -n 30 "$PG_DIR/server.log" >&2; PG_PID=""; return 1
    fi
    if pg_accepts_connections; then return 0; fi
    sleep 0.2
  done
  echo "PostgreSQL did not accept connections within 60 s; last lines of $PG_DIR/server.log:" >&2
  tail -n 30 "$PG_DIR/server.log" >&2
  return 1
}

pg_accepts_connections() {
  local isready="$PG_BIN/pg_isready"
  [ -x "$isready" ] || isready="$(command -v pg_isready)" || isready=""
  if [ -n "$isready" ]; then
    "$isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null
  fi
}

pg_stop() {
  if [ -n "${PG_PID:-}" ]; then
    # Started by pg_run: SIGINT is PostgreSQL's fast shutdown; SIGQUIT (immediate) if it takes over 60 s.
    kill -INT "$PG_PID" 2>/dev/null
    local deadline=$((SECONDS + 60))
    while kill -0 "$PG_PID" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    kill -0 "$PG_PID" 2>/dev/null && kill -QUIT "$PG_PID" 2>/dev/null
    wait "$PG_PID" 2>/dev/null
    PG_PID=""
  elif [ -n "${PG_DIR:-}" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop >/dev/null 2>&1 \
      || pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
}
