#!/usr/bin/env bash
# Renders services/<name>/Dockerfile (and tools/mobile-money-sim/Dockerfile) from
# deploy/docker/service.Dockerfile.in. Run after editing the template or adding a service;
# `deploy/docker/render.sh --check` fails when a committed Dockerfile differs (make test runs it).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
TEMPLATE=deploy/docker/service.Dockerfile.in

# name | directory | port | exposed ports | description | extra Dockerfile lines (\n separated)
IMAGES=(
  "api-gateway|services/api-gateway|8080|8080|edge: routing, JWT check, rate limits, WebSocket hub|COPY services/api-gateway/routes.json /etc/rto/routes.json\nENV GATEWAY_ROUTES_FILE=/etc/rto/routes.json"
  "user-service|services/user-service|8081|8081|accounts, roles, credentials, KYC|"
  "vehicle-service|services/vehicle-service|8082|8082|catalogue, listings, images, reservations|RUN install -d -o 10001 -g 10001 -m 750 /var/lib/rto/images\nENV IMAGE_DIR=/var/lib/rto/images\nVOLUME /var/lib/rto/images"
  "credit-service|services/credit-service|8083|8083|credit applications, scoring, decisions|"
  "payment-service|services/payment-service|8084|8084|plans, schedules, mobile-money payments, ledger|"
  "telematics-service|services/telematics-service|8085|8085 5055 5023 5027|trackers, positions, immobilisation (OsmAnd 5055, GT06 5023, Teltonika 5027)|"
  "support-service|services/support-service|8086|8086|tickets, notifications, reminders|"
  "mobile-money-sim|tools/mobile-money-sim|8095|8095|local mobile-money simulator (development and tests only)|ENV SIM_PORT=8095"
)

check=0
[ "${1:-}" = --check ] && check=1
status=0
for line in "${IMAGES[@]}"; do
  IFS='|' read -r name dir port expose what extra <<< "$line"
  out=$dir/Dockerfile
  rendered=$(NAME=$name DOCKERFILE=$out PORT=$port EXPOSE=$expose WHAT=$what EXTRA=$extra python3 - "$TEMPLATE" << 'PY'
import os, sys
s = open(sys.argv[1]).read()
extra = os.environ["EXTRA"].replace("\\n", "\n")
for k in ("NAME", "DOCKERFILE", "PORT", "EXPOSE", "WHAT"):
    s = s.replace("@" + k + "@", os.environ[k])
s = s.replace("@EXTRA_COPY@\n", extra + "\n" if extra else "")
sys.stdout.write(s)
PY
)
  if [ $check = 1 ]; then
    if [ ! -f "$out" ] || [ "$(cat "$out")" != "$rendered" ]; then
      echo "render: $out is missing or differs from $TEMPLATE (run deploy/docker/render.sh)" >&2
      status=1
    fi
  else
    mkdir -p "$dir"
    printf '%s\n' "$rendered" > "$out"
    echo "render: wrote $out"
  fi
done
exit $status
