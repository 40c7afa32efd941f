#!/usr/bin/env bash
# Creates the six service databases, each owned by its own login role, on a fresh PostgreSQL
# (run once by the postgres image from /docker-entrypoint-initdb.d; safe to re-run by hand:
#   PGHOST=... PGUSER=postgres ./init-databases.sh).
# Passwords come from the environment: USER_DB_PASSWORD, VEHICLE_DB_PASSWORD, CREDIT_DB_PASSWORD,
# PAYMENT_DB_PASSWORD, TELEMATICS_DB_PASSWORD, SUPPORT_DB_PASSWORD (scripts/generate-secrets.sh).
# Roles: <service>_svc owns <service>db and can reach no other database; a read-only
# monitoring role (pg_monitor) is used by the exporter; backup uses the postgres superuser.
set -euo pipefail

PSQL=(psql -v ON_ERROR_STOP=1 -qAtX --username "${POSTGRES_USER:-postgres}" --dbname postgres)

for svc in user vehicle credit payment telematics support; do
  var=${svc^^}_DB_PASSWORD
  pw=${!var:?$var is not set}
  "${PSQL[@]}" -v role="${svc}_svc" -v db="${svc}db" -v pw="$pw" << 'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role')\gexec
ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'pw';
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db')\gexec
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"role";
SQL
done

if [ -n "${MONITORING_DB_PASSWORD:-}" ]; then
  "${PSQL[@]}" -v pw="$MONITORING_DB_PASSWORD" << 'SQL'
SELECT 'CREATE ROLE monitoring LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'monitoring')\gexec
ALTER ROLE monitoring WITH LOGIN PASSWORD :'pw';
GRANT pg_monitor TO monitoring;
SQL
fi
echo "init-databases: userdb vehicledb creditdb paymentdb telematicsdb supportdb ready"
