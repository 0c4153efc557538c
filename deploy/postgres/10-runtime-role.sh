#!/bin/sh
# First start of the database volume: create the runtime role web, worker and beat connect as.
# It owns nothing; `manage.py grant_runtime_role` (run by the migrate service) gives it its rights.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE portal_app LOGIN PASSWORD '${PORTAL_APP_DB_PASSWORD}';
GRANT CONNECT ON DATABASE "${POSTGRES_DB}" TO portal_app;
SQL
