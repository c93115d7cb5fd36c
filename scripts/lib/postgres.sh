# Sourced by scripts: start and stop a project-local PostgreSQL cluster.
# pg_start DIR PORT  -> exports PG_BIN, PG_DIR, PG_PORT, PG_RUN_AS; the cluster listens on 127.0.0.1:PORT.
# pg_stop            -> stops it (immediate).
# PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user.

pg_find_bin() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return 0
  fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  done
  return 1
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

pg_start() {
  PG_DIR="$1"; PG_PORT="$2"
  PG_BIN="$(pg_find_bin)" || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; return 1; }
  PG_RUN_AS=""
  if [ "$(id -u)" = "0" ]; then PG_RUN_AS=postgres; fi
  mkdir -p "$PG_DIR"
  if [ -n "$PG_RUN_AS" ]; then chown -R "$PG_RUN_AS" "$PG_DIR"; fi
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --encoding=UTF8 --locale=C --no-sync >"$PG_DIR/initdb.log" 2>&1 \
      || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  fi
  pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_DIR -c max_connections=500 -c shared_buffers=256MB -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { tail -n 30 "$PG_DIR/server.log" >&2; return 1; }
  export PG_BIN PG_DIR PG_PORT PG_RUN_AS
}

pg_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}
