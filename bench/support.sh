#!/usr/bin/env bash
# Support service figures (docs/performance.md, "Support: notifications burst, inbox reads,
# memory at rest"), on the test infrastructure (scripts/infra.sh --env test, moved by
# RTO_PORT_SHIFT):
#  (a) support_notifications_bench: a burst of BENCH_EVENTS (10,000) payment.collection.received
#      events through the broker into in-app notifications and SMS sent to an Africa's Talking
#      stand-in, none lost or doubled (target >= 2,000 notifications/s), then GET
#      /api/v1/support/notifications through a release gateway that the bench starts (target
#      p99 <= 10 ms); extra flags for the bench in BENCH_SUPPORT_FLAGS;
#  (b) the release support-service started alone over a database of its own (supportdb_bench,
#      made anew), SMS_PROVIDER=africastalking towards an unused port, its neighbours unused
#      ports: RSS after BENCH_IDLE_S (45) s idle (target < 20 MB).
# The binaries come from BUILD_DIR (build/release):
#   cmake --build --preset release --target support-service api-gateway support_notifications_bench
# Exit 1 when (a) reports a broken promise or (b) is over 20 MB.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SHIFT=${RTO_PORT_SHIFT:-0}
EVENTS=${BENCH_EVENTS:-10000}
IDLE_S=${BENCH_IDLE_S:-45}
BUILD_DIR=${BUILD_DIR:-$ROOT/build/release}
# Ports of this benchmark, clear of the dev and test platforms.
GW_PORT=$((18290 + SHIFT))
SVC_PORT=$((18286 + SHIFT))
for b in services/support-service/support-service services/api-gateway/api-gateway bench/support_notifications_bench; do
  [ -x "$BUILD_DIR/$b" ] || { echo "support bench: no $BUILD_DIR/$b (cmake --build --preset release --target support-service api-gateway support_notifications_bench)" >&2; exit 1; }
done

RTO_PORT_SHIFT=$SHIFT scripts/infra.sh start --env test > /dev/null
set -a
# shellcheck disable=SC1091
. .data/test/secrets.env
# shellcheck disable=SC1091
. .data/test/infra.env
set +a
export TEST_PG_URL TEST_AMQP_URL
status=0

echo "== (a) notifications burst ($EVENTS events) and inbox reads; load average $(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck disable=SC2086
"$BUILD_DIR/bench/support_notifications_bench" --events "$EVENTS" --log-level error \
  --gateway-bin "$BUILD_DIR/services/api-gateway/api-gateway" --gateway-port "$GW_PORT" \
  --routes-file "$ROOT/services/api-gateway/routes.json" ${BENCH_SUPPORT_FLAGS:-} || status=1

echo "== (b) memory at rest: support-service idle for $IDLE_S s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
PSQL=(psql -qAtX -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres)
"${PSQL[@]}" -c "DROP DATABASE IF EXISTS supportdb_bench" -c "CREATE DATABASE supportdb_bench OWNER rto"
LOGS=$ROOT/.data/test/logs
mkdir -p "$LOGS"
UNUSED=http://127.0.0.1:9
env -i "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "HOME=${HOME:-/root}" HOST=127.0.0.1 \
  PORT=$SVC_PORT LOG_LEVEL=warn DEPLOY_ENV=test MQ_EXCHANGE=rto.events GNUTLS_NO_IMPLICIT_INIT=1 \
  JWT_PUBLIC_KEYS="$JWT_PUBLIC_KEYS" SERVICE_TOKEN_SECRET="$SERVICE_TOKEN_SECRET" \
  DATABASE_URL="$PG_URL_BASE/supportdb_bench" AMQP_URL="$SUPPORT_AMQP_URL" \
  USER_SERVICE_URL=$UNUSED PAYMENT_SERVICE_URL=$UNUSED \
  SMS_PROVIDER=africastalking AT_BASE_URL=$UNUSED AT_USERNAME=sandbox AT_API_KEY=bench-unused \
  "$BUILD_DIR/services/support-service/support-service" > "$LOGS/bench-support.log" 2>&1 &
SVC_PID=$!
trap 'kill $SVC_PID 2>/dev/null; wait $SVC_PID 2>/dev/null' EXIT
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$SVC_PORT/ready" > /dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$SVC_PORT/ready" > /dev/null || { echo "support bench: the service does not answer (see $LOGS/bench-support.log)" >&2; exit 1; }
sleep "$IDLE_S"
# RSS counts the pages of shared libraries too; "private" is what this process alone costs.
read -r rss priv < <(awk '/^Rss:/ {r=$2} /^Private_(Clean|Dirty):/ {p+=$2} END {print r, p}' "/proc/$SVC_PID/smaps_rollup")
vmrss=$(awk '/^VmRSS:/ {print $2}' "/proc/$SVC_PID/status")
printf '  support-service  VmRSS %6.1f MB (target < 20 MB)   private %6.1f MB   after %s s idle\n' \
  "$(awk -v k="$vmrss" 'BEGIN { print k / 1024 }')" "$(awk -v k="$priv" 'BEGIN { print k / 1024 }')" "$IDLE_S"
printf '{"bench":"support_idle_rss","vmrss_kb":%s,"rss_kb":%s,"private_kb":%s,"idle_s":%s}\n' "$vmrss" "$rss" "$priv" "$IDLE_S"
[ "$vmrss" -lt $((20 * 1024)) ] || status=1
exit $status
