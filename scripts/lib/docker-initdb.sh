#!/usr/bin/env bash
# Run once by the postgres container of docker-compose.yml (mounted into /docker-entrypoint-initdb.d), when its
# volume is empty: creates the `scheduler` and `warehouse` databases and loads the sample warehouse (sql/local/),
# with the same code as scripts/run-local.
set -euo pipefail
. /scheduler/scripts/lib/local-stack.sh
ls_prepare_databases "user=${POSTGRES_USER:-postgres} dbname=postgres" /scheduler/sql/local "${SEED_ORDERS:-500000}"
