#!/usr/bin/env bash
# Restores one database from a backup made by scripts/backup.sh into an EMPTY database, then
# checks it: the dump's checksum, the row counts recorded in the backup's MANIFEST, and the
# migrations recorded in schema_migrations against the repository's migration files.
#
#   scripts/restore.sh BACKUP_DIR/20260101T013000Z/paymentdb.dump [TARGET_DB] [--owner ROLE] [--source-db NAME]
#
# TARGET_DB defaults to the dump's name (paymentdb). It is created when missing; when it exists
# it must hold no tables (drop it first, on purpose: see docs/runbooks/restore-a-database.md) and,
# with --owner, belong to that role (as deploy/postgres/init-databases.sh makes it on a new server).
# Connection: libpq environment (PGHOST PGPORT PGUSER PGPASSWORD), a role that may create databases.
# --source-db names the database the dump came from (for the MANIFEST row counts) when the
# file was renamed. Exit status 0 only when every check passed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log() { echo "restore: $*" >&2; }
die() { log "$*"; exit 1; }

DUMP="" TARGET="" OWNER="" SOURCE=""
while [ $# -gt 0 ]; do
  case $1 in
    --owner) OWNER=$2; shift 2 ;;
    --source-db) SOURCE=$2; shift 2 ;;
    -*) die "unknown option $1" ;;
    *) if [ -z "$DUMP" ]; then DUMP=$1; elif [ -z "$TARGET" ]; then TARGET=$1; else die "too many arguments"; fi; shift ;;
  esac
done
[ -n "$DUMP" ] || die "usage: $0 DUMP_FILE [TARGET_DB] [--owner ROLE] [--source-db NAME]"
[ -f "$DUMP" ] || die "no such file: $DUMP"
SOURCE=${SOURCE:-$(basename "$DUMP" .dump)}
TARGET=${TARGET:-$SOURCE}
[[ $TARGET =~ ^[a-z_][a-z0-9_]*$ ]] || die "target database name '$TARGET' must be lower-case letters, digits and _"
DIR=$(dirname "$DUMP")

# 1. The file is the one that was written.
if [ -f "$DIR/SHA256SUMS" ]; then
  (cd "$DIR" && grep " $(basename "$DUMP")\$" SHA256SUMS | sha256sum -c --quiet -) || die "checksum mismatch: $DUMP is damaged"
  log "checksum ok"
else
  log "warning: no SHA256SUMS beside $DUMP; checksum not verified"
fi
pg_restore --list "$DUMP" > /dev/null || die "$DUMP is not a pg_dump custom-format archive"

psql_db() { psql -X -qAt --no-password -v ON_ERROR_STOP=1 -d "$1" "${@:2}"; }

# 2. The target is empty (or created here).
exists=$(psql_db postgres -v db="$TARGET" <<< "SELECT 1 FROM pg_database WHERE datname = :'db'")
if [ "$exists" = 1 ]; then
  tables=$(psql_db "$TARGET" -c "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
  [ "$tables" = 0 ] || die "database $TARGET already holds $tables tables; restore only into an empty database (drop or rename it first)"
  # The restored objects belong to --owner; the database must too, or that role could not
  # create in it and the service's migrations would run as a role that does not own it.
  dbowner=$(psql_db postgres -v db="$TARGET" <<< "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = :'db'")
  if [ -n "$OWNER" ] && [ "$dbowner" != "$OWNER" ]; then
    die "database $TARGET belongs to $dbowner, not $OWNER (ALTER DATABASE $TARGET OWNER TO $OWNER, or run deploy/postgres/init-databases.sh)"
  fi
  log "restoring into the existing empty database $TARGET (owner $dbowner)"
else
  if [ -n "$OWNER" ]; then
    psql_db postgres -v db="$TARGET" -v owner="$OWNER" <<< 'CREATE DATABASE :"db" OWNER :"owner"' > /dev/null
  else
    psql_db postgres -v db="$TARGET" <<< 'CREATE DATABASE :"db"' > /dev/null
  fi
  log "created database $TARGET"
fi

# 3. Restore in one transaction: all or nothing.
t0=$(date +%s.%N)
args=(--exit-on-error --single-transaction --no-password -d "$TARGET")
[ -n "$OWNER" ] && args+=(--no-owner --role="$OWNER")
pg_restore "${args[@]}" "$DUMP" || die "pg_restore into $TARGET failed (the transaction was rolled back)"
log "restored $DUMP into $TARGET in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f s", b-a}')"

# 4. Row counts as recorded when the backup was taken (one query for all the tables).
failed=0
if [ -f "$DIR/MANIFEST" ]; then
  declare -A want=()
  values=""
  while IFS='=' read -r key n; do
    table=${key#rows."$SOURCE".}
    want[$table]=$n
    values+="${values:+,}('${table//\'/\'\'}')"
  done < <(grep "^rows\.$SOURCE\." "$DIR/MANIFEST" || true)
  checked=0
  if [ -n "$values" ]; then
    counts=$(psql_db "$TARGET" -c "
      SELECT t, CASE WHEN to_regclass(t) IS NULL THEN 'missing'
                     ELSE (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %s', t), false, true, '')))[1]::text END
        FROM (VALUES $values) v(t) ORDER BY 1") || die "cannot count the rows of $TARGET"
    while IFS='|' read -r table got; do
      if [ "$got" != "${want[$table]}" ]; then
        log "row count differs for $table: backup ${want[$table]}, restored $got"
        failed=1
      fi
      checked=$((checked + 1))
    done <<< "$counts"
  fi
  log "row counts: $checked tables compared"
fi

# 5. Migrations: every applied migration matches the repository's file (same checksum), so the
#    service will start on this database; newer files are applied by the service at start.
case $SOURCE in
  userdb) svc=user-service ;; vehicledb) svc=vehicle-service ;; creditdb) svc=credit-service ;;
  paymentdb) svc=payment-service ;; telematicsdb) svc=telematics-service ;; supportdb) svc=support-service ;;
  *) svc="" ;;
esac
MIG=$ROOT/services/$svc/migrations
if [ -n "$svc" ] && [ -d "$MIG" ]; then
  has_table=$(psql_db "$TARGET" -c "SELECT to_regclass('public.schema_migrations') IS NOT NULL")
  if [ "$has_table" != t ]; then
    log "no schema_migrations table in $TARGET (the service never started on it)"
  else
    applied=0 pending=0
    declare -A recorded=()
    rows=$(psql_db "$TARGET" -c "SELECT version, checksum FROM schema_migrations WHERE scope = 'service'") ||
      die "cannot read schema_migrations in $TARGET"
    while IFS='|' read -r version sum; do if [ -n "$version" ]; then recorded[$version]=$sum; fi; done <<< "$rows"
    for f in "$MIG"/V*__*.sql; do
      base=$(basename "$f" .sql)
      version=$((10#${base:1:4}))
      sum=$(sha256sum "$f" | cut -c1-64)
      got=${recorded[$version]:-}
      if [ -z "$got" ]; then
        pending=$((pending + 1))
      elif [ "$got" != "$sum" ]; then
        log "migration $base: checksum in the database differs from the repository file"
        failed=1
      else
        applied=$((applied + 1))
      fi
    done
    log "migrations: $applied verified, $pending newer in the repository (applied at service start)"
  fi
fi
[ $failed = 0 ] || die "restored database $TARGET does NOT match the backup"
log "ok: $TARGET"
