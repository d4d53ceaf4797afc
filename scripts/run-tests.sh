#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine: installs what is missing, builds, and runs
# every unit and end-to-end test with ctest (the end-to-end tests start their own loopback
# servers: the SmarterMail API simulator, Postfix and Dovecot, scripted fault servers).
#   scripts/run-tests.sh [ctest arguments...]     e.g. -L unit, -R smtp
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure --timeout 900 -j"$(nproc)" "$@"
