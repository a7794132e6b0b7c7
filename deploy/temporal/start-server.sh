#!/bin/sh
# The Temporal server reads its database password from POSTGRES_PWD only: take it from the compose secret, so it is
# never in docker-compose.yml, `docker inspect` or the shell history. Then the image's own entrypoint.
set -eu
POSTGRES_PWD=$(cat /run/secrets/temporal_db_password)
export POSTGRES_PWD
exec /etc/temporal/entrypoint.sh
