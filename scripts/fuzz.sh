#!/usr/bin/env bash
# The fuzzers (fuzz/): builds build/fuzz (preset "fuzz", clang-16, libFuzzer + ASan + UBSan) and
# runs every target for FUZZ_SECONDS each.
#
#   scripts/fuzz.sh                 every target, FUZZ_SECONDS (default 300) each, one at a time
#   scripts/fuzz.sh --smoke         every target for 30 s, two at a time (make test)
#   scripts/fuzz.sh fuzz_gt06 ...   only these targets
#
# Each target starts from a copy of its seed corpus (fuzz/corpus/<target>) in
# .data/fuzz/corpus/<target>, where the inputs it finds accumulate from run to run without
# touching the repository; crash, leak, timeout and out-of-memory inputs go to
# .data/fuzz/artifacts/<target>/, libFuzzer's output to .data/fuzz/logs/<target>.log. Prints, per
# target, executions per second, coverage (cov: edges, ft: features, from libFuzzer's final
# stats line) and corpus units; exits 1 when any target found something (a crash, a sanitizer
# report, an uncaught exception, a leak or a timeout). A finding is fixed in the parser, and its
# input becomes a unit test beside the parser's tests and fuzz/corpus/<target>/regress-<what>.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD_DIR=build/fuzz
DATA=$ROOT/.data/fuzz
ALL_TARGETS=(fuzz_json_bodies fuzz_query_cursor fuzz_momo_webhooks fuzz_sms_reports fuzz_jwt fuzz_gt06 fuzz_teltonika fuzz_osmand)

smoke=false
targets=()
for a in "$@"; do
  case "$a" in
    --smoke) smoke=true ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    fuzz_*) targets+=("$a") ;;
    *) echo "fuzz: unknown argument $a" >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")
if $smoke; then
  FUZZ_SECONDS=30
  jobs_at_once=2
else
  FUZZ_SECONDS=${FUZZ_SECONDS:-300}
  jobs_at_once=${FUZZ_JOBS:-1}
fi

if ! command -v clang++-16 >/dev/null; then
  echo "fuzz: clang++-16 is missing (scripts/setup-deps.sh installs clang-16 and libclang-rt-16-dev)" >&2
  exit 1
fi
[ -f "$BUILD_DIR/build.ninja" ] || cmake --preset fuzz
cmake --build --preset fuzz

# Its own sanitizer options, whatever the caller set (scripts/test.sh sets the tests').
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
unset LSAN_OPTIONS

# run_one <target>: fuzzes it, writes $DATA/logs/<target>.log and $DATA/results/<target>.
run_one() {
  local t=$1
  local corpus=$DATA/corpus/$t artifacts=$DATA/artifacts/$t log=$DATA/logs/$t.log
  mkdir -p "$corpus" "$artifacts" "$DATA/logs" "$DATA/results"
  cp -n fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null || true
  local dict=()
  [ -f "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
  local before; before=$(find "$artifacts" -type f | wc -l)
  local rc=0
  "$BUILD_DIR/fuzz/$t" "$corpus" "${dict[@]}" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
    -max_len=16384 -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1 || rc=$?
  local after; after=$(find "$artifacts" -type f | wc -l)
  local last; last=$(grep -a -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -1 || true)
  local execs_s; execs_s=$(sed -n 's/^stat::average_exec_per_sec:[[:space:]]*//p' "$log" | tail -1)
  local runs; runs=$(sed -n 's/^stat::number_of_executed_units:[[:space:]]*//p' "$log" | tail -1)
  local cov ft corp
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p' <<<"$last")
  local verdict=ok
  if [ "$rc" -ne 0 ] || [ "$after" -gt "$before" ]; then verdict=FAIL; fi
  printf '%s seconds=%s exec_s=%s runs=%s cov=%s ft=%s corpus=%s new_artifacts=%s rc=%s verdict=%s\n' \
    "$t" "$FUZZ_SECONDS" "${execs_s:-?}" "${runs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$((after - before))" "$rc" "$verdict" \
    >"$DATA/results/$t"
}

echo "fuzz: ${#targets[@]} targets, ${FUZZ_SECONDS}s each, $jobs_at_once at a time (logs: .data/fuzz/logs/)"
running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs_at_once" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

failed=()
printf '\n%-20s %10s %8s %8s %14s %s\n' target exec/s cov ft corpus verdict
for t in "${targets[@]}"; do
  line=$(cat "$DATA/results/$t" 2>/dev/null || echo "$t verdict=FAIL")
  field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
  printf '%-20s %10s %8s %8s %14s %s\n' "$t" "$(field exec_s)" "$(field cov)" "$(field ft)" "$(field corpus)" "$(field verdict)"
  if [ "$(field verdict)" != ok ]; then
    failed+=("$t")
    echo "  $t: see .data/fuzz/logs/$t.log and .data/fuzz/artifacts/$t/" >&2
    grep -a -m3 -E 'FUZZ FINDING|ERROR: |SUMMARY: ' "$DATA/logs/$t.log" >&2 || true
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAIL: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: no findings"
