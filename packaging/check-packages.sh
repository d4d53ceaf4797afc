#!/usr/bin/env bash
# packaging/check-packages.sh: builds and checks both packages (CI's packaging gate).
#   packaging/rpm/check-rpm.sh   RPM: rpmbuild (unit tests in %check), rpm -qlp, rpmlint, packaged --version
#                                (RPMBUILD_ARGS="--without tests" leaves the tests out;
#                                RPM_SOURCE_ONLY=1 builds and lints only the source RPM and spec)
#   packaging/deb/check-deb.sh   .deb: CPack, dpkg-deb -I/-c, packaged --version
# Build directories: $RPM_BUILD_DIR (build-rpm) and $DEB_BUILD_DIR (build-deb).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
packaging/rpm/check-rpm.sh
rpm_seconds=$((SECONDS - start))
packaging/deb/check-deb.sh
echo "check-packages: OK (rpm ${rpm_seconds}s, deb $((SECONDS - start - rpm_seconds))s)"
