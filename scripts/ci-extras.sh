#!/usr/bin/env bash
# The extra CI gates, run by .ci/run after scripts/run-tests.sh (which installed the tools and
# built and tested the normal tree in ${BUILD_DIR:-build}):
#
#   1. sanitizer build  clang, -DCHECK_MAIL_SANITIZE=ON (ASan+UBSan, no recovery) and
#                       -DCHECK_MAIL_FUZZ=ON, in its own directory ${SAN_BUILD_DIR:-build-asan},
#                       at -O1 with line tables only (what ASan's reports need, quickest to
#                       build); assertions on. One build serves the sanitizer test runs and the
#                       fuzzers (warnings are not errors here: the normal build checks them)
#   2. unit tests       ctest -L unit in it (GoogleTest suites and the fuzz corpus replays)
#   3. e2e tests        ctest -L sanitizer in it: the end-to-end suites that feed check_mail
#                       hostile or unusual input (tests/e2e/CMakeLists.txt lists them), with the
#                       sanitized binary; LeakSanitizer checks each run at its end (src/main.cpp)
#   4. valgrind         tests/e2e/run_valgrind.py: SmarterMail and smtp cases once under memcheck,
#                       with the normal build's binary (no errors, no definite/possible leaks)
#   5. fuzzing          tests/fuzz/run.sh ${FUZZ_SECONDS:-12} (every target, fails on any finding)
#   6. packages         packaging/check-packages.sh: the RPM (with RPM_SOURCE_ONLY=1, as CI sets
#                       it, the source RPM and the spec only) and the .deb, which is also the
#                       offline and CET gate: configured and built with no network, with
#                       -fcf-protection on x86-64 (check-deb.sh); the packaged binaries' full RELRO
#                       and BIND_NOW are checked there too
#
# Every step runs (a failed build skips what needs it); the timings and results are printed at
# the end, and the exit status is non-zero if any step failed. Budget: about 15 minutes on 2 cores.
#   SAN_BUILD_DIR, BUILD_DIR, FUZZ_SECONDS, CTEST_JOBS (default: nproc) override the defaults;
#   CI_EXTRAS_SKIP="valgrind packages" leaves steps out (names: build unit e2e valgrind fuzz
#   packages), for local runs: CI runs them all.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
san_build=${SAN_BUILD_DIR:-build-asan}
main_build=${BUILD_DIR:-build}
fuzz_seconds=${FUZZ_SECONDS:-12}
jobs=${CTEST_JOBS:-$(nproc)}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=${LSAN_OPTIONS:-}
# The end-to-end tests that measure memory know the sanitizers inflate it (test_limits.py).
export CHECK_MAIL_SANITIZED=1

results=()
failed=0
total_start=$(date +%s)

wanted() { [[ " ${CI_EXTRAS_SKIP:-} " != *" $1 "* ]]; }

# record NAME SECONDS STATUS: one line of the summary.
record() {
  local outcome=ok
  if (($3 != 0)); then
    outcome="FAILED (exit $3)"
    failed=1
  fi
  results+=("$(printf '%-18s %5ss  %s' "$1" "$2" "$outcome")")
  echo "=== ci-extras: $1: $outcome in $2s"
}

# step NAME COMMAND...: runs it, times it, records the outcome.
step() {
  local name=$1
  shift
  echo
  echo "=== ci-extras: $name"
  local start=$(date +%s)
  "$@"
  local status=$?
  record "$name" $(($(date +%s) - start)) $status
  return $status
}

skip() {
  results+=("$(printf '%-18s %5s   %s' "$1" "-" "skipped ($2)")")
  failed=1
}

configure_and_build() {
  CC=clang CXX=clang++ cmake -S . -B "$san_build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" -DCHECK_MAIL_SANITIZE=ON -DCHECK_MAIL_FUZZ=ON \
    -DCHECK_MAIL_WERROR=ON >/dev/null || return 1
  # The unit tests only when they run (CI_EXTRAS_SKIP="unit" builds the plugin and the fuzzers).
  if wanted unit; then
    cmake --build "$san_build" -j"$(nproc)" || return 1
  fi
  cmake --build "$san_build" -j"$(nproc)" --target check_mail check_mail_fuzzers
}

ctest_label() {
  (cd "$san_build" && ctest --output-on-failure --timeout 900 -j"$jobs" -L "^$1\$")
}

valgrind_cases() {
  CHECK_MAIL_BIN="$root/$main_build/src/check_mail" python3 tests/e2e/run_valgrind.py
}

fuzzing() {
  FUZZ_BUILD_DIR="$san_build" tests/fuzz/run.sh "$fuzz_seconds"
}

left_out() { results+=("$(printf '%-18s %5s   %s' "$1" "-" "left out (CI_EXTRAS_SKIP)")"); }

built=0
if ! wanted build; then
  left_out "sanitizer build"
  [[ -f $san_build/build.ninja ]] && built=1
elif step "sanitizer build" configure_and_build; then
  built=1
fi
for label in unit e2e; do
  selection=$label
  [[ $label == e2e ]] && selection=sanitizer
  if ! wanted $label; then
    left_out "$label (asan+ubsan)"
  elif ((built)); then
    step "$label (asan+ubsan)" ctest_label $selection
  else
    skip "$label (asan+ubsan)" "no build"
  fi
done

if ! wanted valgrind; then
  left_out "valgrind e2e"
elif [[ -x $main_build/src/check_mail ]]; then
  step "valgrind e2e" valgrind_cases
else
  skip "valgrind e2e" "no $main_build/src/check_mail: run scripts/run-tests.sh first"
fi

# The fuzzers (one process, one core) run beside the package builds rather than before them:
# the two cores are used, and fuzzing for a fixed time only gets fewer runs.
fuzz_pid=""
if ! wanted fuzz; then
  left_out "fuzz"
elif ((built)) && [[ -x $san_build/tests/fuzz/fuzz_range ]]; then
  fuzz_log=$(mktemp)
  fuzz_start=$(date +%s)
  echo
  echo "=== ci-extras: fuzz ${fuzz_seconds}s/target (beside the packages; its log follows them)"
  fuzzing >"$fuzz_log" 2>&1 &
  fuzz_pid=$!
else
  skip "fuzz" "no fuzz targets built"
fi

if ! wanted packages; then
  left_out "packages"
elif [[ -x packaging/check-packages.sh ]]; then
  step "packages" packaging/check-packages.sh
else
  results+=("$(printf '%-18s %5s   %s' "packages" "-" "not run (no packaging/check-packages.sh)")")
fi

if [[ -n $fuzz_pid ]]; then
  wait "$fuzz_pid"
  fuzz_status=$?
  echo
  echo "=== ci-extras: fuzz ${fuzz_seconds}s/target"
  cat "$fuzz_log"
  rm -f "$fuzz_log"
  record "fuzz ${fuzz_seconds}s/target" $(($(date +%s) - fuzz_start)) $fuzz_status
fi

echo
echo "=== ci-extras summary ($(($(date +%s) - total_start))s in all)"
printf '  %s\n' "${results[@]}"
exit $failed
