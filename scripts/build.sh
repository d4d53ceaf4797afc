#!/usr/bin/env bash
# Configures and builds check_mail into build/ (or $BUILD_DIR).
#   scripts/build.sh              everything, tests included
#   scripts/build.sh check_mail   only these targets
# Extra CMake options go in $CMAKE_ARGS, e.g. CMAKE_ARGS="-DCHECK_MAIL_TESTS=OFF"; compiler and
# linker flags in CXXFLAGS and LDFLAGS (read when the build directory is first configured).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
# shellcheck disable=SC2086
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHECK_MAIL_WERROR=ON ${CMAKE_ARGS:-} >/dev/null
targets=()
for target in "$@"; do targets+=(--target "$target"); done
cmake --build "$build_dir" -j"$(nproc)" "${targets[@]}"
