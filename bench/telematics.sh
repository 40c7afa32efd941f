#!/usr/bin/env bash
# GT06 at scale (docs/performance.md, "Telematics"): BENCH_TRACKERS (10,000) simulated GT06
# trackers, one TCP connection each, a position every BENCH_TRACKER_INTERVAL_MS (30,000) ms,
# against a telematics service and an API gateway that this script starts on the test
# infrastructure (scripts/infra.sh --env test, moved by RTO_PORT_SHIFT), over a database of
# their own (telematicsdb_bench, made anew each run). Prints the service's CPU and RSS over
# BENCH_MEASURE_S (120) s once every tracker is connected, and the latency from a position on
# the tracker's socket to its telematics.position.updated event on the gateway's `fleet`
# WebSocket channel (target p99 <= 1 s). The binaries come from BUILD_DIR (build/release):
#   cmake --build --preset release --target telematics-service api-gateway telematics_bench
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SHIFT=${RTO_PORT_SHIFT:-0}
TRACKERS=${BENCH_TRACKERS:-10000}
INTERVAL_MS=${BENCH_TRACKER_INTERVAL_MS:-30000}
MEASURE_S=${BENCH_MEASURE_S:-120}
BUILD_DIR=${BUILD_DIR:-$ROOT/build/release}
# Ports of this benchmark, clear of the dev and test platforms.
SVC_PORT=$((18187 + SHIFT))
GW_PORT=$((18190 + SHIFT))
GT06_PORT=$((15123 + SHIFT))
VEHICLE_PORT=$((18186 + SHIFT)) # the benchmark's stand-in for the vehicle service (install checks)

# Every tracker is a socket in the benchmark and another in the service: raise the limit of
# open files to the hard limit (the processes started below inherit it) and check it suffices.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
need=$((TRACKERS + 1000))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
  echo "telematics bench: ulimit -n is $(ulimit -n), $need needed for $TRACKERS trackers (raise the hard limit, e.g. in /etc/security/limits.conf)" >&2
  exit 1
fi
for b in services/telematics-service/telematics-service services/api-gateway/api-gateway bench/telematics_bench; do
  [ -x "$BUILD_DIR/$b" ] || { echo "telematics bench: no $BUILD_DIR/$b (cmake --build --preset release --target telematics-service api-gateway telematics_bench)" >&2; exit 1; }
done

RTO_PORT_SHIFT=$SHIFT scripts/infra.sh start --env test > /dev/null
set -a
# shellcheck disable=SC1091
. .data/test/secrets.env
# shellcheck disable=SC1091
. .data/test/infra.env
set +a
PSQL=(psql -qAtX -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres)
"${PSQL[@]}" -c "DROP DATABASE IF EXISTS telematicsdb_bench" -c "CREATE DATABASE telematicsdb_bench OWNER rto"

LOGS=$ROOT/.data/test/logs
mkdir -p "$LOGS"
BASE_ENV=("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "HOME=${HOME:-/root}" "HOST=127.0.0.1"
  "LOG_LEVEL=warn" "DEPLOY_ENV=test" "MQ_EXCHANGE=rto.events" "JWT_PUBLIC_KEYS=$JWT_PUBLIC_KEYS" "GNUTLS_NO_IMPLICIT_INIT=1")
env -i "${BASE_ENV[@]}" PORT=$SVC_PORT SERVICE_TOKEN_SECRET="$SERVICE_TOKEN_SECRET" \
  DATABASE_URL="$PG_URL_BASE/telematicsdb_bench" AMQP_URL="$TELEMATICS_AMQP_URL" \
  GT06_PORT=$GT06_PORT TELTONIKA_PORT=0 OSMAND_PORT=0 DEVICE_MAX_CONNECTIONS=$((TRACKERS + 1000)) \
  VEHICLE_SERVICE_URL=http://127.0.0.1:$VEHICLE_PORT \
  "$BUILD_DIR/services/telematics-service/telematics-service" > "$LOGS/bench-telematics.log" 2>&1 &
SVC_PID=$!
UNUSED=http://127.0.0.1:9
env -i "${BASE_ENV[@]}" PORT=$GW_PORT AMQP_URL="$GATEWAY_AMQP_URL" \
  UPSTREAM_USER_URL=$UNUSED UPSTREAM_VEHICLE_URL=$UNUSED UPSTREAM_CREDIT_URL=$UNUSED UPSTREAM_PAYMENT_URL=$UNUSED \
  UPSTREAM_SUPPORT_URL=$UNUSED UPSTREAM_TELEMATICS_URL=http://127.0.0.1:$SVC_PORT \
  GATEWAY_ROUTES_FILE="$ROOT/services/api-gateway/routes.json" HTTP_IO_THREADS=2 \
  REALTIME_MAX_SESSIONS=1000 REALTIME_MAX_QUEUE=100000 \
  "$BUILD_DIR/services/api-gateway/api-gateway" > "$LOGS/bench-gateway-telematics.log" 2>&1 &
GW_PID=$!
trap 'kill $SVC_PID $GW_PID 2>/dev/null; wait $SVC_PID $GW_PID 2>/dev/null' EXIT
# The service's /ready; the gateway's /health (its /ready asks every upstream, and only the
# telematics one is here).
for url in "http://127.0.0.1:$SVC_PORT/ready" "http://127.0.0.1:$GW_PORT/health"; do
  for _ in $(seq 1 150); do curl -sf "$url" > /dev/null && break; sleep 0.2; done
  curl -sf "$url" > /dev/null || { echo "telematics bench: $url does not answer (see $LOGS/bench-*.log)" >&2; exit 1; }
done

echo "== GT06 at scale: $TRACKERS trackers, a position every $INTERVAL_MS ms, measured over $MEASURE_S s (ulimit -n $(ulimit -n))"
"$BUILD_DIR/bench/telematics_bench" --service-url "http://127.0.0.1:$SVC_PORT" --gateway-port $GW_PORT --gt06-port $GT06_PORT --vehicle-port $VEHICLE_PORT \
  --service-pid $SVC_PID --gateway-pid $GW_PID --vehicles "$TRACKERS" --interval-ms "$INTERVAL_MS" --measure-s "$MEASURE_S"
