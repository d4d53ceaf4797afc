#!/usr/bin/env bash
# build-rpm.sh TARBALL SPEC TOPDIR OUTDIR
#
# Builds the binary and source RPMs of check_mail from the source tarball (the CMake target
# `rpm` calls it after `dist`) with rpmbuild in a private _topdir, and copies them to OUTDIR.
# Works on EL and on Debian, where rpm's database is empty: the BuildRequires, which name EL
# packages, cannot be checked there, so --nodeps is passed when the database knows no package.
# Extra rpmbuild arguments can be given in $RPMBUILD_ARGS; RPM_SOURCE_ONLY=1 builds the source
# RPM only.
set -euo pipefail

die() { echo "build-rpm: error: $*" >&2; exit 1; }
[[ $# -eq 4 ]] || die "usage: $0 TARBALL SPEC TOPDIR OUTDIR"
tarball=$1 spec=$2 topdir=$3 outdir=$4
command -v rpmbuild >/dev/null || die "rpmbuild not found (Debian: apt-get install rpm; EL: dnf install rpm-build)"
[[ -f "$tarball" ]] || die "no source tarball $tarball (cmake --build BUILD --target dist)"
[[ -f "$spec" ]] || die "no spec $spec"

rm -rf "$topdir"
mkdir -p "$topdir"/{BUILD,BUILDROOT,RPMS,SOURCES,SPECS,SRPMS} "$outdir"
cp "$tarball" "$topdir/SOURCES/"
cp "$spec" "$topdir/SPECS/"

args=(--define "_topdir $topdir")
if [[ -z "$(rpm -qa 2>/dev/null | head -n 1)" ]]; then
  echo "build-rpm: rpm's database is empty (not an rpm-based system): building with --nodeps" >&2
  args+=(--nodeps)
fi
# Without EL's cmake-rpm-macros and redhat-rpm-config (Debian), the spec's %cmake family and the
# -debuginfo package come from el9-macros.rpm, and the hardening flags that %optflags and %build_ldflags carry on EL from dpkg-buildflags
# (the RPM built here is for linting; the supported one is built in an EL9 buildroot).
if [[ "$(rpm --eval '%cmake')" == "%cmake" ]]; then
  args+=(--load "$(cd "$(dirname "$0")" && pwd)/el9-macros.rpm")
  if command -v dpkg-buildflags >/dev/null; then
    export DEB_BUILD_MAINT_OPTIONS=hardening=+all
    args+=(--define "optflags $(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CXXFLAGS)"
           --define "build_ldflags $(dpkg-buildflags --get LDFLAGS)")
  fi
fi
# Debian's /bin/sh (dash) cannot run rpm's brp-compress, which uses `read -d`: the man page would
# stay uncompressed. Run it with bash there.
if ! /bin/sh -c 'printf "ax" | read -d x v' 2>/dev/null && [[ -x /bin/bash ]]; then
  args+=(--define "__brp_compress /bin/bash %{_rpmconfigdir}/brp-compress %{?_prefix}")
fi
# shellcheck disable=SC2086
# RPM_SOURCE_ONLY=1: the source RPM alone (rpmbuild -bs), without compiling.
build_mode=-ba
[[ "${RPM_SOURCE_ONLY:-0}" == 1 ]] && build_mode=-bs
rpmbuild "$build_mode" "${args[@]}" ${RPMBUILD_ARGS:-} "$topdir/SPECS/$(basename "$spec")"

find "$topdir/RPMS" "$topdir/SRPMS" -name '*.rpm' -exec cp {} "$outdir/" \; -exec echo "build-rpm: {}" \;
