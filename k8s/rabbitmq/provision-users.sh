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
#               (<svc>-service.*): it can consume no other service's queue. (Write on E.dlx is
#               what declaring a queue that dead-letters there takes; E.dlx only feeds the
#               parked .dlq queues, which nothing consumes.)
#   topic E     publishes only routing keys <svc>.* (an event another service owns is refused
#               by the broker); binds to any key (it may hear every event)
#   topic E.retry  publishes and binds only <svc>-service.* (its own retried deliveries)
# The gateway (user api-gateway) publishes nothing: it reads E into server-named private queues.
#
# Two ways in, the same result: with rabbitmqctl (RABBITMQCTL, default `rabbitmqctl -q`) one
# definitions document (users with salted SHA-256 password hashes, permissions, topic
# permissions) in one `import_definitions` call, since each CLI call starts an Erlang VM; or,
# when RABBITMQ_API_URL is set (http://host:15672), the management HTTP API, object by object,
# with RABBITMQ_API_USER / RABBITMQ_API_PASSWORD (curl only). Either updates users that exist and
# leaves every other user (the operator's) as it is.
set -euo pipefail

E=${MQ_EXCHANGE:-rto.events}
VHOST=${RABBITMQ_VHOST:-/}

esc() { printf '%s' "$1" | sed 's/[.]/\\./g'; } # a name as a regular expression
json() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }

users=() permissions=() topics=() # JSON objects, as the definitions document and the API take them
user() { # user NAME PASSWORD CONFIGURE WRITE READ
  users+=("$1|$2")
  permissions+=("$1|{\"configure\":\"$(json "$3")\",\"write\":\"$(json "$4")\",\"read\":\"$(json "$5")\"}")
}
topic() { # topic USER EXCHANGE WRITE READ
  topics+=("$1|{\"exchange\":\"$(json "$2")\",\"write\":\"$(json "$3")\",\"read\":\"$(json "$4")\"}")
}

e=$(esc "$E")
shared="$e|$e\\.dlx|$e\\.retry|$e\\.unroutable"
for svc in user vehicle credit payment telematics support; do
  var=${svc^^}_MQ_PASSWORD
  name=$svc-service
  own="$(esc "$name")\\..+"
  user "$name" "${!var:?$var is not set}" "^($shared|$own)\$" "^($shared|$own)\$" "^($shared|$own)\$"
  topic "$name" "$E" "^$svc\\." '.*'
  topic "$name" "$E.retry" "^$(esc "$name")\\." "^$(esc "$name")\\."
done
gen='amq\.gen-.+'
user api-gateway "${GATEWAY_MQ_PASSWORD:?GATEWAY_MQ_PASSWORD is not set}" "^($e|$gen)\$" "^$gen\$" "^($e|$gen)\$"
topic api-gateway "$E" '^$' '.*'

vhost_json=$(json "$VHOST")
if [ -n "${RABBITMQ_API_URL:-}" ]; then
  vh=$([ "$VHOST" = / ] && printf '%%2F' || printf '%s' "$VHOST")
  api() { # api PATH JSON
    printf '%s' "$2" | curl -fsS -o /dev/null -u "${RABBITMQ_API_USER:?}:${RABBITMQ_API_PASSWORD:?}" \
      -H 'content-type: application/json' -X PUT "${RABBITMQ_API_URL%/}/api/$1" --data-binary @-
  }
  for u in "${users[@]}"; do api "users/${u%%|*}" "{\"password\":\"$(json "${u#*|}")\",\"tags\":\"\"}"; done
  for p in "${permissions[@]}"; do api "permissions/$vh/${p%%|*}" "${p#*|}"; done
  for t in "${topics[@]}"; do api "topic-permissions/$vh/${t%%|*}" "${t#*|}"; done
else
  # rabbit_password_hashing_sha256: base64(salt ++ sha256(salt ++ password)), 4 random salt bytes.
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  hash() {
    openssl rand 4 > "$tmp/salt"
    { cat "$tmp/salt"; { cat "$tmp/salt"; printf '%s' "$1"; } | openssl dgst -sha256 -binary; } | base64 -w0
  }
  with_user() { printf '%s' "${2%\}},\"user\":\"$1\",\"vhost\":\"$vhost_json\"}"; } # with_user NAME OBJECT
  join() { local IFS=,; printf '%s' "$*"; }
  u=() p=() t=()
  for x in "${users[@]}"; do
    u+=("{\"name\":\"${x%%|*}\",\"password_hash\":\"$(hash "${x#*|}")\",\"hashing_algorithm\":\"rabbit_password_hashing_sha256\",\"tags\":[]}")
  done
  for x in "${permissions[@]}"; do p+=("$(with_user "${x%%|*}" "${x#*|}")"); done
  for x in "${topics[@]}"; do t+=("$(with_user "${x%%|*}" "${x#*|}")"); done
  printf '{"users":[%s],"vhosts":[{"name":"%s"}],"permissions":[%s],"topic_permissions":[%s]}' \
    "$(join "${u[@]}")" "$vhost_json" "$(join "${p[@]}")" "$(join "${t[@]}")" > "$tmp/definitions.json"
  chmod 755 "$tmp" && chmod 644 "$tmp/definitions.json" # read by the broker's own process
  read -r -a CTL <<< "${RABBITMQCTL:-rabbitmqctl -q}"
  "${CTL[@]}" import_definitions "$tmp/definitions.json" > /dev/null
fi
echo "provision-users: 7 RabbitMQ users ready on $E"
