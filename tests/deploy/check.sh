#!/usr/bin/env bash
# Checks of the deployment artefacts that need no running platform (step "deployment artefacts"
# of scripts/test.sh; about 45 s). Each check prints one line; the exit status is non-zero when
# any failed. A tool this machine lacks is reported as SKIPPED, never as passed.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failed=()
skipped=()
# Debian's python3 has PyYAML (python3-yaml); a pyenv python3 on PATH may not.
PY=python3
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import yaml' 2> /dev/null; then PY=/usr/bin/python3; fi

run() { # name command...
  local name=$1 t0 out rc
  shift
  t0=$(date +%s.%N)
  out=$("$@" 2>&1)
  rc=$?
  local took; took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f s", b-a}')
  if [ $rc -eq 0 ]; then
    echo "deploy-check: ok       $name ($took)"
  else
    echo "deploy-check: FAILED   $name ($took)"
    echo "$out" | sed 's/^/    /' | tail -n 40
    failed+=("$name")
  fi
}
skip() { echo "deploy-check: SKIPPED  $1"; skipped+=("$1"); }

run "Dockerfiles match their template" deploy/docker/render.sh --check
# Access::service() takes any service's token for any audience: for tests' stand-ins only.
run "every /internal/* route of a service lists its callers" bash -c "! grep -rn 'Access::service()' services/*/src"
run "artefacts for every service, YAML/JSON validity, Dockerfile rules, workflows" "$PY" tests/deploy/check_artefacts.py
run "shell scripts parse" bash -n scripts/backup.sh scripts/restore.sh scripts/generate-secrets.sh scripts/build-images.sh \
  deploy/postgres/init-databases.sh deploy/rabbitmq/provision-users.sh tests/deploy/backup-restore.sh tests/deploy/image-rootfs.sh

# Compose: a throwaway env file with every secret, as scripts/generate-secrets.sh writes it.
run "generate-secrets writes the Compose env file" scripts/generate-secrets.sh compose "$TMP/prod.env"
if command -v docker-compose > /dev/null; then
  run "docker-compose.yml config" docker-compose -f docker-compose.yml config -q
  run "docker-compose.prod.yml config (env file from generate-secrets)" \
    env PGBOUNCER_USERLIST="$TMP/prod.env.userlist" docker-compose --env-file "$TMP/prod.env" -f docker-compose.prod.yml config -q
  # A missing secret must stop Compose with its name.
  grep -v '^JWT_PUBLIC_KEYS=' "$TMP/prod.env" > "$TMP/missing.env"
  run "docker-compose.prod.yml refuses a missing secret, naming it" bash -c "
    out=\$(docker-compose --env-file '$TMP/missing.env' -f docker-compose.prod.yml config -q 2>&1) && exit 1
    grep -q JWT_PUBLIC_KEYS <<< \"\$out\""
  # Who connects as whom (tests/deploy/check_credentials.py): each service's DATABASE_URL names
  # <svc>_app, its DATABASE_MIGRATION_URL <svc>_svc, its AMQP_URL its own user (the gateway's
  # api-gateway), and the provisioning scripts, run on stand-ins, give those roles and users the
  # passwords the services connect with (PgBouncer's userlist too).
  run "docker-compose.yml: per-service database roles and RabbitMQ users" bash -c "
    docker-compose -f docker-compose.yml config > '$TMP/dev-compose.yaml' &&
    $PY tests/deploy/check_credentials.py compose docker-compose.yml '$TMP/dev-compose.yaml'"
  run "docker-compose.prod.yml: per-service database roles and RabbitMQ users" bash -c "
    PGBOUNCER_USERLIST='$TMP/prod.env.userlist' docker-compose --env-file '$TMP/prod.env' -f docker-compose.prod.yml config > '$TMP/prod-compose.yaml' &&
    $PY tests/deploy/check_credentials.py compose docker-compose.prod.yml '$TMP/prod-compose.yaml' '$TMP/prod.env.userlist'"
else
  skip "docker-compose config (docker-compose not installed)"
fi

if command -v promtool > /dev/null; then
  run "promtool check config (Compose)" promtool check config --syntax-only deploy/prometheus/prometheus.yml
  run "promtool check rules" promtool check rules k8s/monitoring/rules/*.yml
  run "promtool test rules (every alert)" promtool test rules tests/deploy/alerts.test.yml
else
  skip "promtool (Debian package prometheus not installed)"
fi

run "generate-secrets writes a Secret with every key of k8s/secrets.yaml" bash -c "
  scripts/generate-secrets.sh k8s > '$TMP/secret.yaml' &&
  $PY - '$TMP/secret.yaml' k8s/secrets.yaml << 'PY'
import sys, yaml
got = yaml.safe_load(open(sys.argv[1]))
want = set(yaml.safe_load(open(sys.argv[2]))['stringData'])
have = set(got.get('stringData', {}))
missing = want - have
empty = [k for k, v in got['stringData'].items() if not v or v == 'REPLACE_ME']
assert not missing, f'missing keys {sorted(missing)}'
assert not empty, f'empty or placeholder values {empty}'
PY"

if command -v kubectl > /dev/null && kubectl kustomize --help > /dev/null 2>&1; then
  for overlay in staging production; do
    run "kubectl kustomize deploy/overlays/$overlay" bash -c "kubectl kustomize deploy/overlays/$overlay > '$TMP/$overlay.yaml'"
    run "policy check of the $overlay manifests" "$PY" tests/deploy/check_k8s.py "$overlay" "$TMP/$overlay.yaml"
    run "$overlay: per-service database roles and RabbitMQ users, and the network paths they need" \
      "$PY" tests/deploy/check_credentials.py k8s "$overlay" "$TMP/$overlay.yaml" "$TMP/secret.yaml"
  done
  # Schemas: npm kubernetes-models (pinned in tests/deploy/k8s-schema/package-lock.json),
  # installed once from the npm registry into tests/deploy/k8s-schema/node_modules.
  SCHEMA=tests/deploy/k8s-schema
  if [ ! -d $SCHEMA/node_modules/kubernetes-models ] && command -v npm > /dev/null; then
    timeout 300 npm ci --prefix $SCHEMA --no-audit --no-fund --loglevel=error > "$TMP/npm.log" 2>&1 || tail -3 "$TMP/npm.log"
  fi
  if [ -d $SCHEMA/node_modules/kubernetes-models ] && command -v node > /dev/null; then
    run "every object of both overlays validates against the Kubernetes schemas" node $SCHEMA/validate.mjs "$TMP/staging.yaml" "$TMP/production.yaml"
  else
    skip "Kubernetes schema validation (npm packages of $SCHEMA not installed)"
  fi
else
  skip "kubectl kustomize (kubectl is not in Debian 12; install it from the Kubernetes apt repository)"
fi

[ ${#skipped[@]} -eq 0 ] || echo "deploy-check: ${#skipped[@]} check(s) skipped on this machine: ${skipped[*]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "deploy-check: FAILED: ${failed[*]}"
  exit 1
fi
echo "deploy-check: all passed"
