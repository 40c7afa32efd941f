#!/usr/bin/env bash
# Runs the platform's services as background processes for one environment.
#
#   scripts/platform.sh {start|stop|status|logs} [--env dev|test] [--build-dir DIR]
#
# Needs the infrastructure of the same environment (scripts/infra.sh start --env ENV).
# pid files: .data/<env>/run/<service>.pid   logs: .data/<env>/logs/<service>.log
# The build directory defaults to build/release (dev) or build/test (test); a relative
# DIR is taken from the current directory if it exists there, else from the repository root.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# One line per service, in start order (stopped in reverse):
#   name | dev port (test port = dev port + 10000) | binary, relative to the build dir |
#   extra environment, all envs | extra environment, test env only
# Extra environment: space-separated NAME=value; ${VAR} is expanded at start from secrets.env,
# infra.env, ROOT and PORT_<service> (the port of another service, '-' written as '_').
# The local mobile-money simulator and the payment service share these (fake) provider
# credentials; real ones come from the deployment's secrets, never from here.
MOMO_CREDENTIALS="MTN_MOMO_API_USER=rto-local MTN_MOMO_API_KEY=\${MOMO_SIM_SECRET} MTN_MOMO_SUBSCRIPTION_KEY=\${MOMO_SIM_SECRET} AIRTEL_MONEY_CLIENT_ID=rto-local AIRTEL_MONEY_CLIENT_SECRET=\${MOMO_SIM_SECRET} AIRTEL_MONEY_CALLBACK_KEY=\${MOMO_SIM_SECRET} MPESA_CONSUMER_KEY=rto-local MPESA_CONSUMER_SECRET=\${MOMO_SIM_SECRET} MPESA_SHORTCODE=174379 MPESA_PASSKEY=\${MOMO_SIM_PASSKEY} MPESA_INITIATOR=rto-local MPESA_SECURITY_CREDENTIAL=\${MOMO_SIM_SECRET}"
SERVICES=(
  "user-service|8081|services/user-service/user-service|DATABASE_URL=\${USER_DATABASE_URL} DATABASE_MIGRATION_URL=\${USER_DATABASE_MIGRATION_URL} AMQP_URL=\${USER_AMQP_URL} JWT_PRIVATE_KEY=\${JWT_PRIVATE_KEY} ENCRYPTION_KEY=\${ENCRYPTION_KEY} ADMIN_PHONE=\${ADMIN_PHONE} ADMIN_PASSWORD=\${ADMIN_PASSWORD} DEFAULT_REGION=UG|"
  "vehicle-service|8082|services/vehicle-service/vehicle-service|DATABASE_URL=\${VEHICLE_DATABASE_URL} DATABASE_MIGRATION_URL=\${VEHICLE_DATABASE_MIGRATION_URL} AMQP_URL=\${VEHICLE_AMQP_URL} IMAGE_DIR=\${ENV_DIR}/images BODY_LIMIT_BYTES=6291456|VEHICLE_RESERVATION_SWEEP_MS=500"
  "credit-service|8083|services/credit-service/credit-service|DATABASE_URL=\${CREDIT_DATABASE_URL} DATABASE_MIGRATION_URL=\${CREDIT_DATABASE_MIGRATION_URL} AMQP_URL=\${CREDIT_AMQP_URL} OPERATOR_TZ=Africa/Kampala ENCRYPTION_KEY=\${ENCRYPTION_KEY} DEFAULT_REGION=UG USER_SERVICE_URL=http://127.0.0.1:\${PORT_user_service} VEHICLE_SERVICE_URL=http://127.0.0.1:\${PORT_vehicle_service} PAYMENT_SERVICE_URL=http://127.0.0.1:\${PORT_payment_service} CREDIT_APPROVAL_TTL_DAYS=30 CREDIT_AFFORDABILITY_MAX_PERCENT=40|CREDIT_EXPIRY_INTERVAL_SECONDS=1"
  "mobile-money-sim|8095|tools/mobile-money-sim/mobile-money-sim|SIM_PORT=\${PORT_mobile_money_sim} $MOMO_CREDENTIALS SIM_AIRTEL_CALLBACK_URL=http://127.0.0.1:\${PORT_api_gateway}/api/v1/webhooks/airtel_money AT_USERNAME=rto-local AT_API_KEY=\${MOMO_SIM_SECRET} SIM_AT_CALLBACK_URL=http://127.0.0.1:\${PORT_api_gateway}/api/v1/webhooks/sms/africastalking|SIM_CALLBACK_DELAY_MS=100 SIM_EXPIRY_MS=4000"
  "payment-service|8084|services/payment-service/payment-service|DATABASE_URL=\${PAYMENT_DATABASE_URL} DATABASE_MIGRATION_URL=\${PAYMENT_DATABASE_MIGRATION_URL} AMQP_URL=\${PAYMENT_AMQP_URL} OPERATOR_TZ=Africa/Kampala USER_SERVICE_URL=http://127.0.0.1:\${PORT_user_service} VEHICLE_SERVICE_URL=http://127.0.0.1:\${PORT_vehicle_service} CREDIT_SERVICE_URL=http://127.0.0.1:\${PORT_credit_service} PAYMENT_CALLBACK_BASE_URL=http://127.0.0.1:\${PORT_api_gateway} MTN_MOMO_BASE_URL=http://127.0.0.1:\${PORT_mobile_money_sim} AIRTEL_MONEY_BASE_URL=http://127.0.0.1:\${PORT_mobile_money_sim} MPESA_BASE_URL=http://127.0.0.1:\${PORT_mobile_money_sim} $MOMO_CREDENTIALS|JOB_INTERVAL_MS=1000 RECONCILE_AFTER_SECONDS=1 PAYMENT_REQUEST_TTL_SECONDS=8"
  "telematics-service|8085|services/telematics-service/telematics-service|DATABASE_URL=\${TELEMATICS_DATABASE_URL} DATABASE_MIGRATION_URL=\${TELEMATICS_DATABASE_MIGRATION_URL} AMQP_URL=\${TELEMATICS_AMQP_URL} OPERATOR_TZ=Africa/Kampala VEHICLE_SERVICE_URL=http://127.0.0.1:\${PORT_vehicle_service} GT06_PORT=\${PORT_gt06} TELTONIKA_PORT=\${PORT_teltonika} OSMAND_PORT=\${PORT_osmand}|LOCK_GRACE_MS=0 LOCK_STOPPED_MS=2000 JOB_INTERVAL_MS=200 INGEST_FLUSH_MS=50"
  "support-service|8086|services/support-service/support-service|DATABASE_URL=\${SUPPORT_DATABASE_URL} DATABASE_MIGRATION_URL=\${SUPPORT_DATABASE_MIGRATION_URL} AMQP_URL=\${SUPPORT_AMQP_URL} USER_SERVICE_URL=http://127.0.0.1:\${PORT_user_service} PAYMENT_SERVICE_URL=http://127.0.0.1:\${PORT_payment_service} DEFAULT_REGION=UG OPERATOR_TZ=Africa/Kampala SMS_PROVIDER=outbox|SMS_JOB_INTERVAL_MS=200 SLA_JOB_INTERVAL_MS=1000 SMS_QUIET_START_HOUR=0 SMS_QUIET_END_HOUR=0"
  "api-gateway|8080|services/api-gateway/api-gateway|AMQP_URL=\${GATEWAY_AMQP_URL} UPSTREAM_USER_URL=http://127.0.0.1:\${PORT_user_service} UPSTREAM_VEHICLE_URL=http://127.0.0.1:\${PORT_vehicle_service} UPSTREAM_CREDIT_URL=http://127.0.0.1:\${PORT_credit_service} UPSTREAM_PAYMENT_URL=http://127.0.0.1:\${PORT_payment_service} UPSTREAM_TELEMATICS_URL=http://127.0.0.1:\${PORT_telematics_service} UPSTREAM_SUPPORT_URL=http://127.0.0.1:\${PORT_support_service} GATEWAY_ROUTES_FILE=\${ROOT}/services/api-gateway/routes.json CORS_ORIGINS=http://localhost:3000,http://localhost:\${PORT_frontend},http://127.0.0.1:\${PORT_frontend} HTTP_IO_THREADS=2|TRUSTED_PROXIES=127.0.0.1 RATE_AUTH_PER_IP_RPS=5 RATE_AUTH_PER_IP_BURST=10"
)
# Development tools, started after the services and the demo catalogue and only with --env dev
# (same fields; they answer GET /ready on their port too). The tracker simulator drives the demo
# vehicles to which scripts/seed-trackers.sh (run just before) gave a tracker, so positions move
# on the gateway's `fleet` WebSocket channel.
DEV_TOOLS=(
  "tracker-sim|8096|tools/tracker-sim/tracker-sim|TRACKER_HOST=127.0.0.1 GT06_PORT=\${PORT_gt06} TELTONIKA_PORT=\${PORT_teltonika} OSMAND_PORT=\${PORT_osmand} SIM_IMEIS=\${ENV_DIR}/trackers.txt SIM_INTERVAL_MS=5000 SIM_STATS_MS=60000|"
)
READY_TIMEOUT=${READY_TIMEOUT:-60} # seconds to wait for GET /ready = 200
STOP_TIMEOUT=${STOP_TIMEOUT:-15}   # seconds between SIGTERM and SIGKILL

usage() {
  echo "usage: $0 {start|stop|status|logs} [--env dev|test] [--build-dir DIR]" >&2
  exit 2
}

CMD=${1:-}
[ $# -gt 0 ] && shift
ENV_NAME=dev
BUILD_DIR=""
while [ $# -gt 0 ]; do
  case $1 in
    --env) [ $# -ge 2 ] || usage; ENV_NAME=$2; shift 2 ;;
    --env=*) ENV_NAME=${1#--env=}; shift ;;
    --build-dir) [ $# -ge 2 ] || usage; BUILD_DIR=$2; shift 2 ;;
    --build-dir=*) BUILD_DIR=${1#--build-dir=}; shift ;;
    *) usage ;;
  esac
done

case $ENV_NAME in
  dev) PORT_OFFSET=0 DEFAULT_BUILD=build/release ;;
  test) PORT_OFFSET=10000 DEFAULT_BUILD=build/test ;;
  *) echo "platform: unknown environment '$ENV_NAME' (dev or test)" >&2; exit 2 ;;
esac
# RTO_PORT_SHIFT moves every port (see scripts/infra.sh).
SHIFT=${RTO_PORT_SHIFT:-0}
[[ $SHIFT =~ ^[0-9]00$|^0$ ]] && [ "$SHIFT" -le 900 ] || { echo "platform: RTO_PORT_SHIFT must be 0, 100, ... 900" >&2; exit 2; }
PORT_OFFSET=$((PORT_OFFSET + SHIFT))
BUILD_DIR=${BUILD_DIR:-$DEFAULT_BUILD}
if [[ $BUILD_DIR != /* ]]; then
  if [ -d "$BUILD_DIR" ]; then BUILD_DIR=$(cd "$BUILD_DIR" && pwd); else BUILD_DIR=$ROOT/$BUILD_DIR; fi
fi

ENV_DIR=$ROOT/.data/$ENV_NAME
RUN_DIR=$ENV_DIR/run
LOG_DIR=$ENV_DIR/logs

log() { echo "platform[$ENV_NAME]: $*"; }
die() { echo "platform[$ENV_NAME]: $*" >&2; exit 1; }
rel() { local p=$1; echo "${p#"$PWD"/}"; }

# Split one SERVICES line into S_NAME S_PORT S_BIN S_ENV S_TEST_ENV.
parse() {
  IFS='|' read -r S_NAME S_PORT S_BIN S_ENV S_TEST_ENV <<< "$1"
  S_PORT=$((S_PORT + PORT_OFFSET))
}

# Ports of all services (and tools), for ${PORT_<service>} references.
for line in "${SERVICES[@]}" "${DEV_TOOLS[@]}"; do
  parse "$line"
  declare "PORT_${S_NAME//-/_}=$S_PORT"
done
# The Next.js frontend (scripts/frontend.sh), started after the services; RTO_FRONTEND=0 skips it.
PORT_frontend=$((3000 + PORT_OFFSET))
FRONTEND=$ROOT/scripts/frontend.sh
with_frontend() { [ "${RTO_FRONTEND:-1}" != 0 ] && [ -f "$ROOT/frontend/package.json" ]; }
# Tracker ports (Traccar's defaults), moved like the others: GT06 TCP, Teltonika TCP, OsmAnd HTTP.
declare "PORT_gt06=$((5023 + PORT_OFFSET))"
declare "PORT_teltonika=$((5027 + PORT_OFFSET))"
declare "PORT_osmand=$((5055 + PORT_OFFSET))"

# alive PID NAME: the process exists, is not a zombie, and its command name is NAME (max 15 chars).
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2> /dev/null) || return 1
  [[ $stat == "$1 (${2:0:15}) "* ]] && [[ $stat != "$1 (${2:0:15}) Z"* ]]
}

# exists PID: the process exists and is not a zombie (right after launch it may still be setsid/env).
exists() {
  local stat
  stat=$(cat "/proc/$1/stat" 2> /dev/null) || return 1
  [[ ${stat##*) } != Z* ]]
}

# Prints the pid of a running service, nothing otherwise.
running_pid() {
  local pid
  pid=$(cat "$RUN_DIR/$1.pid" 2> /dev/null || true)
  if [ -n "$pid" ] && alive "$pid" "$(basename "$2")"; then echo "$pid"; fi
}

ready_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1/ready" || true; }

# Expands ${VAR} references in one NAME=value item; an unset variable is an error.
expand() {
  local s=$1 out="" name
  while [[ $s =~ ^([^$]*)\$\{([A-Za-z_][A-Za-z0-9_]*)\}(.*)$ ]]; do
    name=${BASH_REMATCH[2]}
    [ -n "${!name+x}" ] || die "$S_NAME: \${$name} is not set (secrets.env / infra.env incomplete?)"
    out+=${BASH_REMATCH[1]}${!name}
    s=${BASH_REMATCH[3]}
  done
  printf '%s' "$out$s"
}

load_env() {
  [ -f "$ENV_DIR/infra.env" ] || die "no $(rel "$ENV_DIR")/infra.env: run scripts/infra.sh start --env $ENV_NAME first"
  [ -f "$ENV_DIR/secrets.env" ] || die "no $(rel "$ENV_DIR")/secrets.env: run scripts/infra.sh start --env $ENV_NAME first"
  set -a
  # shellcheck disable=SC1091
  . "$ENV_DIR/secrets.env"
  # shellcheck disable=SC1091
  . "$ENV_DIR/infra.env"
  set +a
}

wait_ready() { # name port pid log
  local t0; t0=$(date +%s%N)
  local deadline=$((t0 + READY_TIMEOUT * 1000000000)) code
  while :; do
    if ! exists "$3"; then
      echo "---- last 30 lines of $(rel "$4")" >&2
      tail -n 30 "$4" >&2 || true
      die "$1 exited during start-up"
    fi
    code=$(ready_code "$2")
    [ "$code" = 200 ] && return 0
    if [ "$(date +%s%N)" -ge $deadline ]; then
      echo "---- last 30 lines of $(rel "$4")" >&2
      tail -n 30 "$4" >&2 || true
      die "$1 not ready after ${READY_TIMEOUT} s (GET http://127.0.0.1:$2/ready answered '${code:-nothing}')"
    fi
    sleep 0.2
  done
}

start_one() {
  parse "$1"
  local bin=$BUILD_DIR/$S_BIN logf=$LOG_DIR/$S_NAME.log pid
  pid=$(running_pid "$S_NAME" "$S_BIN")
  if [ -n "$pid" ]; then
    log "$S_NAME already running (pid $pid, port $S_PORT)"
    if [[ $(readlink "/proc/$pid/exe" 2> /dev/null) == *" (deleted)" ]]; then
      log "$S_NAME: the binary was rebuilt since it started; stop and start again to run the new one"
    fi
    wait_ready "$S_NAME" "$S_PORT" "$pid" "$logf"
    return 0
  fi
  [ -x "$bin" ] || die "$S_NAME: no binary at $bin (build first: make build, or cmake --build --preset ...)"
  local who
  who=$(ss -Htlnp "sport = :$S_PORT" 2> /dev/null | head -1)
  [ -z "$who" ] || die "$S_NAME: port $S_PORT is already in use: $who"

  # A clean environment: only what the service is meant to read.
  local envs=(
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "HOME=${HOME:-/root}"
    "HOST=127.0.0.1" "PORT=$S_PORT" "LOG_LEVEL=${LOG_LEVEL:-info}"
    # dev and test run against the provider simulator over plain http (DEPLOY_ENV).
    "DEPLOY_ENV=$([ "$ENV_NAME" = test ] && echo test || echo development)"
    "MQ_EXCHANGE=rto.events" # AMQP_URL: each process its own broker user (its line above)
    # Everyone verifies access tokens; only the user service signs them (JWT_PRIVATE_KEY, in its
    # own line above); the gateway holds no signing key and takes no service tokens.
    "JWT_PUBLIC_KEYS=$JWT_PUBLIC_KEYS"
    # GnuTLS arrives only through libpq's LDAP library and is never used; without this it
    # initialises itself at load and keeps about 1 MB of each process resident.
    "GNUTLS_NO_IMPLICIT_INIT=1"
  )
  case $S_NAME in
    api-gateway | mobile-money-sim | tracker-sim) ;;
    *) envs+=("SERVICE_TOKEN_SECRET=$SERVICE_TOKEN_SECRET") ;;
  esac
  local v item items extra=$S_ENV
  [ "$ENV_NAME" = test ] && extra+=" $S_TEST_ENV"
  for v in TZ ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
    if [ -n "${!v:-}" ]; then envs+=("$v=${!v}"); fi
  done
  read -r -a items <<< "$extra" # split on blanks, no globbing
  for item in "${items[@]}"; do envs+=("$(expand "$item")"); done

  mkdir -p "$RUN_DIR" "$LOG_DIR"
  [ -f "$logf" ] && mv -f "$logf" "$logf.1" # keep the previous run's log
  # setsid: own session, survives the calling shell; 9>&- drops the lock descriptor.
  setsid env -i "${envs[@]}" "$bin" >> "$logf" 2>&1 < /dev/null 9>&- &
  pid=$!
  echo "$pid" > "$RUN_DIR/$S_NAME.pid"
  local t0; t0=$(date +%s%N)
  wait_ready "$S_NAME" "$S_PORT" "$pid" "$logf"
  log "$S_NAME ready (pid $pid, port $S_PORT) after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
}

stop_one() {
  parse "$1"
  local pid
  pid=$(running_pid "$S_NAME" "$S_BIN")
  if [ -z "$pid" ]; then
    rm -f "$RUN_DIR/$S_NAME.pid"
    log "$S_NAME not running"
    return 0
  fi
  kill -TERM "$pid" 2> /dev/null || true
  local n=$((STOP_TIMEOUT * 10))
  while exists "$pid" && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
  if exists "$pid"; then
    kill -KILL "$pid" 2> /dev/null || true
    n=50
    while exists "$pid" && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
    log "$S_NAME did not stop within ${STOP_TIMEOUT} s: killed (pid $pid)"
  else
    log "$S_NAME stopped (pid $pid)"
  fi
  rm -f "$RUN_DIR/$S_NAME.pid"
}

print_urls() {
  # shellcheck disable=SC2154 # PORT_api_gateway is declared from SERVICES above
  local gw=$PORT_api_gateway envd
  envd=$(rel "$ENV_DIR")
  echo
  echo "Platform ($ENV_NAME) is running:"
  with_frontend && echo "  Frontend       http://localhost:$PORT_frontend   (open this in a browser)"
  echo "  Gateway        http://localhost:$gw   (API under /api/v1)"
  for line in "${SERVICES[@]}"; do
    parse "$line"
    printf '  %-14s http://localhost:%s/health\n' "$S_NAME" "$S_PORT"
  done
  if [ "$ENV_NAME" = dev ] && [ -n "$(running_pid tracker-sim tools/tracker-sim/tracker-sim)" ]; then
    # shellcheck disable=SC2154 # PORT_tracker_sim is declared from DEV_TOOLS above
    echo "  Trackers       $(grep -cv '^#' "$ENV_DIR/trackers.txt") simulated vehicles report to the telematics service (http://localhost:$PORT_tracker_sim: counters; positions on the gateway's fleet WebSocket channel)"
  fi
  echo "  Admin account  ADMIN_PHONE / ADMIN_PASSWORD in $envd/secrets.env"
  if [ "$ENV_NAME" = dev ]; then
    echo "  Logs           $envd/logs/  (follow them: make logs; stop everything: make stop)"
  else
    echo "  Logs           $envd/logs/  (follow them: scripts/platform.sh logs --env $ENV_NAME)"
  fi
}

mkdir -p "$ENV_DIR"
exec 9> "$ENV_DIR/.platform.lock"

case $CMD in
  start)
    flock -w 120 9 || die "another platform.sh holds $ENV_DIR/.platform.lock"
    load_env
    for line in "${SERVICES[@]}"; do start_one "$line"; done
    if with_frontend; then "$FRONTEND" start --env "$ENV_NAME" || log "frontend not started (see above)"; fi
    if [ "$ENV_NAME" = dev ]; then
      # A demo catalogue with pictures for a fresh local platform (when vehicles exist, it only
      # adds pictures to demo listings that have none). IMAGE_DIR is the vehicle service's.
      env -i "PATH=$PATH" "DATABASE_URL=$VEHICLE_DATABASE_URL" "DATABASE_MIGRATION_URL=$VEHICLE_DATABASE_MIGRATION_URL" "IMAGE_DIR=$ENV_DIR/images" \
        "$BUILD_DIR/services/vehicle-service/vehicle-service" seed-demo >> "$LOG_DIR/seed-demo.log" 2>&1 ||
        log "demo catalogue not loaded: see $(rel "$LOG_DIR")/seed-demo.log"
      # Trackers for a few demo vehicles (reused on the next start), then the simulator.
      if GATEWAY_URL="http://127.0.0.1:$PORT_api_gateway" "$ROOT/scripts/seed-trackers.sh" --env dev >> "$LOG_DIR/seed-trackers.log" 2>&1; then
        for line in "${DEV_TOOLS[@]}"; do start_one "$line"; done
      else
        log "tracker simulator not started: see $(rel "$LOG_DIR")/seed-trackers.log"
      fi
    fi
    print_urls
    ;;
  stop)
    flock -w 120 9 || die "another platform.sh holds $ENV_DIR/.platform.lock"
    "$FRONTEND" stop --env "$ENV_NAME"
    if [ "$ENV_NAME" = dev ]; then for line in "${DEV_TOOLS[@]}"; do stop_one "$line"; done; fi
    for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do stop_one "${SERVICES[i]}"; done
    ;;
  status)
    lines=("${SERVICES[@]}")
    [ "$ENV_NAME" = dev ] && lines+=("${DEV_TOOLS[@]}")
    for line in "${lines[@]}"; do
      parse "$line"
      pid=$(running_pid "$S_NAME" "$S_BIN")
      if [ -n "$pid" ]; then
        printf '%-13s [%s]: running  pid %s  http://127.0.0.1:%s  /ready %s\n' "$S_NAME" "$ENV_NAME" "$pid" "$S_PORT" "$(ready_code "$S_PORT")"
      else
        printf '%-13s [%s]: stopped  (port %s)\n' "$S_NAME" "$ENV_NAME" "$S_PORT"
      fi
    done
    if with_frontend; then "$FRONTEND" status --env "$ENV_NAME"; fi
    ;;
  logs)
    exec 9>&-
    mkdir -p "$LOG_DIR"
    files=()
    lines=("${SERVICES[@]}")
    [ "$ENV_NAME" = dev ] && lines+=("${DEV_TOOLS[@]}")
    for line in "${lines[@]}"; do
      parse "$line"
      touch "$LOG_DIR/$S_NAME.log"
      files+=("$LOG_DIR/$S_NAME.log")
    done
    exec tail -n 20 -F "${files[@]}"
    ;;
  *) usage ;;
esac
