#!/usr/bin/env bash
# Gives a few demo vehicles a simulated tracker: registers the trackers with the telematics
# service and installs them on demo listings in Kampala and Nairobi, through the gateway with
# the admin account, and writes .data/<env>/trackers.txt (IMEI,protocol,city,kind a line) for
# tools/tracker-sim. scripts/platform.sh runs it before it starts the simulator (dev only).
#
#   scripts/seed-trackers.sh [--env dev|test] [--count N]
#
# Idempotent: the IMEIs are fixed (TRACKER_IMEI_BASE and a Luhn digit); a second run finds them
# registered and installed and only writes the file again. The mix: GT06 mostly, one Teltonika
# and one OsmAnd (Traccar Client) from five trackers on.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ENV_NAME=dev
COUNT=5
while [ $# -gt 0 ]; do
  case $1 in
    --env) ENV_NAME=$2; shift 2 ;;
    --count) COUNT=$2; shift 2 ;;
    *) echo "usage: $0 [--env dev|test] [--count N]" >&2; exit 2 ;;
  esac
done
case $ENV_NAME in
  dev) OFFSET=0 ;;
  test) OFFSET=10000 ;;
  *) echo "seed-trackers: unknown environment '$ENV_NAME'" >&2; exit 2 ;;
esac
OFFSET=$((OFFSET + ${RTO_PORT_SHIFT:-0}))
GATEWAY=${GATEWAY_URL:-http://127.0.0.1:$((8080 + OFFSET))}
ENV_DIR=$ROOT/.data/$ENV_NAME
OUT=$ENV_DIR/trackers.txt
BASE=${TRACKER_IMEI_BASE:-3589900000} # 10 digits + a 4-digit slot + the Luhn digit
command -v jq > /dev/null || { echo "seed-trackers: jq is missing (scripts/setup-deps.sh installs it)" >&2; exit 1; }
set -a
# shellcheck disable=SC1091
. "$ENV_DIR/secrets.env"
set +a

log() { echo "seed-trackers[$ENV_NAME]: $*"; }

# luhn BODY14: the IMEI with its check digit.
luhn() {
  local body=$1 sum=0 i d
  for ((i = 0; i < 14; i++)); do
    d=${body:13-i:1}
    if ((i % 2 == 0)); then
      d=$((d * 2))
      if ((d > 9)); then d=$((d - 9)); fi
    fi
    sum=$((sum + d))
  done
  echo "$body$(((10 - sum % 10) % 10))"
}

# api METHOD PATH [BODY]: prints the body, then the status on a line of its own.
api() {
  local args=(-s -w '\n%{http_code}' -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json')
  [ $# -ge 3 ] && args+=(-d "$3")
  curl "${args[@]}" "$GATEWAY$2"
}
body() { sed '$d' <<< "$1"; }
status() { tail -n 1 <<< "$1"; }

creds=$(jq -nc --arg p "$ADMIN_PHONE" --arg w "$ADMIN_PASSWORD" '{phone: $p, password: $w}')
TOKEN=$(curl -sf -H 'Content-Type: application/json' -d "$creds" "$GATEWAY/api/v1/auth/login" | jq -r '.access_token // empty') ||
  true
[ -n "$TOKEN" ] || { echo "seed-trackers: could not sign in the admin account at $GATEWAY" >&2; exit 1; }

# Our trackers already registered (the list is in IMEI order; every one of ours starts with BASE).
existing=$(body "$(api GET "/api/v1/telematics/trackers?after=$BASE&limit=200")" | jq -c --arg b "$BASE" '[.items[] | select(.imei | startswith($b))]')
# Demo listings per city (id, category), and the vehicles that already carry one of ours.
listings() { body "$(api GET "/api/v1/vehicles?city=$1&sort=newest&limit=50")" | jq -r '.items[] | "\(.id) \(.category)"'; }
mapfile -t KAMPALA < <(listings Kampala)
mapfile -t NAIROBI < <(listings Nairobi)
taken=$(jq -r '.[].vehicle_id // empty' <<< "$existing")

kind_of() {
  case $1 in
    tuk-tuk) echo tuk-tuk ;;
    car | van-pickup) echo car ;;
    *) echo motorcycle ;;
  esac
}

PREFERRED=(motorcycle tuk-tuk motorcycle car tuk-tuk)
lines=()
for ((slot = 1; slot <= COUNT; slot++)); do
  imei=$(luhn "$BASE$(printf '%04d' "$slot")")
  case $slot in
    3) protocol=teltonika ;;
    5) protocol=osmand ;;
    *) protocol=gt06 ;;
  esac
  if ((slot * 5 <= COUNT * 3)); then city=kampala; else city=nairobi; fi
  tracker=$(jq -c --arg i "$imei" '.[] | select(.imei == $i)' <<< "$existing")
  if [ -z "$tracker" ]; then
    r=$(api POST /api/v1/telematics/trackers "$(jq -nc --arg i "$imei" --arg p "$protocol" \
      '{imei: $i, protocol: $p, phone: "+256772000100", model: (if $p == "gt06" then "GT06N" elif $p == "teltonika" then "FMB920" else "Traccar Client" end)}')")
    [ "$(status "$r")" = 201 ] || { echo "seed-trackers: registering $imei answered $(status "$r"): $(body "$r")" >&2; exit 1; }
    tracker=$(body "$r")
    log "registered tracker $imei ($protocol)"
  fi
  id=$(jq -r .id <<< "$tracker")
  protocol=$(jq -r .protocol <<< "$tracker")
  vehicle=$(jq -r '.vehicle_id // empty' <<< "$tracker")
  kind=motorcycle
  if [ -n "$vehicle" ]; then
    category=$(body "$(api GET "/api/v1/vehicles/$vehicle")" | jq -r '.category // empty' 2> /dev/null || true)
    kind=$(kind_of "$category")
  else
    if [ $city = kampala ]; then all=("${KAMPALA[@]}"); else all=("${NAIROBI[@]}"); fi
    # A mix of kinds: this slot's kind first, then any other listing.
    want=${PREFERRED[$(((slot - 1) % ${#PREFERRED[@]}))]}
    candidates=()
    for c in "${all[@]}"; do [ "$(kind_of "${c#* }")" = "$want" ] && candidates+=("$c"); done
    for c in "${all[@]}"; do [ "$(kind_of "${c#* }")" != "$want" ] && candidates+=("$c"); done
    for c in "${candidates[@]}"; do
      read -r v category <<< "$c"
      grep -qx "$v" <<< "$taken" && continue
      r=$(api POST "/api/v1/telematics/trackers/$id/install" "$(jq -nc --arg v "$v" '{vehicle_id: $v}')")
      if [ "$(status "$r")" = 200 ]; then
        vehicle=$v
        kind=$(kind_of "$category")
        taken+=$'\n'$v
        log "installed tracker $imei on $category $v ($city)"
        break
      fi
      taken+=$'\n'$v # carries another tracker: try the next
    done
    [ -n "$vehicle" ] || { echo "seed-trackers: no demo vehicle in $city left for tracker $imei (is the demo catalogue loaded?)" >&2; exit 1; }
  fi
  lines+=("$imei,$protocol,$city,$kind")
done

mkdir -p "$ENV_DIR"
{
  echo "# Simulated trackers on demo vehicles (scripts/seed-trackers.sh): IMEI,protocol,city,kind"
  printf '%s\n' "${lines[@]}"
} > "$OUT.tmp"
mv -f "$OUT.tmp" "$OUT"
log "$COUNT trackers installed on demo vehicles: ${OUT#"$ROOT"/}"
