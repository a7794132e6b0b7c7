#!/bin/sh
# Temporal's schemas in its own databases, as its own role (run by the compose job `temporal-schema` with the
# temporalio/admin-tools image of the server's version). setup-schema -v 0.0 only starts an empty database;
# update-schema applies each newer versioned script once: so the job runs on every `docker compose up`, and after a
# server upgrade (admin-tools bumped with it) brings the schemas to the new version before the server starts.
set -eu
SQL_PASSWORD=$(cat /run/secrets/temporal_db_password)
export SQL_PASSWORD
schemas=/etc/temporal/schema/postgresql/v12
for pair in "temporal:temporal" "temporal_visibility:visibility"; do
    database=${pair%%:*}
    schema=${pair##*:}
    temporal-sql-tool --plugin postgres12 --ep "$SQL_HOST" -p "$SQL_PORT" -u "$SQL_USER" --db "$database" \
        setup-schema -v 0.0
    temporal-sql-tool --plugin postgres12 --ep "$SQL_HOST" -p "$SQL_PORT" -u "$SQL_USER" --db "$database" \
        update-schema -d "$schemas/$schema/versioned"
done
echo "Temporal schemas are at the version of this admin-tools image"
