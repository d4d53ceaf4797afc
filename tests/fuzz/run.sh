#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time and fails on any finding.
#
#   tests/fuzz/run.sh [SECONDS]        SECONDS per target (default 30)
#
# Environment:
#   FUZZ_BUILD_DIR   clang build directory (default build-fuzz); configured here on first use with
#                    CC=clang CXX=clang++ -DCHECK_MAIL_FUZZ=ON -DCHECK_MAIL_TESTS=OFF
#   FUZZ_TARGETS     space-separated subset of targets (default: every tests/fuzz/fuzz_*.cpp)
#   FUZZ_BUILD_JOBS  parallel compile jobs (default 2)
#
# Each target starts from its seed corpus (tests/fuzz/corpus/<target>) and the inputs that once
# failed (tests/fuzz/crashes/<target>, which must all pass now); what it learns is kept in
# $FUZZ_BUILD_DIR/fuzz-work/<target>/corpus for the next run, and a finding is written there as
# crash-*, leak-*, timeout-* or oom-* (copy it to tests/fuzz/crashes/<target>/ with the fix, so the
# replay_<target> ctest keeps checking it). ASan, UBSan (halting) and LeakSanitizer are on; an input
# running over 10 s or a process over 2 GiB is a finding too.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
seconds=${1:-30}
build=${FUZZ_BUILD_DIR:-build-fuzz}
[[ $build = /* ]] || build=$root/$build

if [[ ! -f $build/build.ninja ]]; then
  echo "fuzz: configuring $build (clang, libFuzzer, ASan+UBSan)"
  CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCHECK_MAIL_FUZZ=ON -DCHECK_MAIL_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target check_mail_fuzzers -j"${FUZZ_BUILD_JOBS:-2}"

if [[ -n ${FUZZ_TARGETS:-} ]]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  targets=()
  for source in tests/fuzz/fuzz_*.cpp; do
    name=${source##*/fuzz_}
    targets+=("${name%.cpp}")
  done
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

failed=()
summary=()
for target in "${targets[@]}"; do
  binary=$build/tests/fuzz/fuzz_$target
  work=$build/fuzz-work/$target
  mkdir -p "$work/corpus" "tests/fuzz/crashes/$target"
  log=$work/run.log
  dict=()  # tests/fuzz/dict/<target>.dict, or that of its family (smartermail_spools -> smartermail)
  for candidate in "tests/fuzz/dict/$target.dict" "tests/fuzz/dict/${target%%_*}.dict"; do
    if [[ -f $candidate ]]; then
      dict=("-dict=$candidate")
      break
    fi
  done
  start=$(date +%s)
  status=0
  "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
    -artifact_prefix="$work/" "${dict[@]}" \
    "$work/corpus" "tests/fuzz/corpus/$target" "tests/fuzz/crashes/$target" >"$log" 2>&1 || status=$?
  elapsed=$(($(date +%s) - start))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  corpus=$(find "$work/corpus" -type f | wc -l)
  line=$(printf '%-24s %10s exec/s %12s runs %6s corpus %4ss' "$target" "${rate:-?}" "${runs:-?}" "$corpus" "$elapsed")
  if ((status != 0)); then
    line+="  FAILED (exit $status, see $log)"
    failed+=("$target")
    grep -E "^(==[0-9]+==ERROR|SUMMARY|.*invariant failed|.*runtime error|artifact_prefix|Test unit written)" "$log" | head -20 >&2 || true
  fi
  echo "fuzz: $line"
  summary+=("$line")
done

echo
echo "fuzz summary (${seconds}s per target):"
printf '  %s\n' "${summary[@]}"
if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: no findings"
