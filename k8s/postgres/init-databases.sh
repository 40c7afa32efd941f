#!/usr/bin/env bash
# Creates the six service databases and two login roles per service on a PostgreSQL server
# (run once by the postgres image from /docker-entrypoint-initdb.d, by scripts/infra.sh on every
# start of the local infrastructure, and by the Kubernetes init Job; safe to re-run:
#   PGHOST=... PGUSER=postgres ./init-databases.sh).
#
# Roles, for each service <svc> (user vehicle credit payment telematics support):
#   <svc>_svc  owns <svc>db: the migrations run as this role (DATABASE_MIGRATION_URL). Password
#              <SVC>_DB_PASSWORD.
#   <svc>_app  what the running service connects as (DATABASE_URL). It owns nothing and may
#              only connect to <svc>db; the service, migrating as the owner, grants it SELECT,
#              INSERT, UPDATE and DELETE on its tables, and only SELECT and INSERT on the tables
#              whose triggers make them append-only (the payment journal): it can neither update
#              them nor disable their triggers. Password <SVC>_DB_APP_PASSWORD.
# Neither role can reach another service's database. A read-only monitoring role (pg_monitor)
# is made when MONITORING_DB_PASSWORD is set; backups use the postgres superuser.
# SERVICES (blank-separated) limits the run to some of the services.
set -euo pipefail

PSQL=(psql -v ON_ERROR_STOP=1 -qAtX --username "${POSTGRES_USER:-postgres}" --dbname postgres)

for svc in ${SERVICES:-user vehicle credit payment telematics support}; do
  owner_var=${svc^^}_DB_PASSWORD app_var=${svc^^}_DB_APP_PASSWORD
  owner_pw=${!owner_var:?$owner_var is not set}
  app_pw=${!app_var:?$app_var is not set}
  "${PSQL[@]}" -v owner="${svc}_svc" -v app="${svc}_app" -v db="${svc}db" \
    -v owner_pw="$owner_pw" -v app_pw="$app_pw" << 'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'owner') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'owner')\gexec
ALTER ROLE :"owner" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'owner_pw';
SELECT format('CREATE ROLE %I LOGIN', :'app') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app')\gexec
ALTER ROLE :"app" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT PASSWORD :'app_pw';
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db')\gexec
ALTER DATABASE :"db" OWNER TO :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"owner", :"app";
SQL
  # In the database itself: nobody but the owner creates objects in its schema.
  psql -v ON_ERROR_STOP=1 -qAtX --username "${POSTGRES_USER:-postgres}" --dbname "${svc}db" \
    -v owner="${svc}_svc" -v app="${svc}_app" << 'SQL'
ALTER SCHEMA public OWNER TO :"owner";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
SQL
done

if [ -n "${MONITORING_DB_PASSWORD:-}" ]; then
  "${PSQL[@]}" -v pw="$MONITORING_DB_PASSWORD" << 'SQL'
SELECT 'CREATE ROLE monitoring LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'monitoring')\gexec
ALTER ROLE monitoring WITH LOGIN PASSWORD :'pw';
GRANT pg_monitor TO monitoring;
SQL
fi
echo "init-databases: ready: ${SERVICES:-user vehicle credit payment telematics support}"
