#!/usr/bin/env bash
# Everything behind `make test`:
#   1. install missing packages (scripts/setup-deps.sh)
#   2. configure and build the `test` preset (ASan + UBSan; warnings are errors when CI=true)
#   3. start a fresh test infrastructure (PostgreSQL 56432, RabbitMQ 56672)
#   4. unit and integration tests (ctest -LE e2e), then the fuzzers' smoke (scripts/fuzz.sh
#      --smoke: build/fuzz, 30 s a target, two at a time; any crash or sanitizer report fails it)
#   5. start the platform on the test ports (gateway 18080, user-service 18081)
#   6. end-to-end tests (ctest -L e2e), then the API abuse matrix (tests/abuse/matrix.py) on the
#      same platform
#   7. deployment artefacts (tests/deploy/check.sh), then, on the data the end-to-end tests left,
#      backup and restore (tests/deploy/backup-restore.sh: it takes the running platform, stops
#      it, drops, restores and starts it again to compare the API's answers, and leaves it
#      stopped), the image runtime root (tests/deploy/image-rootfs.sh, with the platform stopped)
#      and the log parser (check_logging.py)
# The test platform and infrastructure are always stopped at the end. Exit status is non-zero
# when any step failed; both ctest outputs are shown in full.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
INFRA=$ROOT/scripts/infra.sh
PLATFORM=$ROOT/scripts/platform.sh
BUILD_DIR=build/test

step() { printf '\n==== %s\n' "$*"; }

step "dependencies"
"$ROOT/scripts/setup-deps.sh"

step "build (preset test)"
werror=OFF
if [ "${CI:-}" = true ]; then werror=ON; fi
cmake --preset test -DRTO_WARNINGS_AS_ERRORS=$werror
cmake --build --preset test

failed=()
# Always stop what was started; the verdict is printed last so it is not buried.
cleanup() {
  local rc=$?
  set +e
  # A second signal (make forwards SIGTERM, Ctrl-C repeated) must not cut the clean-up short.
  trap 'echo "test: stopping, please wait" >&2' INT TERM
  step "stopping the test platform and infrastructure"
  "$PLATFORM" stop --env test
  "$INFRA" stop --env test
  if [ ${#failed[@]} -gt 0 ]; then
    step "FAILED: ${failed[*]} (service logs: .data/test/logs/)"
  elif [ "$rc" -ne 0 ]; then
    step "FAILED (exit status $rc)"
  else
    step "all tests passed"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "test infrastructure"
# Every run starts from empty databases and an empty broker; secrets are kept.
"$INFRA" reset --env test
"$INFRA" start --env test
# shellcheck disable=SC1091
. "$ROOT/.data/test/infra.env"
export TEST_PG_URL TEST_AMQP_URL
export TEST_INFRA_SCRIPT=$INFRA # integration tests stop/start the broker through it
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/lsan.supp:print_suppressions=0}

step "unit and integration tests"
ctest --test-dir "$BUILD_DIR" -LE e2e --output-on-failure -j2 || failed+=("unit/integration tests")

step "fuzzers: 30 s smoke a target"
"$ROOT/scripts/fuzz.sh" --smoke || failed+=("fuzz smoke")

step "deployment artefacts"
"$ROOT/tests/deploy/check.sh" || failed+=("deployment artefacts")

step "test platform"
if "$PLATFORM" start --env test --build-dir "$BUILD_DIR"; then
  step "end-to-end tests"
  shift=${RTO_PORT_SHIFT:-0} # see scripts/infra.sh
  export E2E_GATEWAY_URL=http://127.0.0.1:$((18080 + shift))
  export E2E_USER_URL=http://127.0.0.1:$((18081 + shift))
  export E2E_VEHICLE_URL=http://127.0.0.1:$((18082 + shift))
  export E2E_CREDIT_URL=http://127.0.0.1:$((18083 + shift))
  export E2E_PAYMENT_URL=http://127.0.0.1:$((18084 + shift))
  export E2E_TELEMATICS_URL=http://127.0.0.1:$((18085 + shift))
  export E2E_SUPPORT_URL=http://127.0.0.1:$((18086 + shift))
  export E2E_SIM_URL=http://127.0.0.1:$((18095 + shift))
  export E2E_GT06_PORT=$((15023 + shift)) E2E_TELTONIKA_PORT=$((15027 + shift)) E2E_OSMAND_PORT=$((15055 + shift))
  export E2E_SECRETS_FILE=$ROOT/.data/test/secrets.env E2E_INFRA_FILE=$ROOT/.data/test/infra.env
  ctest --test-dir "$BUILD_DIR" -L e2e --output-on-failure || failed+=("end-to-end tests")
  step "API abuse matrix (tests/abuse/matrix.py)"
  python3 "$ROOT/tests/abuse/matrix.py" || failed+=("API abuse matrix")
  if [ -f "$ROOT/frontend/package.json" ]; then
    step "frontend: component tests and browser journeys"
    "$ROOT/scripts/frontend.sh" test --env test || failed+=("frontend tests")
  fi
  step "backup and restore"
  # It asks the running platform, then stops it so the data is at rest while it is backed up,
  # dropped, restored and compared; it starts it again to ask the same questions, and stops it,
  # pass or fail. Stopped again here all the same: the image test starts the binaries itself.
  "$ROOT/tests/deploy/backup-restore.sh" "$BUILD_DIR" || failed+=("backup and restore")
  "$PLATFORM" stop --env test
  step "image runtime root: libraries resolve and the services start from it"
  "$ROOT/tests/deploy/image-rootfs.sh" "$BUILD_DIR" || failed+=("image runtime root")
  step "service logs parse with the Fluent Bit parser"
  "$ROOT/tests/deploy/check_logging.py" "$ROOT/.data/test/logs" || failed+=("log parsing")
else
  failed+=("platform start (end-to-end tests not run)")
fi

[ ${#failed[@]} -eq 0 ] || exit 1
