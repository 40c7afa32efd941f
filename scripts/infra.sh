#!/usr/bin/env bash
# Local infrastructure for one environment: a PostgreSQL 15 cluster and a RabbitMQ node,
# with their data under .data/<env>. Run as root (Debian 12).
#
#   scripts/infra.sh {start|stop|status|rabbitmq-stop|rabbitmq-start|postgres-pause|postgres-resume|reset} [--env dev|test]
# postgres-pause stops every PostgreSQL process with SIGSTOP (the server then accepts connections
# into the kernel's backlog and answers nothing: a hung or blackholed database) until
# postgres-resume; the end-to-end tests use it.
#
# start is idempotent (what already runs is left alone). It writes .data/<env>/infra.env
# (ports and connection URLs, shell syntax) for the other scripts to source.
# reset stops the environment and deletes its databases and broker state (secrets are kept).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
  echo "usage: $0 {start|stop|status|rabbitmq-stop|rabbitmq-start|postgres-pause|postgres-resume|reset} [--env dev|test]" >&2
  exit 2
}

CMD=${1:-}
[ $# -gt 0 ] && shift
ENV_NAME=dev
while [ $# -gt 0 ]; do
  case $1 in
    --env) [ $# -ge 2 ] || usage; ENV_NAME=$2; shift 2 ;;
    --env=*) ENV_NAME=${1#--env=}; shift ;;
    *) usage ;;
  esac
done

# Ports per environment (dev and test never share a port or a data directory).
case $ENV_NAME in
  dev) PG_PORT=55432 AMQP_PORT=55672 DIST_PORT=55673 MGMT_PORT=55674 ;;
  test) PG_PORT=56432 AMQP_PORT=56672 DIST_PORT=56673 MGMT_PORT=56674 ;;
  *) echo "infra: unknown environment '$ENV_NAME' (dev or test)" >&2; exit 2 ;;
esac
# RTO_PORT_SHIFT (0-900, a multiple of 100) moves every port of a checkout, so two checkouts
# (e.g. two branches) run their platforms and tests side by side on one machine.
SHIFT=${RTO_PORT_SHIFT:-0}
[[ $SHIFT =~ ^[0-9]00$|^0$ ]] && [ "$SHIFT" -le 900 ] || { echo "infra: RTO_PORT_SHIFT must be 0, 100, ... 900" >&2; exit 2; }
PG_PORT=$((PG_PORT + SHIFT)) AMQP_PORT=$((AMQP_PORT + SHIFT)) DIST_PORT=$((DIST_PORT + SHIFT)) MGMT_PORT=$((MGMT_PORT + SHIFT))

ENV_DIR=$ROOT/.data/$ENV_NAME
PG_BIN=/usr/lib/postgresql/15/bin
RMQ_BIN=/usr/lib/rabbitmq/bin
RMQ_ROOT=$ENV_DIR/rabbitmq
RMQ_PID_FILE=$RMQ_ROOT/rabbit.pid
RMQ_LAUNCHER_PID=$RMQ_ROOT/launcher.pid
RMQ_NODE=$ENV_NAME@localhost
if [ "$SHIFT" != 0 ]; then RMQ_NODE=$ENV_NAME$SHIFT@localhost; fi
DATABASES=(userdb vehicledb paymentdb creditdb telematicsdb supportdb)

log() { echo "infra[$ENV_NAME]: $*"; }
die() { echo "infra[$ENV_NAME]: $*" >&2; exit 1; }
now() { date +%s.%N; }
# Fails with a clear message when a TCP port on 127.0.0.1 is already taken by someone else.
need_free_port() {
  local who
  who=$(ss -Htlnp "sport = :$1" 2> /dev/null | head -1)
  [ -z "$who" ] || die "port $1 ($2) is already in use: $who"
}
# exists PID: the process exists and is not a zombie.
exists() {
  local stat
  stat=$(cat "/proc/$1/stat" 2> /dev/null) || return 1
  [[ ${stat##*) } != Z* ]]
}
# alive PID COMM: the process exists, is not a zombie and has that command name.
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2> /dev/null) || return 1
  [[ $stat == "$1 ($2) "* ]] && [[ $stat != "$1 ($2) Z"* ]]
}
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

[ "$(id -u)" -eq 0 ] || die "must run as root (PostgreSQL is run through runuser -u postgres)"
[ -x "$PG_BIN/initdb" ] || die "PostgreSQL 15 not installed; run scripts/setup-deps.sh"
[ -x "$RMQ_BIN/rabbitmq-server" ] || die "RabbitMQ not installed; run scripts/setup-deps.sh"

mkdir -p "$ENV_DIR"
chmod 755 "$ROOT/.data" "$ENV_DIR"

# One infra.sh at a time per environment. Daemons are started with 9>&- so they do not keep the lock.
exec 9> "$ENV_DIR/.infra.lock"
flock -w 120 9 || die "another infra.sh holds $ENV_DIR/.infra.lock"

# ---------------------------------------------------------------- PostgreSQL

# The cluster lives in .data/<env>/pg. The postgres user must be able to reach it and the socket
# path must fit in 107 bytes; when either fails (repo under /root, very deep path), the cluster is
# placed in /var/tmp/rto-pg/ and .data/<env>/pg is a symlink to it. Only `pg_locate create`
# creates directories.
pg_locate() {
  local link=$ENV_DIR/pg
  if [ "${1:-}" != create ]; then
    :
  elif [ -L "$link" ] && [ ! -e "$link" ]; then
    install -d -o postgres -g postgres -m 755 "$(readlink "$link")" # target was cleaned away
  elif [ ! -e "$link" ]; then
    if runuser -u postgres -- test -x "$ENV_DIR" && [ ${#link} -le 90 ]; then
      install -d -o postgres -g postgres -m 755 "$link"
    else
      local ext
      ext=/var/tmp/rto-pg/$(printf '%s' "$link" | md5sum | cut -c1-12)-$ENV_NAME
      install -d -m 755 /var/tmp/rto-pg
      install -d -o postgres -g postgres -m 755 "$ext"
      ln -sfn "$ext" "$link"
      log "PostgreSQL data placed in $ext (linked from $link)"
    fi
  fi
  PG_ROOT=$(readlink -f "$link" || echo "$link")
  PG_DATA=$PG_ROOT/data
  PG_LOG=$PG_ROOT/server.log
}

as_postgres() { runuser -u postgres -- "$@"; }
pg_running() { [ -f "$PG_DATA/PG_VERSION" ] && as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status > /dev/null 2>&1; }
pg_pid() { head -1 "$PG_DATA/postmaster.pid" 2> /dev/null || true; }
psql_admin() { "$PG_BIN/psql" -h "$PG_ROOT" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAtX; }

pg_init() {
  log "initialising PostgreSQL cluster in $PG_DATA"
  as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
    > "$PG_ROOT/initdb.log" 2>&1 || { cat "$PG_ROOT/initdb.log" >&2; die "initdb failed"; }
  # Only postgres may use the socket without a password; everything else authenticates with SCRAM.
  cat > "$PG_DATA/pg_hba.conf" << 'HBA'
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       postgres                 trust
local   all       all                      scram-sha-256
host    all       all       127.0.0.1/32   scram-sha-256
HBA
  echo "include_if_exists = 'rto.conf'" >> "$PG_DATA/postgresql.conf"
  chown postgres:postgres "$PG_DATA/pg_hba.conf"
}

# Settings owned by this script, rewritten on every start.
pg_write_conf() {
  {
    echo "# Written by scripts/infra.sh on every start."
    echo "port = $PG_PORT"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$PG_ROOT'"
    echo "password_encryption = 'scram-sha-256'"
    echo "max_connections = 200"
    if [ "$ENV_NAME" = test ]; then
      echo "# Throwaway data: durability traded for speed."
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    fi
  } > "$PG_DATA/rto.conf"
  chown postgres:postgres "$PG_DATA/rto.conf"
}

# The six databases with an owner and a runtime role each (deploy/postgres/init-databases.sh,
# the script Compose and Kubernetes run too), and role rto (DB_PASSWORD), the operator's, owning
# none of them; in test rto may also create databases and roles (the integration tests make
# their own). A database an earlier version made, owned by rto, is handed to its owner role.
pg_provision() {
  local createdb=NOCREATEDB db svc
  [ "$ENV_NAME" = test ] && createdb="CREATEDB CREATEROLE"
  psql_admin > /dev/null << SQL
\\set pw '$DB_PASSWORD'
SELECT 'CREATE ROLE rto LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rto')\\gexec
ALTER ROLE rto WITH LOGIN $createdb PASSWORD :'pw';
SQL
  # REASSIGN OWNED moves the databases themselves too: list them first, then fix each one's
  # objects; init-databases.sh sets every database's owner after.
  local legacy
  legacy=$(psql_admin <<< "SELECT datname FROM pg_database WHERE pg_get_userbyid(datdba) = 'rto' AND datname IN ($(printf "'%s'," "${DATABASES[@]}" | sed 's/,$//'))")
  for db in $legacy; do
    svc=${db%db}
    log "PostgreSQL: handing $db from role rto to ${svc}_svc"
    psql_admin <<< "SELECT 'CREATE ROLE ${svc}_svc LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${svc}_svc')\\gexec" > /dev/null
    "$PG_BIN/psql" -h "$PG_ROOT" -p "$PG_PORT" -U postgres -d "$db" -v ON_ERROR_STOP=1 -qAtX \
      -c "REASSIGN OWNED BY rto TO ${svc}_svc" > /dev/null
  done
  PGHOST=$PG_ROOT PGPORT=$PG_PORT PATH=$PG_BIN:$PATH "$ROOT/deploy/postgres/init-databases.sh" > /dev/null
}

pg_start() {
  pg_locate create
  [ -f "$PG_DATA/PG_VERSION" ] || pg_init
  if pg_running; then
    log "PostgreSQL already running (pid $(pg_pid), port $PG_PORT)"
  else
    local t0; t0=$(now)
    need_free_port "$PG_PORT" PostgreSQL
    pg_write_conf
    [ -f "$PG_LOG" ] && mv -f "$PG_LOG" "$PG_LOG.1"
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start > /dev/null 9>&- || {
      tail -n 30 "$PG_LOG" >&2
      die "PostgreSQL did not start (is port $PG_PORT taken?)"
    }
    log "PostgreSQL started (pid $(pg_pid), port $PG_PORT) in $(elapsed "$t0")"
  fi
  pg_provision
}

pg_stop() {
  pg_locate
  if pg_running; then
    local t0; t0=$(now)
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop > /dev/null
    log "PostgreSQL stopped in $(elapsed "$t0")"
  else
    log "PostgreSQL not running"
  fi
}

# ---------------------------------------------------------------- RabbitMQ

# Environment shared by the server and the CLI tools (same HOME = same Erlang cookie).
rmq_env() {
  export HOME=$RMQ_ROOT/home
  export RABBITMQ_NODENAME=$RMQ_NODE RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT=$AMQP_PORT RABBITMQ_DIST_PORT=$DIST_PORT # DIST_PORT is mandatory
  export RABBITMQ_MNESIA_BASE=$RMQ_ROOT/mnesia RABBITMQ_LOG_BASE=$RMQ_ROOT/log
  export RABBITMQ_PID_FILE=$RMQ_PID_FILE ERL_CRASH_DUMP=$RMQ_ROOT/erl_crash.dump
  export RABBITMQ_ENABLED_PLUGINS_FILE=$RMQ_ROOT/enabled_plugins RABBITMQ_CONFIG_FILE=$RMQ_ROOT/rabbitmq
  export RABBITMQ_ADVANCED_CONFIG_FILE=$RMQ_ROOT/advanced.config RABBITMQ_CONF_ENV_FILE=$RMQ_ROOT/rabbitmq-env.conf
  export ERL_EPMD_ADDRESS=127.0.0.1
  # Listen on loopback only; +sbwt none: idle schedulers sleep instead of spinning (2 shared cores).
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1} +sbwt none +sbwtdcpu none +sbwtdio none"
  # Marks processes started from this checkout (epmd inherits it), so stop can recognise them.
  export RTO_INFRA_ROOT=$ROOT
}

# The rabbitmq-server wrapper script (parent of the Erlang VM), while it runs.
rmq_launcher() {
  local pid
  pid=$(cat "$RMQ_LAUNCHER_PID" 2> /dev/null || true)
  [ -n "$pid" ] && exists "$pid" || return 0
  # Guard against a reused pid: the wrapper, or the exec chain that leads to it.
  case $(cat "/proc/$pid/comm" 2> /dev/null) in
    rabbitmq-server | setsid | nohup | bash) echo "$pid" ;;
  esac
}

# The CLI may start epmd, a daemon: it must not inherit the lock descriptor.
rmqctl() { "$RMQ_BIN/rabbitmqctl" -q "$@" 9>&-; }

rmq_pid() {
  local pid
  pid=$(cat "$RMQ_PID_FILE" 2> /dev/null || true)
  if [ -n "$pid" ] && alive "$pid" beam.smp; then echo "$pid"; fi
}

rmq_write_conf() {
  mkdir -p "$HOME" "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
  : > "$RABBITMQ_CONF_ENV_FILE" # keeps /etc/rabbitmq/rabbitmq-env.conf out of the way
  # The default user is created on the first boot of a fresh node; guest is then never created.
  (
    umask 077
    cat > "$RMQ_ROOT/rabbitmq.conf" << CONF
# Written by scripts/infra.sh on every start.
loopback_users.guest = true
default_vhost = /
default_user = rto
default_pass = $RMQ_PASSWORD
default_user_tags.administrator = true
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
log.file.level = info
CONF
    if [ "$ENV_NAME" = dev ]; then
      printf 'management.tcp.ip = 127.0.0.1\nmanagement.tcp.port = %s\n' "$MGMT_PORT" >> "$RMQ_ROOT/rabbitmq.conf"
    fi
  )
  # The management plugin costs start-up time; only dev gets it.
  if [ "$ENV_NAME" = dev ]; then
    echo '[rabbitmq_management].' > "$RABBITMQ_ENABLED_PLUGINS_FILE"
  else
    echo '[].' > "$RABBITMQ_ENABLED_PLUGINS_FILE"
  fi
}

# On a node whose database predates the current secrets, make sure user rto (the operator's)
# exists with RMQ_PASSWORD; then each process's own user with its permissions
# (deploy/rabbitmq/provision-users.sh). Remembered in a marker file, so this costs CLI calls only
# when a password or the provisioning script changed.
rmq_provision() {
  local marker=$RMQ_ROOT/.provisioned want
  want=$( (env | grep -E '^(RMQ_PASSWORD|[A-Z]+_MQ_PASSWORD)=' | sort; cat "$ROOT/deploy/rabbitmq/provision-users.sh") | sha256sum | cut -c1-64)
  [ "$(cat "$marker" 2> /dev/null || true)" = "$want" ] && return 0
  if ! rmqctl authenticate_user rto "$RMQ_PASSWORD" > /dev/null 2>&1; then
    log "RabbitMQ: setting up user rto"
    rmqctl add_user rto "$RMQ_PASSWORD" > /dev/null 2>&1 || rmqctl change_password rto "$RMQ_PASSWORD" > /dev/null
    rmqctl set_user_tags rto administrator > /dev/null
    rmqctl set_permissions -p / rto '.*' '.*' '.*' > /dev/null
    rmqctl delete_user guest > /dev/null 2>&1 || true
  fi
  RABBITMQCTL="$RMQ_BIN/rabbitmqctl -q" "$ROOT/deploy/rabbitmq/provision-users.sh" > /dev/null 9>&-
  echo "$want" > "$marker"
}

# rmq_wait_boot LAUNCHER_PID SECONDS: `rabbitmqctl wait` returns once the app runs; the launcher
# is watched too, so a node that dies while booting fails fast.
rmq_wait_boot() {
  "$RMQ_BIN/rabbitmqctl" -q wait --timeout "$2" "$RMQ_PID_FILE" > "$RMQ_ROOT/wait.log" 2>&1 9>&- &
  local waiter=$!
  while kill -0 "$waiter" 2> /dev/null; do
    if ! exists "$1"; then
      kill "$waiter" 2> /dev/null || true
      break
    fi
    sleep 0.2
  done
  wait "$waiter" 2> /dev/null
}

rmq_start() {
  rmq_env
  local pid; pid=$(rmq_pid)
  if [ -n "$pid" ]; then
    log "RabbitMQ already running (pid $pid, node $RMQ_NODE, port $AMQP_PORT)"
    rmq_provision
    return 0
  fi
  local t0 server; t0=$(now)
  server=$(rmq_launcher)
  if [ -n "$server" ]; then
    # An earlier start was interrupted while the node was booting: wait for that one.
    log "RabbitMQ is already starting (launcher pid $server); waiting for it"
  else
    need_free_port "$AMQP_PORT" "RabbitMQ AMQP"
    need_free_port "$DIST_PORT" "RabbitMQ distribution"
    if [ "$ENV_NAME" = dev ]; then need_free_port "$MGMT_PORT" "RabbitMQ management"; fi
    rmq_write_conf
    rm -f "$RMQ_PID_FILE"
    setsid nohup "$RMQ_BIN/rabbitmq-server" > "$RMQ_ROOT/console.log" 2>&1 < /dev/null 9>&- &
    server=$!
    echo "$server" > "$RMQ_LAUNCHER_PID"
  fi
  if ! rmq_wait_boot "$server" 90; then
    tail -n 30 "$RMQ_ROOT/console.log" >&2
    die "RabbitMQ did not start (ports $AMQP_PORT/$DIST_PORT taken? log in $RABBITMQ_LOG_BASE)"
  fi
  rmq_provision
  log "RabbitMQ started (pid $(rmq_pid), node $RMQ_NODE, port $AMQP_PORT) in $(elapsed "$t0")"
}

# epmd (port 4369) outlives the node and may be shared by several nodes. Stop it only when it was
# started from this checkout and no node is registered with it any more.
epmd_cleanup() {
  local pid
  for pid in $(pgrep -x epmd || true); do
    alive "$pid" epmd || continue
    tr '\0' '\n' 2> /dev/null < "/proc/$pid/environ" | grep -xF "RTO_INFRA_ROOT=$ROOT" > /dev/null || continue
    if ! epmd -names 2> /dev/null | grep -q '^name '; then
      if kill "$pid" 2> /dev/null; then log "stopped epmd (pid $pid)"; fi
    fi
  done
  return 0
}

rmq_stop() {
  rmq_env
  local pid launcher; pid=$(rmq_pid)
  launcher=$(rmq_launcher)
  if [ -z "$pid" ] && [ -n "$launcher" ]; then
    # Still booting (an interrupted start). The VM ignores SIGTERM while it boots, so let it
    # finish and stop it normally; if it never comes up, kill it.
    log "RabbitMQ is still starting; waiting for it before stopping it"
    rmq_wait_boot "$launcher" 60 || true
    pid=$(rmq_pid)
    if [ -z "$pid" ]; then
      pkill -KILL -P "$launcher" 2> /dev/null || true
      kill -KILL "$launcher" 2> /dev/null || true
      rm -f "$RMQ_PID_FILE" "$RMQ_LAUNCHER_PID"
      log "RabbitMQ never finished starting: killed"
      epmd_cleanup
      return 0
    fi
  fi
  if [ -z "$pid" ]; then
    log "RabbitMQ not running"
  else
    local t0; t0=$(now)
    if ! rmqctl stop "$RMQ_PID_FILE" > /dev/null 2>&1; then
      # The CLI could not reach the node (cookie or epmd trouble): stop it by signal.
      kill -TERM "$pid" 2> /dev/null || true
      for _ in $(seq 1 150); do exists "$pid" || break; sleep 0.1; done
      kill -KILL "$pid" 2> /dev/null || true
    fi
    rm -f "$RMQ_PID_FILE" "$RMQ_LAUNCHER_PID"
    log "RabbitMQ stopped in $(elapsed "$t0")"
  fi
  epmd_cleanup
}

# ---------------------------------------------------------------- shared

load_secrets() {
  "$ROOT/scripts/secrets.sh" "$ENV_DIR" > /dev/null
  set -a
  # shellcheck disable=SC1091
  . "$ENV_DIR/secrets.env"
  set +a
}

write_infra_env() {
  local pg="postgresql://rto:$DB_PASSWORD@127.0.0.1:$PG_PORT"
  local amqp="amqp://rto:$RMQ_PASSWORD@127.0.0.1:$AMQP_PORT/"
  (
    umask 077
    {
      echo "# Written by scripts/infra.sh: connection settings of the $ENV_NAME infrastructure."
      echo "RTO_ENV=$ENV_NAME"
      echo "PG_HOST=127.0.0.1"
      echo "PG_PORT=$PG_PORT"
      echo "PG_SOCKET_DIR=$(printf '%q' "$PG_ROOT")"
      echo "PG_URL_BASE=$pg"
      echo "TEST_PG_URL=$pg/postgres"
      echo "AMQP_PORT=$AMQP_PORT"
      echo "AMQP_URL=$amqp"
      echo "TEST_AMQP_URL=$amqp"
      if [ "$ENV_NAME" = dev ]; then echo "RABBITMQ_MANAGEMENT_URL=http://127.0.0.1:$MGMT_PORT/"; fi
      # Each service's own: DATABASE_URL (runtime role), DATABASE_MIGRATION_URL (owner role),
      # AMQP_URL (its broker user); AMQP_URL and PG_URL_BASE above are the operator's.
      local svc up app own mq
      for svc in user vehicle credit payment telematics support; do
        up=${svc^^} app=${svc^^}_DB_APP_PASSWORD own=${svc^^}_DB_PASSWORD mq=${svc^^}_MQ_PASSWORD
        echo "${up}_DATABASE_URL=postgresql://${svc}_app:${!app}@127.0.0.1:$PG_PORT/${svc}db"
        echo "${up}_DATABASE_MIGRATION_URL=postgresql://${svc}_svc:${!own}@127.0.0.1:$PG_PORT/${svc}db"
        echo "${up}_AMQP_URL=amqp://${svc}-service:${!mq}@127.0.0.1:$AMQP_PORT/"
      done
      echo "GATEWAY_AMQP_URL=amqp://api-gateway:$GATEWAY_MQ_PASSWORD@127.0.0.1:$AMQP_PORT/"
    } > "$ENV_DIR/infra.env.tmp"
    mv "$ENV_DIR/infra.env.tmp" "$ENV_DIR/infra.env"
  )
}

print_urls() {
  local rel=${ENV_DIR#"$PWD"/}
  echo
  echo "Infrastructure ($ENV_NAME) — passwords in $rel/secrets.env, full URLs in $rel/infra.env:"
  echo "  PostgreSQL  postgresql://rto:***@127.0.0.1:$PG_PORT/{$(IFS=,; echo "${DATABASES[*]}")}"
  echo "  RabbitMQ    amqp://rto:***@127.0.0.1:$AMQP_PORT/"
  if [ "$ENV_NAME" = dev ]; then
    echo "  RabbitMQ management  http://127.0.0.1:$MGMT_PORT/ (user rto)"
  fi
}

status() {
  pg_locate
  if pg_running; then
    echo "PostgreSQL [$ENV_NAME]: running  pid $(pg_pid)  127.0.0.1:$PG_PORT  data $PG_DATA"
  else
    echo "PostgreSQL [$ENV_NAME]: stopped  (port $PG_PORT)"
  fi
  rmq_env
  local pid; pid=$(rmq_pid)
  if [ -n "$pid" ]; then
    local extra=""
    [ "$ENV_NAME" = dev ] && extra="  management 127.0.0.1:$MGMT_PORT"
    echo "RabbitMQ   [$ENV_NAME]: running  pid $pid  node $RMQ_NODE  amqp 127.0.0.1:$AMQP_PORT  dist $DIST_PORT$extra"
  elif [ -n "$(rmq_launcher)" ]; then
    echo "RabbitMQ   [$ENV_NAME]: starting  node $RMQ_NODE  amqp 127.0.0.1:$AMQP_PORT"
  else
    echo "RabbitMQ   [$ENV_NAME]: stopped  (port $AMQP_PORT)"
  fi
}

case $CMD in
  start)
    load_secrets
    pg_locate create
    write_infra_env
    pg_start
    rmq_start
    print_urls
    ;;
  stop)
    rmq_stop
    pg_stop
    ;;
  status) status ;;
  rabbitmq-stop) rmq_stop ;;
  postgres-pause | postgres-resume)
    pg_locate
    pid=$(pg_pid)
    [ -n "$pid" ] || die "PostgreSQL [$ENV_NAME] is not running"
    sig=STOP
    [ "$CMD" = postgres-resume ] && sig=CONT
    # The postmaster and every backend and helper it started.
    kill -s "$sig" "$pid" $(pgrep -P "$pid") 2> /dev/null || true
    ;;
  rabbitmq-start)
    load_secrets
    rmq_start
    ;;
  reset)
    rmq_stop
    pg_stop
    rm -rf "$PG_ROOT" "$RMQ_ROOT" "$ENV_DIR/infra.env"
    [ -L "$ENV_DIR/pg" ] && rm -f "$ENV_DIR/pg"
    log "data removed (secrets kept in $ENV_DIR/secrets.env)"
    ;;
  *) usage ;;
esac
