#!/usr/bin/env bash
# Conformance: the official AWS SDK for JavaScript against the emulator (Release build), with signature checking on.
# Needs $SCHEDULER_TEST_POSTGRES (a superuser connection string, Npgsql form). Last line: "conformance: N passed, M failed".
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
finish() { echo "conformance: $1 passed, $2 failed"; exit "$([ "$2" -eq 0 ] && echo 0 || echo 1)"; }

if [ -z "${SCHEDULER_TEST_POSTGRES:-}" ]; then
  echo "SCHEDULER_TEST_POSTGRES is not set (a superuser connection string, e.g. Host=127.0.0.1;Port=5432;Username=postgres)" >&2
  finish 0 1
fi

# Npgsql "Key=Value;..." -> libpq environment for psql.
unset PGHOST PGPORT PGUSER PGPASSWORD
IFS=';' read -ra parts <<< "$SCHEDULER_TEST_POSTGRES"
for part in "${parts[@]}"; do
  key="$(echo "${part%%=*}" | tr '[:upper:]' '[:lower:]' | tr -d ' ')"; value="${part#*=}"
  case "$key" in
    host|server) export PGHOST="$value" ;;
    port) export PGPORT="$value" ;;
    username|user|userid|"user id") export PGUSER="$value" ;;
    password) export PGPASSWORD="$value" ;;
  esac
done
db="conformance_$$_$(date +%s)"
if ! psql -X -q -d postgres -c "CREATE DATABASE \"$db\"" >/dev/null; then
  echo "could not create database $db" >&2; finish 0 1
fi
warehouse="Host=${PGHOST:-127.0.0.1};Port=${PGPORT:-5432};Username=${PGUSER:-postgres};Database=$db"
[ -n "${PGPASSWORD:-}" ] && warehouse="$warehouse;Password=$PGPASSWORD"

dll="$root/src/RedshiftDataEmulator/bin/Release/net10.0/RedshiftDataEmulator.dll"
if [ ! -f "$dll" ]; then
  dotnet build "$root/src/RedshiftDataEmulator" -c Release --nologo -v q >&2 || finish 0 1
fi

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
log="$(mktemp /tmp/conformance-emulator.XXXXXX.log)"
access_key="AKIDCONFORMANCE"; secret_key="conformance-secret-$RANDOM$RANDOM"
# A small cap per workgroup and a quota on an operation no other check uses, for the limits checks.
cap=5; v2_quota=2
dotnet "$dll" --urls "http://127.0.0.1:$port" --ConnectionStrings:Warehouse "$warehouse" \
  --Emulator:AccessKeyId "$access_key" --Emulator:SecretAccessKey "$secret_key" --Emulator:ResultPageRows 2 \
  --Emulator:MaxActiveStatements "$cap" --Emulator:Quotas:GetStatementResultV2 "$v2_quota" \
  --Logging:LogLevel:Default Warning >"$log" 2>&1 &
emulator_pid=$!
cleanup() {
  kill "$emulator_pid" 2>/dev/null; wait "$emulator_pid" 2>/dev/null
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1
  rm -f "$log"
}
trap cleanup EXIT

for _ in $(seq 1 150); do
  curl -fs "http://127.0.0.1:$port/_emulator/health" >/dev/null 2>&1 && break
  if ! kill -0 "$emulator_pid" 2>/dev/null; then echo "the emulator exited:" >&2; cat "$log" >&2; finish 0 1; fi
  sleep 0.2
done

if [ ! -d "$here/node_modules/@aws-sdk/client-redshift-data" ]; then
  (cd "$here" && npm ci --no-audit --no-fund >&2) || finish 0 1
fi

out="$(mktemp)"
EMULATOR_URL="http://127.0.0.1:$port" EMULATOR_ACCESS_KEY_ID="$access_key" EMULATOR_SECRET_ACCESS_KEY="$secret_key" \
  EMULATOR_CAP="$cap" EMULATOR_V2_QUOTA="$v2_quota" node "$here/checks.mjs" | tee "$out"
line="$(grep -E '^checks: [0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)"
rm -f "$out"
if [ -z "$line" ]; then
  echo "the node checks did not finish; emulator log:" >&2; tail -n 50 "$log" >&2; finish 0 1
fi
p="$(echo "$line" | sed -E 's/^checks: ([0-9]+) passed.*/\1/')"; f="$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')"
[ "$f" -eq 0 ] || { echo "emulator log (tail):" >&2; tail -n 30 "$log" >&2; }
finish "$p" "$f"
