#!/usr/bin/env bash
# Configures and builds check_mail and its tests in build/ (or $BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHECK_MAIL_WERROR=ON "$@" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
