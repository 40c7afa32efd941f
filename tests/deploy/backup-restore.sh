#!/usr/bin/env bash
# Backup and restore, proven on the test environment with the data the end-to-end tests wrote
# (users, listings, credit decisions, plans with payments and their ledger), the way an operator
# would recover a lost server:
#   1. with the platform running, sign in through the gateway as the admin and record the API's
#      answers about the plan with the most payments: its statement, its payments, its credit
#      application, its vehicle, its customer and the admin's own profile (four services);
#   2. stop the platform, back up (scripts/backup.sh), record every table's row count and an md5
#      of all its rows plus each database's catalogue (owners, privileges, triggers, sequences,
#      indexes, extensions); refuse a damaged dump; check retention and the checksums;
#   3. DROP the six live databases and their twelve roles, recreate them empty with their roles
#      (deploy/postgres/init-databases.sh, as scripts/infra.sh runs it) and restore each dump
#      into its own name (scripts/restore.sh --owner <svc>_svc, which also checks the MANIFEST
#      row counts and the migrations); restoring again into the now full database is refused;
#   4. compare row counts, checksums and catalogues with step 2, check the ledger balances;
#   5. start the platform on the restored databases, ask the same questions with the same token
#      and require the same status, content type and body, byte for byte; stop the platform.
# The platform is left stopped, pass or fail. A failure after the drop first puts the databases
# back (roles script, then the dumps), so the next step of `make test` still has them.
#
#   tests/deploy/backup-restore.sh [BUILD_DIR]     (run as root; test infrastructure running;
#                                                   RTO_PORT_SHIFT as for the platform)
# BUILD_DIR (default build/test) holds the binaries the platform is started from.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${1:-build/test}
[[ $BUILD_DIR == /* ]] || BUILD_DIR=$ROOT/$BUILD_DIR
ENV_DIR=$ROOT/.data/test
PLATFORM=$ROOT/scripts/platform.sh
set -a
# shellcheck disable=SC1091
. "$ENV_DIR/secrets.env"
# shellcheck disable=SC1091
. "$ENV_DIR/infra.env"
set +a
GATEWAY=http://127.0.0.1:$((18080 + ${RTO_PORT_SHIFT:-0}))
# Backups run as the postgres superuser (here over the local socket): no service role may read
# another service's database, and role rto owns none of them. The roles script and restore.sh
# get the same environment (the roles' passwords come from secrets.env, as infra.sh passes them).
export PGHOST=$PG_SOCKET_DIR PGPORT=$PG_PORT PGUSER=postgres PGOPTIONS='-c client_min_messages=warning'
export PATH=/usr/lib/postgresql/15/bin:$PATH
DBS=(userdb vehicledb creditdb paymentdb telematicsdb supportdb)
DAMAGED=backup_test_damaged # target of the damaged-dump check; never created when all goes well
log() { echo "backup-restore: $*"; }
fail() { echo "backup-restore: FAIL: $*" >&2; exit 1; }
q() { psql -X -qAt -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f s", b-a}'; }
started=$(now)

work=$ENV_DIR/backup-test
rm -rf "$work"
mkdir -p "$work/before" "$work/after" "$work/api-before" "$work/api-after"
dir=""         # the backup directory, once made
dropped=0      # the live databases were dropped ...
restored=0     # ... and all six restored
platform_stop() { "$PLATFORM" stop --env test > "$work/platform-stop.log" 2>&1; }
platform_start() {
  # The frontend is not needed for the API's answers: RTO_FRONTEND=0 saves its start.
  RTO_FRONTEND=0 "$PLATFORM" start --env test --build-dir "$BUILD_DIR" > "$work/platform-start.log" 2>&1 ||
    { tail -n 20 "$work/platform-start.log" >&2; fail "the platform did not start${1:+ $1}"; }
}
db_exists() { [ "$(q postgres "SELECT count(*) FROM pg_database WHERE datname = '$1'")" = 1 ]; }
init_databases() { "$ROOT/deploy/postgres/init-databases.sh" > "$work/init-databases.log" 2>&1; }

# A failure after the drop must not leave the next step without its databases (or roles): make
# them again and restore into each one still empty, as far as that goes.
recover() {
  log "recovering the live databases after a failure"
  init_databases || { cat "$work/init-databases.log" >&2; return 0; }
  local db
  for db in "${DBS[@]}"; do
    [ "$(q "$db" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 0 ] || continue
    if [ -n "$dir" ] && [ -f "$dir/$db.dump" ] &&
      "$ROOT/scripts/restore.sh" "$dir/$db.dump" "$db" --owner "${db%db}_svc" > "$work/recover-$db.log" 2>&1; then
      log "recovered $db from $dir"
    else
      log "$db left empty (its service migrates it at start; see $work/recover-$db.log)"
    fi
  done
}
cleanup() {
  set +e
  if [ "$dropped" = 1 ] && [ "$restored" = 0 ]; then recover; fi
  q postgres "DROP DATABASE IF EXISTS $DAMAGED" > /dev/null 2>&1
  platform_stop || { cat "$work/platform-stop.log" >&2; echo "backup-restore: the platform did not stop" >&2; }
}
trap cleanup EXIT
trap 'echo "backup-restore: interrupted" >&2; exit 130' INT
trap 'echo "backup-restore: interrupted" >&2; exit 143' TERM

# ------------------------------------------------------------------ 1. the API's answers before
# The answers compared are the ones below, whole. Nothing is stripped from them: they hold stored
# values and the operator's date (`as_of`, days past due), and the headers that differ per
# request (X-Request-Id) are not compared: only status, content type and body. A run that
# crosses midnight in the operator's time zone may see the date move; that is said when it fails.
platform_start "before the backup"
row=$(q paymentdb "
  SELECT p.id, p.customer_id, p.vehicle_id FROM plans p JOIN payments x ON x.plan_id = p.id
   GROUP BY p.id ORDER BY count(*) DESC, (p.status = 'completed') DESC, p.created_at, p.id LIMIT 1")
[ -n "$row" ] || fail "paymentdb has no plan with payments: the end-to-end tests wrote nothing to back up"
IFS='|' read -r plan customer vehicle <<< "$row"
application=$(q creditdb "SELECT id FROM applications WHERE plan_id = '$plan' ORDER BY created_at LIMIT 1")
[ -n "$application" ] || fail "creditdb has no application for plan $plan"
login=$(python3 -c 'import json, os; print(json.dumps({"phone": os.environ["ADMIN_PHONE"], "password": os.environ["ADMIN_PASSWORD"]}))')
token=$(curl -sS --max-time 10 -H 'Content-Type: application/json' -d "$login" "$GATEWAY/api/v1/auth/login" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])') || fail "the admin could not sign in through the gateway"
QUESTIONS=(
  "plan-statement|/api/v1/plans/$plan"
  "plan-payments|/api/v1/plans/$plan/payments"
  "credit-application|/api/v1/credit/applications/$application"
  "vehicle|/api/v1/vehicles/$vehicle"
  "customer|/api/v1/users/$customer"
  "admin-profile|/api/v1/users/me"
)
ask() { # ask ROUND: every question's "status content-type" and body into $work/api-ROUND/
  local item name path
  for item in "${QUESTIONS[@]}"; do
    IFS='|' read -r name path <<< "$item"
    curl -sS --max-time 10 -H "Authorization: Bearer $token" -o "$work/api-$1/$name.body" \
      -w '%{http_code} %{content_type}\n' "$GATEWAY$path" > "$work/api-$1/$name.status" || fail "GET $path: no answer"
  done
}
operator_date() { TZ=Africa/Kampala date +%F; }
date_before=$(operator_date)
ask before
for item in "${QUESTIONS[@]}"; do
  IFS='|' read -r name path <<< "$item"
  read -r code _ < "$work/api-before/$name.status"
  [ "$code" = 200 ] || fail "GET $path answered $code before the backup: $(head -c 300 "$work/api-before/$name.body")"
done
log "plan $plan: ${#QUESTIONS[@]} answers recorded ($(cat "$work"/api-before/*.body | wc -c) bytes)"

# ------------------------------------------------------------------ 2. backup, at rest
platform_stop || { cat "$work/platform-stop.log" >&2; fail "the platform did not stop"; }
total_rows=0
for db in "${DBS[@]}"; do
  total_rows=$((total_rows + $(q "$db" "SELECT coalesce(sum(n_live_tup), 0) FROM pg_stat_user_tables")))
done
log "the databases hold ~$total_rows rows"

# An old backup for the retention check.
mkdir -p "$work/20000101T000000Z" && touch -d '30 days ago' "$work/20000101T000000Z"
t0=$(now)
dir=$(BACKUP_DIR=$work BACKUP_KEEP_DAYS=14 "$ROOT/scripts/backup.sh" 2> "$work/backup.log") ||
  { cat "$work/backup.log" >&2; fail "scripts/backup.sh failed"; }
log "backup took $(since "$t0"), $(du -sh "$dir" | cut -f1) in ${dir#"$ROOT"/}"
[ ! -e "$work/20000101T000000Z" ] || fail "retention did not remove the 30-day-old backup"
(cd "$dir" && sha256sum -c --quiet SHA256SUMS) || fail "checksums do not match"

# Every table's row count and md5 of all its rows (one query per database), and the catalogue.
fingerprint() { # fingerprint DB FILE
  {
    psql -X -qAt -v ON_ERROR_STOP=1 -d "$1" << 'SQL'
SELECT format($q$SELECT 'rows %s ' || count(*) || ':' || coalesce(md5(string_agg(x::text, E'\n' ORDER BY x::text)), '-') FROM %s x$q$, t, t)
  FROM (SELECT format('%I.%I', schemaname, relname) AS t FROM pg_stat_user_tables ORDER BY 1) s
\gexec
SQL
    psql -X -qAt -v ON_ERROR_STOP=1 -d "$1" << 'SQL'
SELECT line FROM (
  SELECT format('database %s owner %s acl %s', datname, pg_get_userbyid(datdba),
                (SELECT string_agg(a::text, ',' ORDER BY a::text) FROM unnest(datacl) a)) AS line
    FROM pg_database WHERE datname = current_database()
  UNION ALL
  SELECT format('schema %s owner %s acl %s', nspname, pg_get_userbyid(nspowner),
                (SELECT string_agg(a::text, ',' ORDER BY a::text) FROM unnest(nspacl) a))
    FROM pg_namespace WHERE nspname = 'public'
  UNION ALL
  SELECT format('relation %s kind %s owner %s acl %s', c.oid::regclass, c.relkind, pg_get_userbyid(c.relowner),
                (SELECT string_agg(a::text, ',' ORDER BY a::text) FROM unnest(c.relacl) a))
    FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
  UNION ALL
  SELECT format('trigger %s %s enabled %s %s', t.tgrelid::regclass, t.tgname, t.tgenabled, pg_get_triggerdef(t.oid))
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT format('function %s owner %s', p.oid::regprocedure, pg_get_userbyid(p.proowner))
    FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
  UNION ALL
  SELECT format('sequence %s last %s', sequencename, coalesce(last_value::text, 'never'))
    FROM pg_sequences WHERE schemaname = 'public'
  UNION ALL
  SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = 'public'
  UNION ALL
  SELECT format('extension %s %s', extname, extversion) FROM pg_extension
) s ORDER BY 1;
SQL
  } > "$2"
}
t0=$(now)
for db in "${DBS[@]}"; do fingerprint "$db" "$work/before/$db"; done
tables=$(cat "$work"/before/* | grep -c '^rows ')
log "$tables tables fingerprinted (row count, md5 of all rows) with the catalogues in $(since "$t0")"

# A damaged dump is refused before anything is restored.
mkdir -p "$work/damaged"
cp "$dir/userdb.dump" "$dir/SHA256SUMS" "$work/damaged/"
printf 'X' | dd of="$work/damaged/userdb.dump" bs=1 seek=100 conv=notrunc status=none
if "$ROOT/scripts/restore.sh" "$work/damaged/userdb.dump" "$DAMAGED" > "$work/damaged/restore.log" 2>&1; then
  fail "a damaged dump was restored"
fi
grep -q 'checksum mismatch' "$work/damaged/restore.log" || { cat "$work/damaged/restore.log" >&2; fail "the damaged dump was refused, but not for its checksum"; }
! db_exists "$DAMAGED" || fail "refusing the damaged dump left database $DAMAGED behind"

# ------------------------------------------------------------------ 3. drop, recreate, restore
t0=$(now)
dropped=1
# One statement at a time (DROP DATABASE runs outside a transaction), stopping at the first error.
# No FORCE: with the platform stopped nothing may still be connected. Then the roles: one holding
# anything outside its own database (least privilege broken) would make DROP ROLE fail.
{
  for db in "${DBS[@]}"; do echo "DROP DATABASE $db;"; done
  for db in "${DBS[@]}"; do echo "DROP ROLE ${db%db}_app;"; echo "DROP ROLE ${db%db}_svc;"; done
} | psql -X -qAt -v ON_ERROR_STOP=1 -d postgres ||
  fail "cannot drop the databases and roles (connected: $(q postgres "SELECT coalesce(string_agg(datname || ' ' || usename, ', '), 'nobody') FROM pg_stat_activity WHERE datname LIKE '%db'"))"
log "dropped the six databases and their twelve roles"
init_databases || { cat "$work/init-databases.log" >&2; fail "deploy/postgres/init-databases.sh failed"; }
for db in "${DBS[@]}"; do
  "$ROOT/scripts/restore.sh" "$dir/$db.dump" "$db" --owner "${db%db}_svc" 2> "$work/restore-$db.log" ||
    { cat "$work/restore-$db.log" >&2; fail "scripts/restore.sh of $db failed"; }
  # Restoring again into the now non-empty database is refused.
  if "$ROOT/scripts/restore.sh" "$dir/$db.dump" "$db" --owner "${db%db}_svc" > /dev/null 2>&1; then
    fail "restore into the non-empty $db was not refused"
  fi
done
restored=1
log "recreated with their roles and restored in $(since "$t0")"

# ------------------------------------------------------------------ 4. compare, ledger
for db in "${DBS[@]}"; do
  fingerprint "$db" "$work/after/$db"
  if ! cmp -s "$work/before/$db" "$work/after/$db"; then
    diff "$work/before/$db" "$work/after/$db" | head -n 20 >&2 || true
    fail "$db differs after the restore (above: < before, > after)"
  fi
done
log "$tables tables identical (row count and md5 of all rows), catalogues identical"
lines=$(q paymentdb "SELECT count(*) FROM journal_lines")
unbalanced=$(q paymentdb "SELECT count(*) FROM (SELECT entry_id, currency FROM journal_lines GROUP BY 1, 2 HAVING sum(amount) <> 0) u")
[ "$lines" -gt 0 ] || fail "the restored ledger is empty"
[ "$unbalanced" = 0 ] || fail "the restored ledger has $unbalanced unbalanced entries"
log "restored ledger balanced ($lines journal lines)"

# ------------------------------------------------------------------ 5. the API's answers after
t0=$(now)
platform_start "on the restored databases"
ask after
for item in "${QUESTIONS[@]}"; do
  IFS='|' read -r name path <<< "$item"
  if ! cmp -s "$work/api-before/$name.status" "$work/api-after/$name.status" ||
    ! cmp -s "$work/api-before/$name.body" "$work/api-after/$name.body"; then
    echo "before: $(cat "$work/api-before/$name.status")  after: $(cat "$work/api-after/$name.status")" >&2
    cmp "$work/api-before/$name.body" "$work/api-after/$name.body" >&2 || true
    [ "$(operator_date)" = "$date_before" ] || echo "(the operator's date changed during the run: run it again)" >&2
    if grep -q '^401 ' "$work/api-after/$name.status"; then echo "(the admin's access token lasts 15 minutes)" >&2; fi
    fail "GET $path answers differently after the restore (both in $work/api-{before,after}/$name.body)"
  fi
done
platform_stop || { cat "$work/platform-stop.log" >&2; fail "the platform did not stop"; }
log "platform restarted on the restored databases: the ${#QUESTIONS[@]} answers are byte-identical ($(since "$t0") with the start)"
log "ok in $(since "$started")"
