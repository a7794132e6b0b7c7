#!/bin/sh
# The compose job `db-roles`: deploy/postgres/roles.sql as the superuser, passwords read from the compose secrets.
set -eu
PGPASSWORD=$(cat /run/secrets/postgres_password)
export PGPASSWORD
exec psql --no-psqlrc --quiet -h "$PGHOST" -U postgres -d postgres \
    -v owner=jointcheck_owner -v app=jointcheck_app -v temporal=temporal \
    -v database=jointcheck -v temporal_db=temporal -v visibility_db=temporal_visibility \
    -v owner_password="$(cat /run/secrets/jointcheck_owner_db_password)" \
    -v app_password="$(cat /run/secrets/jointcheck_app_db_password)" \
    -v temporal_password="$(cat /run/secrets/temporal_db_password)" \
    -f /deploy/postgres/roles.sql
