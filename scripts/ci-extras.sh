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
#   6. offline+CET      `unshare -n` configure and build of check_mail in a fresh directory: no
#                       step may need the network (skipped with a note where unshare -n is refused);
#                       on x86-64 with CXXFLAGS=-fcf-protection (and -O0: neither gate depends on
#                       the optimisation, and it builds fastest), and the project's objects, linked
#                       together with `ld -r`, must carry the "x86 feature: IBT, SHSTK" property
#                       (readelf -n). The executable itself cannot: Debian 12's crt1.o/crti.o lack
#                       the note, and the linker keeps only what every input has.
#   7. packages         packaging/check-packages.sh (the packaged binaries' full RELRO and BIND_NOW
#                       are checked there); the RPM is built with $RPMBUILD_ARGS, which CI sets to
#                       --without tests (its %check runs the unit tests the normal build ran)
#
# Every step runs (a failed build skips what needs it); the timings and results are printed at
# the end, and the exit status is non-zero if any step failed. Budget: about 15 minutes on 2 cores.
#   SAN_BUILD_DIR, BUILD_DIR, FUZZ_SECONDS, CTEST_JOBS (default: nproc) override the defaults;
#   CI_EXTRAS_SKIP="valgrind packages" leaves steps out (names: build unit e2e valgrind fuzz
#   offline packages), for local runs: CI runs them all.
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

# step NAME COMMAND...: runs it, times it, records the outcome.
step() {
  local name=$1
  shift
  echo
  echo "=== ci-extras: $name"
  local start=$(date +%s)
  "$@"
  local status=$?
  local elapsed=$(($(date +%s) - start))
  local outcome=ok
  if ((status != 0)); then
    outcome="FAILED (exit $status)"
    failed=1
  fi
  results+=("$(printf '%-18s %5ss  %s' "$name" "$elapsed" "$outcome")")
  echo "=== ci-extras: $name: $outcome in ${elapsed}s"
  return $status
}

skip() {
  results+=("$(printf '%-18s %5s   %s' "$1" "-" "skipped ($2)")")
  failed=1
}

configure_and_build() {
  CC=clang CXX=clang++ cmake -S . -B "$san_build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" -DCHECK_MAIL_SANITIZE=ON -DCHECK_MAIL_FUZZ=ON -DCHECK_MAIL_WERROR=ON >/dev/null &&
    cmake --build "$san_build" -j"$(nproc)" && cmake --build "$san_build" --target check_mail_fuzzers -j"$(nproc)"
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

# Configure and build with no network at all (a fresh directory each time, so nothing cached
# from an earlier configure can hide a download). On x86-64 the same build takes
# CXXFLAGS=-fcf-protection from the environment, as distributions pass it, and checks that it
# reached every object: the IBT and SHSTK properties survive `ld -r` of them all only if each
# object has them. One build serves both gates.
offline_and_cet_build() {
  local dir status=0
  dir=$(mktemp -d "$root/build-offline.XXXXXX")
  local flags=(-O0)
  [[ $(uname -m) == x86_64 ]] && flags+=(-fcf-protection)
  local log=$dir/build.log
  if CXXFLAGS="${flags[*]}" unshare -n cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=None \
        -DCHECK_MAIL_TESTS=OFF >"$log" 2>&1 &&
      unshare -n ninja -C "$dir" check_mail >>"$log" 2>&1 &&
      [[ $("$dir/src/check_mail" --version) == "check_mail "* ]]; then  # (--version exits 3, as Centreon's plugins do)
    echo "offline: configured and built with no network (CXXFLAGS=${flags[*]})"
    if ((${#flags[@]})); then
      local objects=()
      mapfile -t objects < <(find "$dir/src" -name '*.o')
      if ld -r -o "$dir/all.o" "${objects[@]}" && readelf -n "$dir/all.o" | grep -q 'x86 feature: IBT, SHSTK'; then
        echo "cet: ${#objects[@]} objects, ld -r: x86 feature: IBT, SHSTK"
      else
        echo "cet: the objects of $dir lost the IBT/SHSTK property:" >&2
        readelf -n "$dir/all.o" >&2
        for object in "${objects[@]}"; do
          readelf -n "$object" | grep -q 'IBT, SHSTK' || echo "  without it: ${object#"$dir"/}" >&2
        done
        status=1
      fi
    fi
  else
    echo "offline: the build failed; the end of its log:" >&2
    tail -n 40 "$log" >&2
    status=1
  fi
  rm -rf "$dir"
  return $status
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

if ! wanted fuzz; then
  left_out "fuzz"
elif ((built)) && [[ -x $san_build/tests/fuzz/fuzz_range ]]; then
  step "fuzz ${fuzz_seconds}s/target" fuzzing
else
  skip "fuzz" "no fuzz targets built"
fi

if ! wanted offline; then
  left_out "offline+CET build"
elif unshare -n true 2>/dev/null; then
  step "offline+CET build" offline_and_cet_build
else
  results+=("$(printf '%-18s %5s   %s' "offline build" "-" "not run (unshare -n refused: needs root or user namespaces)")")
fi

if ! wanted packages; then
  left_out "packages"
elif [[ -x packaging/check-packages.sh ]]; then
  step "packages" packaging/check-packages.sh
else
  results+=("$(printf '%-18s %5s   %s' "packages" "-" "not run (no packaging/check-packages.sh)")")
fi

echo
echo "=== ci-extras summary ($(($(date +%s) - total_start))s in all)"
printf '  %s\n' "${results[@]}"
exit $failed
