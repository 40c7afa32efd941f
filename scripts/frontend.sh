#!/usr/bin/env bash
# The Next.js frontend (frontend/) next to the platform's services.
#
#   scripts/frontend.sh {install|build|start|stop|status|test} [--env dev|test]
#
# install  npm ci, only when frontend/package-lock.json changed since the last install
# build    install, then `next build`, only when a source file changed since the last build
# start    build, then `next start` on 3000 (+10000 for test, + RTO_PORT_SHIFT), talking to the
#          gateway of the same environment; waits for GET /healthz. MAP_TILE_URL (a {z}/{x}/{y}
#          template, "none" for no tiles) and MAP_TILE_ATTRIBUTION are passed on when set.
# stop     stops it              status  says whether it runs
# test     component tests (Vitest) and browser journeys (playwright-core + Debian chromium)
#          against the running platform of the environment (default test)
# pid file: .data/<env>/run/frontend.pid   log: .data/<env>/logs/frontend.log
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
APP=$ROOT/frontend
CMD=${1:-}
[ $# -gt 0 ] && shift
ENV_NAME=dev
[ "$CMD" = test ] && ENV_NAME=test
while [ $# -gt 0 ]; do
  case $1 in
    --env) ENV_NAME=$2; shift 2 ;;
    --env=*) ENV_NAME=${1#--env=}; shift ;;
    *) echo "usage: $0 {install|build|start|stop|status|test} [--env dev|test]" >&2; exit 2 ;;
  esac
done
case $ENV_NAME in
  dev) OFFSET=0 ;;
  test) OFFSET=10000 ;;
  *) echo "frontend: unknown environment '$ENV_NAME'" >&2; exit 2 ;;
esac
SHIFT=${RTO_PORT_SHIFT:-0}
OFFSET=$((OFFSET + SHIFT))
PORT=$((3000 + OFFSET))
GATEWAY_PORT=$((8080 + OFFSET))
OSMAND_PORT=$((5055 + OFFSET)) # the telematics service's OsmAnd device port
ENV_DIR=$ROOT/.data/$ENV_NAME
PID_FILE=$ENV_DIR/run/frontend.pid
LOG=$ENV_DIR/logs/frontend.log
READY_TIMEOUT=${READY_TIMEOUT:-60}

log() { echo "frontend[$ENV_NAME]: $*"; }
die() { echo "frontend[$ENV_NAME]: $*" >&2; exit 1; }

need_node() {
  command -v node > /dev/null && command -v npm > /dev/null || die "node and npm are needed (scripts/setup-deps.sh)"
}

install() {
  need_node
  local want have=""
  want=$(sha256sum "$APP/package-lock.json" | cut -d' ' -f1)
  [ -f "$APP/node_modules/.rto-lock-sha" ] && have=$(cat "$APP/node_modules/.rto-lock-sha")
  if [ "$want" = "$have" ]; then return 0; fi
  log "npm ci (package-lock.json changed)"
  (cd "$APP" && nice -n 10 npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$APP/node_modules/.rto-lock-sha"
}

source_sha() {
  # Only the paths that exist: a fresh clone has no public/, and find's complaint about a missing
  # path would fail the pipeline.
  local p paths=()
  for p in app components lib messages public next.config.mjs tsconfig.json package-lock.json; do
    [ -e "$APP/$p" ] && paths+=("$p")
  done
  (cd "$APP" && find "${paths[@]}" -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
}

build() {
  install
  local want have=""
  want=$(source_sha)
  [ -f "$APP/.next/.rto-src-sha" ] && have=$(cat "$APP/.next/.rto-src-sha")
  if [ "$want" = "$have" ] && [ -f "$APP/.next/BUILD_ID" ]; then return 0; fi
  log "next build"
  local t0; t0=$(date +%s)
  (cd "$APP" && NEXT_TELEMETRY_DISABLED=1 nice -n 10 node_modules/.bin/next build)
  echo "$want" > "$APP/.next/.rto-src-sha"
  log "built in $(($(date +%s) - t0)) s"
}

running_pid() {
  local pid
  pid=$(cat "$PID_FILE" 2> /dev/null || true)
  [ -n "$pid" ] && [ -d "/proc/$pid" ] && grep -q "next" "/proc/$pid/cmdline" 2> /dev/null && echo "$pid"
  return 0
}

ready() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$PORT/healthz" || true)" = 200 ]; }

start() {
  local pid
  pid=$(running_pid)
  if [ -n "$pid" ]; then
    log "already running (pid $pid, port $PORT)"
    return 0
  fi
  build
  local who
  who=$(ss -Htlnp "sport = :$PORT" 2> /dev/null | head -1)
  [ -z "$who" ] || die "port $PORT is already in use: $who"
  mkdir -p "$ENV_DIR/run" "$ENV_DIR/logs"
  [ -f "$LOG" ] && mv -f "$LOG" "$LOG.1"
  # The test environment never asks the outside world for map tiles: a loopback port where
  # nothing listens, so the journeys see maps whose tiles cannot load (as with no internet).
  if [ "$ENV_NAME" = test ] && [ -z "${MAP_TILE_URL+set}" ]; then MAP_TILE_URL="http://127.0.0.1:9/{z}/{x}/{y}.png"; fi
  # The command itself is backgrounded (not a subshell around it), so the pid file holds the server's pid.
  (cd "$APP" || exit 1
    setsid env -i "PATH=$PATH" "HOME=${HOME:-/root}" NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 \
    "GATEWAY_URL=http://127.0.0.1:$GATEWAY_PORT" "PUBLIC_GATEWAY_PORT=$GATEWAY_PORT" \
    ${PUBLIC_GATEWAY_URL:+"PUBLIC_GATEWAY_URL=$PUBLIC_GATEWAY_URL"} \
    ${MAP_TILE_URL+"MAP_TILE_URL=$MAP_TILE_URL"} ${MAP_TILE_ATTRIBUTION+"MAP_TILE_ATTRIBUTION=$MAP_TILE_ATTRIBUTION"} \
    node node_modules/next/dist/bin/next start -p "$PORT" -H "${FRONTEND_HOST:-127.0.0.1}" >> "$LOG" 2>&1 < /dev/null 9>&- &
    echo $! > "$PID_FILE"
  )
  pid=$(cat "$PID_FILE")
  local deadline=$(($(date +%s) + READY_TIMEOUT))
  until ready; do
    [ -d "/proc/$pid" ] || { tail -n 30 "$LOG" >&2; die "exited during start-up"; }
    [ "$(date +%s)" -lt $deadline ] || { tail -n 30 "$LOG" >&2; die "not ready after ${READY_TIMEOUT} s"; }
    sleep 0.3
  done
  log "ready (pid $pid) on http://localhost:$PORT"
}

stop() {
  local pid n=100
  pid=$(running_pid)
  if [ -z "$pid" ]; then
    rm -f "$PID_FILE"
    return 0
  fi
  kill -TERM "$pid" 2> /dev/null || true
  while [ -d "/proc/$pid" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
  [ -d "/proc/$pid" ] && kill -KILL "$pid" 2> /dev/null || true
  rm -f "$PID_FILE"
  log "stopped (pid $pid)"
}

run_tests() {
  install
  local rc=0
  log "component tests (vitest)"
  (cd "$APP" && nice -n 10 node_modules/.bin/vitest run) || rc=1
  log "browser journeys (playwright-core, /usr/bin/chromium)"
  if ready; then
    (cd "$APP" && FRONTEND_URL="http://localhost:$PORT" GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT" \
      OSMAND_URL="http://127.0.0.1:$OSMAND_PORT" \
      SECRETS_FILE="$ENV_DIR/secrets.env" SCREENSHOT_DIR="$ENV_DIR/screenshots" \
      nice -n 10 node tests/browser/run.mjs) || rc=1
  else
    log "the frontend is not running on port $PORT: browser journeys not run"
    rc=1
  fi
  return $rc
}

case $CMD in
  install) install ;;
  build) build ;;
  start) start ;;
  stop) stop ;;
  status)
    pid=$(running_pid)
    if [ -n "$pid" ]; then echo "frontend      [$ENV_NAME]: running  pid $pid  http://127.0.0.1:$PORT"; else echo "frontend      [$ENV_NAME]: stopped  (port $PORT)"; fi
    ;;
  test) run_tests ;;
  *) echo "usage: $0 {install|build|start|stop|status|test} [--env dev|test]" >&2; exit 2 ;;
esac
