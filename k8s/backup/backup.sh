#!/usr/bin/env bash
# Backs up the platform's databases: one `pg_dump -Fc` file per database in a timestamped
# directory, with SHA256SUMS and a manifest (row counts per table), then deletes backups older
# than the retention. Used as is by Compose (service `backup`), the Kubernetes CronJob
# (k8s/databases.yaml; k8s/backup/backup.sh is a copy) and by hand.
#
#   scripts/backup.sh                       # libpq environment: PGHOST PGPORT PGUSER PGPASSWORD
#
# Environment:
#   BACKUP_DIR         where backups go (default ./backups)
#   BACKUP_DATABASES   databases to dump (default: the six service databases)
#   BACKUP_DB_HOSTS    "db=host ..." when each database has its own server (Kubernetes)
#   BACKUP_KEEP_DAYS   retention in days (default 14); the newest backup is always kept
#   BACKUP_UPLOAD_CMD  optional command run with the finished directory as its argument
#                      (e.g. 'aws s3 cp --recursive'); a failing upload fails the backup
# Prints the directory it wrote. Restore: scripts/restore.sh, docs/runbooks/restore-a-database.md.
set -euo pipefail

BACKUP_DIR=${BACKUP_DIR:-./backups}
BACKUP_DATABASES=${BACKUP_DATABASES:-userdb vehicledb creditdb paymentdb telematicsdb supportdb}
BACKUP_KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}
BACKUP_DB_HOSTS=${BACKUP_DB_HOSTS:-}

log() { echo "backup: $*" >&2; }
die() { log "$*"; exit 1; }
[[ $BACKUP_KEEP_DAYS =~ ^[0-9]+$ ]] || die "BACKUP_KEEP_DAYS must be a number of days"
command -v pg_dump > /dev/null || die "pg_dump not found (PostgreSQL client 15)"

host_for() {
  local pair
  for pair in $BACKUP_DB_HOSTS; do
    if [ "${pair%%=*}" = "$1" ]; then echo "${pair#*=}"; return; fi
  done
  echo "${PGHOST:-}"
}

mkdir -p "$BACKUP_DIR"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
final=$BACKUP_DIR/$stamp
work=$BACKUP_DIR/.$stamp.partial
rm -rf "$work"
mkdir -m 700 "$work"
trap 'rm -rf "$work"' EXIT

started=$(date +%s)
{
  echo "created_at=$stamp"
  echo "pg_dump=$(pg_dump --version)"
} > "$work/MANIFEST"
for db in $BACKUP_DATABASES; do
  host=$(host_for "$db")
  t0=$(date +%s.%N)
  # One snapshot for the dump and the row counts: a transaction held open by a coprocess
  # exports it, pg_dump uses it, and the counts are read inside it (consistent while the
  # services keep writing).
  coproc SNAP { PGHOST=$host exec psql -X -qAt --no-password -d "$db" -v ON_ERROR_STOP=1 2>&1; }
  echo "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT pg_export_snapshot();" >&"${SNAP[1]}"
  read -r -t 30 snapshot <&"${SNAP[0]}" || die "cannot open a snapshot of $db (host ${host:-local socket})"
  [[ $snapshot =~ ^[0-9A-F-]+$ ]] || die "cannot open a snapshot of $db: $snapshot"
  PGHOST=$host pg_dump -Fc -Z 6 --no-password --snapshot="$snapshot" -d "$db" -f "$work/$db.dump" ||
    die "pg_dump of $db failed (host ${host:-local socket})"
  # Row counts per table, so a restore can be checked against what was dumped.
  cat >&"${SNAP[1]}" << 'SQL'
SELECT format('rows.%s.%s=%s', current_database(), t,
              (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %s', t), false, true, '')))[1]::text)
  FROM (SELECT format('%I.%I', schemaname, relname) AS t FROM pg_stat_user_tables ORDER BY 1) s;
SELECT '--end--';
SQL
  while read -r -t 120 line <&"${SNAP[0]}"; do
    [ "$line" = --end-- ] && break
    [[ $line == rows.* ]] || die "row counts of $db: $line"
    echo "$line" >> "$work/MANIFEST"
  done
  echo "COMMIT;" >&"${SNAP[1]}"
  exec {SNAP[1]}>&-
  wait "$SNAP_PID" || true
  log "$db: $(du -h "$work/$db.dump" | cut -f1) in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f s", b-a}')"
done
(cd "$work" && sha256sum -- *.dump > SHA256SUMS)
mv "$work" "$final"
trap - EXIT

if [ -n "${BACKUP_UPLOAD_CMD:-}" ]; then
  # shellcheck disable=SC2086 # the command is given with its own arguments
  $BACKUP_UPLOAD_CMD "$final" || die "upload of $final failed"
fi

# Retention: timestamped directories older than BACKUP_KEEP_DAYS, never the newest one.
find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '20*Z' -mtime +"$BACKUP_KEEP_DAYS" ! -path "$final" -print0 |
  while IFS= read -r -d '' old; do
    log "retention: removing $old"
    rm -rf -- "$old"
  done

# For the node-exporter textfile collector (alert BackupMissing).
printf '# TYPE rto_backup_last_success_timestamp_seconds gauge\nrto_backup_last_success_timestamp_seconds %s\n# TYPE rto_backup_duration_seconds gauge\nrto_backup_duration_seconds %s\n' \
  "$(date +%s)" "$(($(date +%s) - started))" > "$BACKUP_DIR/backup.prom.tmp" && mv "$BACKUP_DIR/backup.prom.tmp" "$BACKUP_DIR/backup.prom"
log "done: $final"
echo "$final"
