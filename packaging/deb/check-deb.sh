#!/usr/bin/env bash
# packaging/deb/check-deb.sh: builds the Debian package and checks it, as CI does.
#
#   1. configures $DEB_BUILD_DIR (default build-deb; the shipped configuration: the static minimal
#      libcurl built from Debian's curl source, no tests) and builds the target `deb` (CPack);
#   2. checks the control fields (dpkg-deb -I) and the contents (dpkg-deb -c): paths, the
#      Centreon link, owners;
#   3. unpacks it (dpkg-deb -x) and runs the packaged check_mail: --version must print the
#      project version, which must also be the package's, and the SmarterMail mode must work.
set -euo pipefail

cd "$(dirname "$0")/../.."
top=$PWD
build=${DEB_BUILD_DIR:-build-deb}
case "$build" in /*) ;; *) build=$top/$build ;; esac

checker=check-deb
# shellcheck source=packaging/check-common.sh
source "$top/packaging/check-common.sh"
require_tools "scripts/install-deps.sh installs what is needed" cmake cpack dpkg-deb dpkg-shlibdeps man

# The static libcurl's source: take the unpacked tree of another build directory if there is
# one (scripts/fetch-curl-source.sh checks its version and fetches only when it is not the wanted one).
stamp=_deps/curl-src/.check_mail-curl-source
if [[ ! -f "$build/$stamp" ]]; then
  for other in "$top"/build "$top"/build-*; do
    if [[ "$other" != "$build" && -f "$other/$stamp" ]]; then
      mkdir -p "$build/_deps"
      cp -a "$other/_deps/curl-src" "$build/_deps/"
      break
    fi
  done
fi

step "configure $build and build the package"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHECK_MAIL_TESTS=OFF >/dev/null
rm -f "$build"/packages/*.deb
cmake --build "$build" --target deb

version=$(project_version "$build")
deb=$build/packages/check-mail_${version}-1_$(dpkg --print-architecture).deb
[[ -f "$deb" ]] || fail "no $deb"

step "dpkg-deb -I $deb"
dpkg-deb -I "$deb"
[[ "$(dpkg-deb -f "$deb" Package)" == "check-mail" ]] || fail "Package is not check-mail"
[[ "$(dpkg-deb -f "$deb" Version)" == "$version-1" ]] || fail "Version is not $version-1"
# Every shared library the plugin needs must come from a package of Depends (dpkg-shlibdeps).
depends=$(dpkg-deb -f "$deb" Depends)
grep -q 'libc6' <<<"$depends" || fail "Depends lacks libc6: $depends"
for soname in $(objdump -p "$build/src/check_mail" | awk '$1 == "NEEDED" {print $2}'); do
  # (awk reads all of ldconfig's output: an early exit would fail the pipeline with SIGPIPE)
  path=$(ldconfig -p | awk -v so="$soname" '$1 == so && /x86-64/ && !found {print $NF; found = 1}')
  package=""
  for candidate in "$path" "$(readlink -f "$path")"; do  # dpkg knows one of them (merged /usr)
    [[ -n "$package" ]] || package=$( (dpkg -S "$candidate" 2>/dev/null || true) | head -n 1 | cut -d: -f1)
  done
  [[ -n "$package" ]] || fail "no package owns $soname ($path)"
  grep -qw "$package" <<<"$depends" || fail "Depends lacks $package (for $soname): $depends"
done

# OpenSSL is bound on first use (no DT_NEEDED), so it must be declared by hand.
if ! objdump -p "$build/src/check_mail" | grep -q 'NEEDED *libssl'; then
  grep -q 'libssl3' <<<"$depends" || fail "Depends lacks libssl3 (bound on first use): $depends"
fi

step "dpkg-deb -c $deb"
contents=$(dpkg-deb -c "$deb")
echo "$contents"
for path in ./usr/lib/nagios/plugins/check_mail ./usr/share/man/man1/check_mail.1.gz \
    ./usr/share/doc/check-mail/README.md ./usr/share/doc/check-mail/integration.md \
    ./usr/share/doc/check-mail/copyright ./usr/share/doc/check-mail/modes/smartermail.md \
    ./usr/share/check_mail/centreon/check_mail.clapi ./usr/share/check_mail/nagios/check_mail.cfg \
    ./usr/share/check_mail/icinga2/check_mail.conf; do
  grep -qE " ${path//./\\.}( |$)" <<<"$contents" || fail "$path is not in the package"
done
grep -qE ' \./usr/lib/centreon/plugins/check_mail -> \.\./\.\./nagios/plugins/check_mail$' <<<"$contents" \
  || fail "no relative link /usr/lib/centreon/plugins/check_mail -> ../../nagios/plugins/check_mail"
if grep -v ' root/root ' <<<"$contents" | grep -q .; then fail "files not owned by root/root"; fi
grep -q '^-rwxr-xr-x .* \./usr/lib/nagios/plugins/check_mail$' <<<"$contents" || fail "the plugin is not mode 0755"

step "unpack and run the packaged binary"
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -x "$deb" "$unpacked"
file "$unpacked/usr/lib/nagios/plugins/check_mail" 2>/dev/null | grep -q 'not stripped' \
  && fail "the packaged plugin is not stripped"
check_packaged_plugin "$unpacked" /usr/lib/nagios/plugins/check_mail "$version"

step "OK: $(basename "$deb") ($(du -h "$deb" | cut -f1))"
