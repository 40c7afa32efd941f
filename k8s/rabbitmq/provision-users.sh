#!/usr/bin/env bash
# Creates one RabbitMQ user per process that uses the broker, each allowed only what it needs
# (run by scripts/infra.sh on every start, by the Compose `rabbitmq-users` job and the Kubernetes
# `rabbitmq-users` Job; safe to re-run). Passwords come from the environment:
#   USER_MQ_PASSWORD VEHICLE_MQ_PASSWORD CREDIT_MQ_PASSWORD PAYMENT_MQ_PASSWORD
#   TELEMATICS_MQ_PASSWORD SUPPORT_MQ_PASSWORD GATEWAY_MQ_PASSWORD
#
# For a service <svc>-service whose events are <svc>.* (user, vehicle, credit, payment,
# telematics, support), on exchange E (MQ_EXCHANGE, rto.events):
#   resources   configure, write and read only E, E.dlx, E.retry, E.unroutable and its own queues
#               (<svc>-service.*): it can consume no other service's queue
#   topic E     publishes only routing keys <svc>.* (an event another service owns is refused
#               by the broker); binds to any key (it may hear every event)
#   topic E.retry  publishes and binds only <svc>-service.* (its own retried deliveries)
# The gateway (user api-gateway) publishes nothing: it reads E into server-named private queues.
#
# Backends: rabbitmqctl (RABBITMQCTL, default `rabbitmqctl -q`), or, when RABBITMQ_API_URL is set
# (http://host:15672), the management HTTP API with RABBITMQ_API_USER / RABBITMQ_API_PASSWORD.
set -euo pipefail

E=${MQ_EXCHANGE:-rto.events}
VHOST=${RABBITMQ_VHOST:-/}
read -r -a CTL <<< "${RABBITMQCTL:-rabbitmqctl -q}"

esc() { printf '%s' "$1" | sed 's/[.]/\\./g'; } # a name as a regular expression
json() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
api() { # api METHOD PATH JSON
  curl -fsS -o /dev/null -u "${RABBITMQ_API_USER:?}:${RABBITMQ_API_PASSWORD:?}" -H 'content-type: application/json' \
    -X "$1" "${RABBITMQ_API_URL%/}/api/$2" -d "$3"
}
vh() { [ "$VHOST" = / ] && printf '%%2F' || printf '%s' "$VHOST"; }

# user NAME PASSWORD CONFIGURE WRITE READ, then topic EXCHANGE WRITE READ ...
user() {
  local name=$1 pw=$2 conf=$3 write=$4 read=$5
  if [ -n "${RABBITMQ_API_URL:-}" ]; then
    api PUT "users/$name" "{\"password\":\"$(json "$pw")\",\"tags\":\"\"}"
    api PUT "permissions/$(vh)/$name" "{\"configure\":\"$(json "$conf")\",\"write\":\"$(json "$write")\",\"read\":\"$(json "$read")\"}"
  else
    "${CTL[@]}" add_user "$name" "$pw" > /dev/null 2>&1 || "${CTL[@]}" change_password "$name" "$pw" > /dev/null
    "${CTL[@]}" set_user_tags "$name" > /dev/null
    "${CTL[@]}" set_permissions -p "$VHOST" "$name" "$conf" "$write" "$read" > /dev/null
  fi
}
topic() { # topic USER EXCHANGE WRITE READ
  if [ -n "${RABBITMQ_API_URL:-}" ]; then
    api PUT "topic-permissions/$(vh)/$1" "{\"exchange\":\"$(json "$2")\",\"write\":\"$(json "$3")\",\"read\":\"$(json "$4")\"}"
  else
    "${CTL[@]}" set_topic_permissions -p "$VHOST" "$1" "$2" "$3" "$4" > /dev/null
  fi
}

e=$(esc "$E")
shared="$e|$e\\.dlx|$e\\.retry|$e\\.unroutable"
for svc in user vehicle credit payment telematics support; do
  var=${svc^^}_MQ_PASSWORD
  name=$svc-service
  own="$(esc "$name")\\..+"
  user "$name" "${!var:?$var is not set}" "^($shared|$own)\$" "^($e|$e\\.retry|$e\\.unroutable|$own)\$" "^($shared|$own)\$"
  topic "$name" "$E" "^$svc\\." '.*'
  topic "$name" "$E.retry" "^$(esc "$name")\\." "^$(esc "$name")\\."
done
gen='amq\.gen-.+'
user api-gateway "${GATEWAY_MQ_PASSWORD:?GATEWAY_MQ_PASSWORD is not set}" "^($e|$gen)\$" "^$gen\$" "^($e|$gen)\$"
topic api-gateway "$E" '^$' '.*'
echo "provision-users: 7 RabbitMQ users ready on $E"
