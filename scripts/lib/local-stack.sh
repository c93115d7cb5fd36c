# Sourced by scripts/run-local (and by the PostgreSQL container of docker-compose.yml for the warehouse part):
# helpers to start and stop the local stack's processes and to prepare its databases.

# ls_port_in_use PORT -> true when something accepts connections on 127.0.0.1:PORT.
ls_port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# ls_postgres_dir STATE -> prints where the cluster lives: STATE/postgres, or, when running as root and the
# `postgres` user cannot reach STATE (e.g. a clone under /root), a folder under /var/tmp remembered in
# STATE/postgres.location so that every later run finds the same data.
ls_postgres_dir() {
  local state="$1" dir="$1/postgres"
  if [ -f "$state/postgres.location" ]; then
    cat "$state/postgres.location"; return 0
  fi
  local owner
  owner="$(pg_run_as_user)"
  if [ -n "$owner" ]; then
    mkdir -p "$dir" && chown "$owner" "$dir" || return 1
    if ! runuser -u "$owner" -- test -w "$dir" 2>/dev/null; then
      local alt
      alt="/var/tmp/scheduler-local-$(printf '%s' "$state" | sha256sum | cut -c1-12)"
      echo "note: the '$owner' user cannot reach $dir (a parent folder is closed to it), so PostgreSQL keeps its" >&2
      echo "      data in $alt (recorded in $state/postgres.location)." >&2
      rmdir "$dir" 2>/dev/null
      mkdir -p "$alt" && chmod 700 "$alt" && chown "$owner" "$alt" || return 1
      echo "$alt" >"$state/postgres.location"
      dir="$alt"
    fi
  fi
  echo "$dir"
}

# ls_start_child LOG WORKDIR CMD... -> starts CMD in the background in its own session (so a terminal's Ctrl+C
# reaches only this script, which then stops the services in order) and sets LS_CHILD_PID. If this script is
# killed outright, the kernel sends the child SIGTERM (parent-death signal), so nothing outlives it.
ls_start_child() {
  local log="$1" workdir="$2"; shift 2
  local wrap=()
  command -v setsid >/dev/null 2>&1 && wrap+=(setsid)
  if setpriv --help 2>/dev/null | grep -q -- --pdeathsig; then wrap+=(setpriv --pdeathsig TERM --); fi
  # The subshell execs into the command, so $! is the service's own pid (not a wrapper's).
  (cd "$workdir" && exec "${wrap[@]}" "$@") >"$log" 2>&1 </dev/null 9>&- &
  LS_CHILD_PID=$!
}

# ls_stop_child NAME PID -> SIGTERM (graceful shutdown), then SIGKILL after 30 s.
ls_stop_child() {
  local name="$1" pid="$2"
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null
    echo "  $name did not stop within 30 s: killed"
  else
    echo "  $name stopped"
  fi
  wait "$pid" 2>/dev/null
  return 0
}

# ls_http_status URL -> prints the HTTP status code of a GET (000 when nothing answers).
ls_http_status() {
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -m 5 -w '%{http_code}' "$1" 2>/dev/null || true
    return 0
  fi
  # No curl on a fresh machine: speak HTTP/1.0 over bash's /dev/tcp.
  local rest="${1#http://}"
  local hostport="${rest%%/*}" path="/${rest#*/}"
  timeout 5 bash -c '
    exec 3<>"/dev/tcp/${1%:*}/${1##*:}" || exit 1
    printf "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" "$2" "$1" >&3
    read -r proto code rest <&3 && printf "%s" "$code"' _ "$hostport" "$path" 2>/dev/null || printf '000'
}

# ls_wait_http NAME PID URL LOG -> waits (up to 120 s) until URL answers 200 while PID is alive.
ls_wait_http() {
  local name="$1" pid="$2" url="$3" log="$4" status="000"
  local deadline=$((SECONDS + 120))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "run-local: the $name exited during start-up; last lines of $log:" >&2
      tail -n 40 "$log" >&2
      return 1
    fi
    status="$(ls_http_status "$url")"
    [ "$status" = "200" ] && return 0
    sleep 0.5
  done
  echo "run-local: the $name did not answer 200 at $url within 120 s (last: $status); last lines of $log:" >&2
  tail -n 40 "$log" >&2
  return 1
}

# ls_psql CONNINFO ARGS... -> psql without ~/.psqlrc, stopping at the first error.
ls_psql() {
  local conninfo="$1"; shift
  local psql="psql"
  if [ -n "${PG_BIN:-}" ] && [ -x "$PG_BIN/psql" ]; then psql="$PG_BIN/psql"; fi
  PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" "$psql" -X -q -v ON_ERROR_STOP=1 "$conninfo" "$@"
}

# ls_prepare_databases ADMIN_CONNINFO SQL_LOCAL_DIR SEED_ORDERS -> creates the `scheduler` and `warehouse`
# databases when missing, then loads the sample warehouse once (see ls_seed_warehouse).
ls_prepare_databases() {
  local admin="$1" sql_dir="$2" orders="$3" db
  for db in scheduler warehouse; do
    if [ "$(ls_psql "$admin" -tA -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
      ls_psql "$admin" -c "CREATE DATABASE $db" || return 1
    fi
  done
  ls_seed_warehouse "$admin" "${admin/dbname=postgres/dbname=warehouse}" "$sql_dir" "$orders"
}

# ls_seed_warehouse ADMIN_CONNINFO WAREHOUSE_CONNINFO SQL_LOCAL_DIR SEED_ORDERS -> runs sql/local/schema.sql, then
# the other sql/local/*.sql in name order, in one transaction, with the setting seed.orders; marks the database as seeded in the same
# transaction (a comment on it), so a second run, or a run after a crash half way, does the right thing.
ls_seed_warehouse() {
  local admin="$1" warehouse="$2" sql_dir="$3" orders="$4"
  local marker
  marker="$(ls_psql "$admin" -tA -c "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = 'warehouse'")"
  case "$marker" in
    "seeded by run-local"*) echo "Warehouse already loaded ($marker): reusing it."; return 0 ;;
  esac
  [[ "$orders" =~ ^[0-9]+$ ]] || { echo "SEED_ORDERS must be a whole number, got '$orders'" >&2; return 1; }
  [ -f "$sql_dir/schema.sql" ] || { echo "$sql_dir/schema.sql is missing" >&2; return 1; }
  local files=("$sql_dir/schema.sql") f
  for f in "$sql_dir"/*.sql; do [ "$f" = "$sql_dir/schema.sql" ] || files+=("$f"); done
  echo "Loading the sample warehouse ($orders orders; done once, kept for later runs)..."
  local started=$SECONDS args=()
  for f in "${files[@]}"; do args+=(-f "$f"); done
  # sql/local/seed.sql reads the order count from the setting seed.orders.
  ls_psql "$warehouse" --single-transaction -c "SET seed.orders = '$orders'" "${args[@]}" \
    -c "COMMENT ON DATABASE warehouse IS 'seeded by run-local: $orders orders'" || return 1
  echo "Warehouse loaded in $((SECONDS - started)) s."
}
