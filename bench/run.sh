#!/usr/bin/env bash
# Load figures for docs/performance.md:
#  (a) GET /api/v1/users/me through the gateway vs directly on the user service (wrk),
#  (b) idle RSS of every running service.
#  (c) marketplace search with facets over BENCH_VEHICLES (100,000) listings, 32 connections,
#      through the gateway (a second vehicle-service on 8092 over its own database, vehicledb_bench),
#  (d) one vehicle change delivered to BENCH_WS_CLIENTS (1,000) WebSocket clients (realtime_bench),
#  (e) RSS at rest again once the loads' idle database connections were closed (BENCH_REST_SECONDS, 95).
#  (f) with BENCH_TELEMATICS=1: GT06 at scale, 10,000 simulated trackers against a telematics service
#      and a gateway of its own on the test infrastructure (bench/telematics.sh, about 4 minutes).
# Runs against the dev platform (`make run` first; `make bench` does that). The dev gateway's
# rate limits (per IP and per user) would refuse most of one client's load, so the gateway is
# measured as a second instance on BENCH_GATEWAY_PORT (8090) in front of the same user-service,
# with limits too high to refuse anything: the limiter still does its bookkeeping per request.
# Knobs: BENCH_DURATION (10s), BENCH_CONNECTIONS (32), BENCH_THREADS (2).
set -euo pipefail
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true  # 1,000 WebSocket clients and their server side
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUN_DIR="$ROOT/.data/dev/run"
USER_SVC=${USER_SERVICE_URL:-http://127.0.0.1:8081}
BENCH_PORT=${BENCH_GATEWAY_PORT:-8090}
GATEWAY=http://127.0.0.1:$BENCH_PORT
BUILD_DIR=${BUILD_DIR:-$ROOT/build/release}
DURATION=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-2}

command -v wrk >/dev/null || { echo "wrk is missing: run scripts/setup-deps.sh" >&2; exit 1; }
curl -sf "$USER_SVC/ready" >/dev/null || { echo "the dev platform is not running: make run" >&2; exit 1; }

# The benchmark gateway: same binary and secrets as the dev one, limits out of the way.
set -a; . "$ROOT/.data/dev/secrets.env"; . "$ROOT/.data/dev/infra.env"; set +a
BENCH_VEHICLES=${BENCH_VEHICLES:-100000}
VEHICLE_BENCH_PORT=8092
PSQL=(/usr/lib/postgresql/15/bin/psql -qAtX -v ON_ERROR_STOP=1)
"${PSQL[@]}" "$PG_URL_BASE/postgres" -c "SELECT 1 FROM pg_database WHERE datname = 'vehicledb_bench'" | grep -q 1 ||
  "${PSQL[@]}" -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres -c "CREATE DATABASE vehicledb_bench OWNER rto"
VEHICLE_BIN=$BUILD_DIR/services/vehicle-service/vehicle-service
have=$("${PSQL[@]}" "$PG_URL_BASE/vehicledb_bench" -c "SELECT count(*) FROM vehicles" 2>/dev/null || echo 0)
if [ "$have" -lt "$BENCH_VEHICLES" ]; then
  echo "== loading $((BENCH_VEHICLES - have)) synthetic vehicles into vehicledb_bench"
  DATABASE_URL=$PG_URL_BASE/vehicledb_bench "$VEHICLE_BIN" generate --count $((BENCH_VEHICLES - have))
  "${PSQL[@]}" "$PG_URL_BASE/vehicledb_bench" -c "ANALYZE"
fi
HOST=127.0.0.1 PORT=$VEHICLE_BENCH_PORT LOG_LEVEL=warn DATABASE_URL=$PG_URL_BASE/vehicledb_bench MQ_EXCHANGE=rto.bench \
  IMAGE_DIR=$ROOT/.data/dev/bench-images "$VEHICLE_BIN" > "$ROOT/.data/dev/logs/bench-vehicle.log" 2>&1 &
BENCH_VS_PID=$!
HOST=127.0.0.1 PORT=$BENCH_PORT LOG_LEVEL=warn UPSTREAM_USER_URL=$USER_SVC MQ_EXCHANGE=rto.events \
  UPSTREAM_VEHICLE_URL=http://127.0.0.1:$VEHICLE_BENCH_PORT UPSTREAM_CREDIT_URL=http://127.0.0.1:8083 \
  UPSTREAM_PAYMENT_URL=http://127.0.0.1:8084 UPSTREAM_TELEMATICS_URL=http://127.0.0.1:8085 UPSTREAM_SUPPORT_URL=http://127.0.0.1:8086 REALTIME_MAX_SESSIONS=100000 HTTP_IO_THREADS=2 \
  GATEWAY_ROUTES_FILE=$ROOT/services/api-gateway/routes.json \
  RATE_PER_IP_RPS=1000000 RATE_PER_IP_BURST=1000000 RATE_PER_USER_RPS=1000000 RATE_PER_USER_BURST=1000000 \
  RATE_AUTH_PER_IP_RPS=1000000 RATE_AUTH_PER_IP_BURST=1000000 \
  "$BUILD_DIR/services/api-gateway/api-gateway" > "$ROOT/.data/dev/logs/bench-gateway.log" 2>&1 &
BENCH_GW_PID=$!
trap 'kill $BENCH_GW_PID $BENCH_VS_PID 2>/dev/null; wait $BENCH_GW_PID $BENCH_VS_PID 2>/dev/null' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$VEHICLE_BENCH_PORT/health" >/dev/null && break; sleep 0.2; done
for _ in $(seq 1 50); do curl -sf "$GATEWAY/ready" >/dev/null && break; sleep 0.2; done

# A benchmark account (registered once, then logged in). Its number is a valid test number.
PHONE=+256770009999
PASSWORD=bench-Rider-2026
creds=$(printf '"phone":"%s","password":"%s"' "$PHONE" "$PASSWORD")
curl -s -o /dev/null -H 'Content-Type: application/json' -d "{$creds,\"full_name\":\"Bench Rider\"}" "$GATEWAY/api/v1/auth/register" || true
TOKEN=$(curl -sf -H 'Content-Type: application/json' -d "{$creds}" "$GATEWAY/api/v1/auth/login" |
  sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || { echo "could not log in the benchmark account" >&2; exit 1; }

mem_report() {  # RSS and private memory of every running dev service
  for pidfile in "$RUN_DIR"/*.pid; do
    [ -f "$pidfile" ] || continue
    name=$(basename "$pidfile" .pid); pid=$(cat "$pidfile")
    if [ -r "/proc/$pid/status" ]; then
      # RSS counts the pages of shared libraries too (libcrypto, ICU, protobuf…), which every
      # service maps from the same files; "private" is what this process alone costs.
      read -r rss priv < <(awk '/^Rss:/ {r=$2} /^Private_(Clean|Dirty):/ {p+=$2} END {print r, p}' "/proc/$pid/smaps_rollup")
      printf '  %-16s RSS %6.1f MB (target < 20 MB)   private %6.1f MB\n' "$name" \
        "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$(awk -v k="$priv" 'BEGIN { print k / 1024 }')"
    fi
  done
}

echo "Memory at rest (before any load)"; mem_report

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system CPU of a process, in clock ticks
US_PID=$(cat "$RUN_DIR/user-service.pid")
HZ=$(getconf CLK_TCK)

# url label -> requests/sec; also prints the CPU the gateway and the user-service spent a request.
rps() {
  local out g0 u0 n
  g0=$(ticks "$BENCH_GW_PID"); u0=$(ticks "$US_PID")
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -H "Authorization: Bearer $TOKEN" "$1")
  echo "$out" >&2
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  awk -v g=$(( $(ticks "$BENCH_GW_PID") - g0 )) -v u=$(( $(ticks "$US_PID") - u0 )) -v n="$n" -v hz="$HZ" -v l="$2" \
    'BEGIN { printf "  %s: CPU a request: gateway %.1f us, user-service %.1f us\n", l, g * 1e6 / hz / n, u * 1e6 / hz / n }' >&2
  echo "$out" | awk '/Requests\/sec/ {print $2}'
}

echo "== warm-up"; wrk -t1 -c4 -d2s -H "Authorization: Bearer $TOKEN" "$USER_SVC/api/v1/users/me" >/dev/null
echo "== direct: $USER_SVC/api/v1/users/me"; direct=$(rps "$USER_SVC/api/v1/users/me" direct)
echo "== gateway: $GATEWAY/api/v1/users/me"; via=$(rps "$GATEWAY/api/v1/users/me" "through the gateway")
ratio=$(awk -v a="$via" -v b="$direct" 'BEGIN { printf "%.1f", (b > 0 ? 100 * a / b : 0) }')

echo
echo "GET /api/v1/users/me  (wrk -t$THREADS -c$CONNS -d$DURATION)"
printf '  direct   %10s req/s\n  gateway  %10s req/s  (%s%% of direct; target >= 85%%)\n' "$direct" "$via" "$ratio"

echo; echo "Memory after the load, idle for 5 s"; sleep 5; mem_report

# (c) Marketplace search: filters + facets + keyset page, public (no token).
SEARCH="$GATEWAY/api/v1/vehicles?category=motorcycle&currency=UGX&price_max=9000000&city=Kampala&sort=price_asc&limit=20"
curl -sf "$SEARCH" -o /dev/null || { echo "search through the bench gateway failed" >&2; exit 1; }
wrk -t1 -c4 -d2s "$SEARCH" >/dev/null
out=$(wrk --latency -t"$THREADS" -c"$CONNS" -d"$DURATION" "$SEARCH"); echo "$out" >&2
s_rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
s_p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
s_p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
echo
echo "GET /api/v1/vehicles (filters, facets, $BENCH_VEHICLES listings; wrk --latency -t$THREADS -c$CONNS -d$DURATION)"
printf '  %s req/s (target >= 1500)   p50 %s   p99 %s (target <= 25ms)\n' "$s_rps" "$s_p50" "$s_p99"

# (d) Real-time fan-out: events published to the dev broker, delivered by the bench gateway's hub.
echo
"$BUILD_DIR/bench/realtime_bench" --port "$BENCH_PORT" --clients "${BENCH_WS_CLIENTS:-1000}" --rounds 20 --amqp "$AMQP_URL"

# (e) At rest again: a burst opens up to DB_POOL_SIZE connections per service; once they have
# been idle DB_POOL_IDLE_SECONDS (60) they are closed (checked every 30 s) and the memory goes back.
rest=${BENCH_REST_SECONDS:-95}
echo; echo "Memory at rest again, ${rest} s after the loads"; sleep "$rest"; mem_report

# (f) GT06 at scale (its own service and gateway on the test infrastructure; see the script).
if [ "${BENCH_TELEMATICS:-0}" = 1 ]; then
  echo
  BUILD_DIR=$BUILD_DIR "$ROOT/bench/telematics.sh"
fi
