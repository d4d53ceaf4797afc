#!/usr/bin/env bash
# packaging/rpm/check-rpm.sh: builds the RPM and checks it, as CI does.
#
#   1. configures $RPM_BUILD_DIR (default build-rpm; no tests: only the dist and rpm targets are
#      used) and builds the target `rpm`: source tarball, then rpmbuild (%cmake with the hardening
#      flags, %check runs the unit tests unless RPMBUILD_ARGS="--without tests", as CI passes
#      after its own run of them); a debuginfo package must come out too;
#   2. lists the package (rpm -qlp) and checks the paths, the libcurl dependency (declared: it is
#      dlopen()ed) and the hardening of the packaged binary (full RELRO, BIND_NOW);
#   3. runs rpmlint on the binary RPM, the source RPM and the spec, failing on any error except
#      those this Debian machine causes (listed in ALLOWED_ERRORS below, each with its reason);
#   4. unpacks it (rpm2cpio | cpio) and runs the packaged check_mail: --version must print the
#      project version, which must also be the RPM's, and the SmarterMail mode must load libcurl.
set -euo pipefail

cd "$(dirname "$0")/../.."
top=$PWD
build=${RPM_BUILD_DIR:-build-rpm}
case "$build" in /*) ;; *) build=$top/$build ;; esac

checker=check-rpm
# shellcheck source=packaging/check-common.sh
source "$top/packaging/check-common.sh"
require_tools "scripts/install-deps.sh installs rpm, rpmlint, cpio" rpmbuild rpm rpmlint rpm2cpio cpio git cmake man

# Errors that are not the package's, each allowed by a pattern on rpmlint's message:
#   no-signature             the package is not signed: signing is the release pipeline's job.
#   no-packager-tag,         openSUSE policies of rpmlint's default configuration (Debian ships that
#   no-group-tag             one): EL and Fedora set Packager in the build system and forbid it in
#                            specs, and ignore Group.
#   hardcoded-library-path   only for /usr/lib/centreon/plugins, Centreon's plugin directory on every
#   in .../lib/centreon      architecture (EL's Centreon plugins live there, not in lib64).
allowed=(
  ': E: no-signature$'
  ': E: no-packager-tag$'
  ': E: no-group-tag$'
  ': E: hardcoded-library-path in (/usr|%\{_prefix\})/lib/centreon(/plugins(/check_mail)?)?$'
)
# check_lint OUTPUT: fails on any rpmlint error the list above does not allow.
check_lint() {
  local errors pattern
  errors=$(grep -E '^[^ ]+: E: ' <<<"$1" || true)
  for pattern in "${allowed[@]}"; do
    errors=$(grep -Ev "$pattern" <<<"$errors" || true)
  done
  [[ -z "$errors" ]] || fail "rpmlint errors:
$errors"
}

step "configure $build and build the RPM"
cmake -S . -B "$build" -G Ninja -DCHECK_MAIL_TESTS=OFF >/dev/null
rm -f "$build"/packages/*.rpm
cmake --build "$build" --target rpm

version=$(project_version "$build")
srpm_file=$(ls "$build"/packages/check_mail-"$version"-*.src.rpm 2>/dev/null | head -n 1)
[[ -f "$srpm_file" ]] || fail "no source RPM of version $version in $build/packages"

if [[ "${RPM_SOURCE_ONLY:-0}" == 1 ]]; then
  # The source RPM and the spec only (CI's time budget: the binary RPM is this script's run
  # without RPM_SOURCE_ONLY, which packaging/check-packages.sh makes by default).
  step "rpmlint (source RPM and spec only: RPM_SOURCE_ONLY=1)"
  [[ "$(rpm -qp --qf '%{VERSION}' "$srpm_file")" == "$version" ]] || fail "source RPM version is not $version"
  lint=$(rpmlint "$srpm_file" "$build/packaging/rpm/check_mail.spec" 2>&1 || true)
  echo "$lint"
  check_lint "$lint"
  step "OK: $(basename "$srpm_file") (no binary RPM built: RPM_SOURCE_ONLY=1)"
  exit 0
fi

rpm_file=$(ls "$build"/packages/check_mail-"$version"-*.rpm 2>/dev/null | grep -v '\.src\.rpm$' | head -n 1)
[[ -f "$rpm_file" ]] || fail "no binary RPM of version $version in $build/packages"
debuginfo_file=$(ls "$build"/packages/check_mail-debuginfo-"$version"-*.rpm 2>/dev/null | head -n 1)
[[ -f "$debuginfo_file" ]] || fail "no check_mail-debuginfo RPM of version $version in $build/packages"

step "rpm -qip / -qlp $rpm_file"
rpm -qip "$rpm_file"
listing=$(rpm -qlp "$rpm_file")
echo "$listing"
[[ "$(rpm -qp --qf '%{VERSION}' "$rpm_file")" == "$version" ]] || fail "RPM version is not the project version $version"
libdir=$(rpm --eval '%{_libdir}')
for path in "$libdir/nagios/plugins/check_mail" /usr/lib/centreon/plugins/check_mail \
    /usr/share/man/man1/check_mail.1.gz /usr/share/doc/check_mail/README.md /usr/share/doc/check_mail/integration.md \
    /usr/share/check_mail/centreon/check_mail.clapi /usr/share/check_mail/nagios/check_mail.cfg \
    /usr/share/check_mail/icinga2/check_mail.conf; do
  grep -qx "$path" <<<"$listing" || fail "$path is not in the package"
done
grep -q '/LICENSE$' <<<"$listing" || fail "no LICENSE in the package"
link=$(rpm -qp --qf '[%{FILENAMES} -> %{FILELINKTOS}\n]' "$rpm_file" | grep '^/usr/lib/centreon/plugins/check_mail ')
echo "$link"
[[ "$link" == *"-> ../../../${libdir#/usr/}/nagios/plugins/check_mail" ]] || fail "Centreon link: $link"
requires=$(rpm -qp --requires "$rpm_file")
for soname in libcurl.so.4 libssl.so.3 libcrypto.so.3 libpcre2-8.so.0 libstdc++.so.6; do
  grep -qx "$soname()(64bit)" <<<"$requires" || fail "no Requires on $soname()(64bit)"
done
if grep -qi 'sodium' <<<"$requires"; then fail "the RPM still requires libsodium"; fi

step "rpmlint"
lint=$(rpmlint "$rpm_file" "$srpm_file" 2>&1 || true)
echo "$lint"
check_lint "$lint"
# A changelog whose last entry is not this version means the spec was not updated for a release.
if grep -q 'incoherent-version-in-changelog' <<<"$lint"; then
  fail "the %changelog of packaging/rpm/check_mail.spec.in has no entry for $version"
fi

step "unpack and run the packaged binary"
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
(cd "$unpacked" && rpm2cpio "$rpm_file" | cpio -idm --quiet)
check_packaged_plugin "$unpacked" "$libdir/nagios/plugins/check_mail" "$version"
check_hardening "$unpacked$libdir/nagios/plugins/check_mail"
if ldd "$unpacked$libdir/nagios/plugins/check_mail" | grep -q libcurl; then
  fail "the RPM's check_mail links libcurl (it must dlopen it)"
fi

step "OK: $(basename "$rpm_file") ($(du -h "$rpm_file" | cut -f1)), $(basename "$srpm_file")"
