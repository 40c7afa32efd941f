#!/usr/bin/env bash
# Backup and restore, proven against the test PostgreSQL (run by scripts/test.sh after the
# end-to-end tests, so the databases hold what those tests wrote: users, listings, credit
# decisions, plans with payments and their ledger).
#   1. scripts/backup.sh dumps the six databases (pg_dump -Fc) with checksums and a manifest;
#   2. scripts/restore.sh restores each into a fresh database <db>_restored and checks the
#      checksum, the manifest's row counts and the migrations against the repository;
#   3. this test compares every table of the original and the restored database (row count and
#      an md5 over all rows in a fixed order), checks the restored ledger balances, and checks
#      retention removes old backups but keeps the newest.
# The live databases are not dropped (the test platform still runs on them); the restore goes
# to new databases on the same server, which exercises the same pg_restore path.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ENV_DIR=$ROOT/.data/test
set -a
# shellcheck disable=SC1091
. "$ENV_DIR/secrets.env"
# shellcheck disable=SC1091
. "$ENV_DIR/infra.env"
set +a
# Backups run as the postgres superuser (here over the local socket): no service role may read
# another service's database, and role rto owns none of them.
export PGHOST=$PG_SOCKET_DIR PGPORT=$PG_PORT PGUSER=postgres PGOPTIONS='-c client_min_messages=warning'
PATH=/usr/lib/postgresql/15/bin:$PATH
DBS=(userdb vehicledb creditdb paymentdb telematicsdb supportdb)
fail() { echo "backup-restore: FAIL: $*" >&2; exit 1; }
q() { psql -X -qAt -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

work=$ENV_DIR/backup-test
rm -rf "$work"
mkdir -p "$work"
cleanup() {
  for db in "${DBS[@]}"; do q postgres "DROP DATABASE IF EXISTS ${db}_restored" > /dev/null 2>&1 || true; done
}
trap cleanup EXIT
cleanup

total_rows=0
for db in "${DBS[@]}"; do
  n=$(q "$db" "SELECT coalesce(sum(n_live_tup), 0) FROM pg_stat_user_tables")
  total_rows=$((total_rows + n))
done
echo "backup-restore: source databases hold ~$total_rows rows"
[ "$(q paymentdb "SELECT count(*) FROM plans")" -gt 0 ] || fail "paymentdb has no plans: the end-to-end tests wrote nothing to back up"

# An old backup for the retention check.
mkdir -p "$work/20000101T000000Z" && touch -d '30 days ago' "$work/20000101T000000Z"

t0=$(date +%s.%N)
dir=$(BACKUP_DIR=$work BACKUP_KEEP_DAYS=14 "$ROOT/scripts/backup.sh")
echo "backup-restore: backup took $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f s", b-a}'), $(du -sh "$dir" | cut -f1) in $dir"
[ ! -e "$work/20000101T000000Z" ] || fail "retention did not remove the 30-day-old backup"
[ -d "$dir" ] || fail "backup directory missing"
(cd "$dir" && sha256sum -c --quiet SHA256SUMS) || fail "checksums do not match"

# A damaged dump is refused before anything is restored.
cp "$dir/userdb.dump" "$work/userdb.dump" && cp "$dir/SHA256SUMS" "$work/SHA256SUMS"
printf 'X' | dd of="$work/userdb.dump" bs=1 seek=100 conv=notrunc status=none
if "$ROOT/scripts/restore.sh" "$work/userdb.dump" userdb_restored > /dev/null 2>&1; then fail "a damaged dump was restored"; fi
rm -f "$work/userdb.dump" "$work/SHA256SUMS"
q postgres "DROP DATABASE IF EXISTS userdb_restored" > /dev/null

compared=0
for db in "${DBS[@]}"; do
  "$ROOT/scripts/restore.sh" "$dir/$db.dump" "${db}_restored" --owner "${db%db}_svc"
  tables=$(q "$db" "SELECT format('%I.%I', schemaname, relname) FROM pg_stat_user_tables ORDER BY 1")
  # Restoring again into the now non-empty database is refused.
  if [ -n "$tables" ] && "$ROOT/scripts/restore.sh" "$dir/$db.dump" "${db}_restored" --owner "${db%db}_svc" > /dev/null 2>&1; then
    fail "restore into the non-empty ${db}_restored was not refused"
  fi
  for t in $tables; do
    sql="SELECT count(*) || ':' || coalesce(md5(string_agg(x::text, E'\n' ORDER BY x::text)), '-') FROM $t x"
    a=$(q "$db" "$sql")
    b=$(q "${db}_restored" "$sql") || fail "$t missing in ${db}_restored"
    [ "$a" = "$b" ] || fail "$db $t differs after restore: $a vs $b"
    compared=$((compared + 1))
  done
done
echo "backup-restore: $compared tables identical (row count and md5 of all rows)"

lines=$(q paymentdb_restored "SELECT count(*) FROM journal_lines")
unbalanced=$(q paymentdb_restored "SELECT count(*) FROM (SELECT entry_id, currency FROM journal_lines GROUP BY 1, 2 HAVING sum(amount) <> 0) u")
[ "$lines" -gt 0 ] || fail "restored ledger is empty"
[ "$unbalanced" = 0 ] || fail "restored ledger has $unbalanced unbalanced entries"
echo "backup-restore: restored ledger balanced ($lines journal lines)"
echo "backup-restore: ok"
