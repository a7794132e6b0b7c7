-- Roles and databases of a jointcheck installation (run by deploy/postgres/roles.sh as the superuser; idempotent:
-- it runs on every `docker compose up`, so a changed password file takes effect).
--   :owner     owns jointcheck's database and schema; `jointcheck migrate` connects as it
--   :app       the API and the worker; `jointcheck migrate` grants it rows only (store/grants.py)
--   :temporal  the Temporal server; owns its two databases, nothing else
-- psql variables: owner, app, temporal, database, temporal_db, visibility_db (names) and owner_password,
-- app_password, temporal_password (quoted as literals here, so any character is safe).
\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I', name) FROM unnest(ARRAY[:'owner', :'app', :'temporal']) AS name
    WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = name) \gexec

ALTER ROLE :"owner" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
ALTER ROLE :"app" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
ALTER ROLE :"temporal" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'temporal_password';

SELECT format('CREATE DATABASE %I OWNER %I', db, owner)
    FROM (VALUES (:'database', :'owner'), (:'temporal_db', :'temporal'), (:'visibility_db', :'temporal'))
         AS wanted(db, owner)
    WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = db) \gexec

-- Nobody else connects to these databases; the app role only to jointcheck's (TEMPORARY: bulk import stages rows
-- in a temporary table).
REVOKE ALL ON DATABASE :"database", :"temporal_db", :"visibility_db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"database" TO :"app";
