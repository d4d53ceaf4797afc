#!/usr/bin/env bash
# packaging/deb/check-deb.sh: builds the Debian package and checks it, as CI does.
#
#   1. configures $DEB_BUILD_DIR (default build-deb; no tests) afresh with Debian's hardening
#      flags from dpkg-buildflags (hardening=+all: -D_FORTIFY_SOURCE=2, -fstack-protector-strong,
#      -z relro -z now, and -fcf-protection on x86-64) in CXXFLAGS/LDFLAGS, and builds the
#      target `deb` (CPack), both with no network (unshare -n); every object must keep the CET
#      (IBT, SHSTK) property;
#   2. checks the control fields (dpkg-deb -I: Depends from dpkg-shlibdeps plus libcurl4, which
#      is dlopen()ed) and the contents (dpkg-deb -c): paths, the Centreon link, owners;
#   3. runs lintian: any error or warning fails;
#   4. unpacks it (dpkg-deb -x) and runs the packaged check_mail: --version must print the
#      project version, which must also be the package's, and the SmarterMail mode must work;
#      the binary must have full RELRO and BIND_NOW.
set -euo pipefail

cd "$(dirname "$0")/../.."
top=$PWD
build=${DEB_BUILD_DIR:-build-deb}
case "$build" in /*) ;; *) build=$top/$build ;; esac

checker=check-deb
# shellcheck source=packaging/check-common.sh
source "$top/packaging/check-common.sh"
require_tools "scripts/install-deps.sh installs what is needed" cmake cpack dpkg-deb dpkg-shlibdeps dpkg-buildflags lintian man readelf

step "configure $build and build the package, offline"
# CMake takes CXXFLAGS and LDFLAGS from the environment when a build directory is first
# configured: a fresh cache, so that these flags are the ones used. Built as a buildd builds:
# with no network (unshare -n, where this user may), so no step can need one; and on x86-64
# with -fcf-protection, which Ubuntu's and Debian 13's dpkg-buildflags add (Debian 12's not).
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
cet=0
if [[ $(uname -m) == x86_64 ]]; then
  export DEB_CXXFLAGS_MAINT_APPEND=-fcf-protection
  cet=1
fi
CXXFLAGS="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CXXFLAGS)"
LDFLAGS=$(dpkg-buildflags --get LDFLAGS)
export CXXFLAGS LDFLAGS
offline=()
if unshare -n true 2>/dev/null; then
  offline=(unshare -n)
else
  echo "$checker: unshare -n is refused here: the package is built with the network" >&2
fi
rm -f "$build/CMakeCache.txt"
"${offline[@]}" cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHECK_MAIL_TESTS=OFF >/dev/null
rm -f "$build"/packages/*.deb
"${offline[@]}" cmake --build "$build" --target deb
((${#offline[@]})) && echo "$checker: configured and built with no network"

if ((cet)); then
  step "CET: every object keeps the IBT and SHSTK property"
  # The executable cannot show it: Debian 12's crt1.o and crti.o lack the note, and the linker
  # keeps only what every input has. The project's objects linked together with `ld -r` keep it
  # only if each has it. (The objects of this build graph: not stale ones of removed sources.)
  mapfile -t objects < <(ninja -C "$build" -t targets all | sed -n 's/^\(src\/[^:]*\.o\): .*/\1/p')
  ((${#objects[@]} > 0)) || fail "no objects found in $build"
  (cd "$build" && ld -r -o all-objects.o "${objects[@]}")
  # readelf exits 1 over a note type it cannot decode (the .note.dlopen of http.cpp): its
  # output is what counts, read whole (a pipe into grep -q would fail under pipefail).
  notes=$(readelf -n "$build/all-objects.o" 2>/dev/null || true)
  if ! grep -q 'x86 feature: IBT, SHSTK' <<<"$notes"; then
    for object in "${objects[@]}"; do
      notes=$(readelf -n "$build/$object" 2>/dev/null || true)
      grep -q 'IBT, SHSTK' <<<"$notes" || echo "  without it: $object" >&2
    done
    fail "the objects lost the IBT/SHSTK property"
  fi
  echo "$checker: ${#objects[@]} objects, ld -r: x86 feature: IBT, SHSTK"
  rm -f "$build/all-objects.o"
fi

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

# libcurl is dlopen()ed (no DT_NEEDED): declared by hand.
grep -q 'libcurl4' <<<"$depends" || fail "Depends lacks libcurl4 (dlopen()ed): $depends"
if grep -qi 'sodium' <<<"$depends"; then fail "Depends still names libsodium: $depends"; fi

step "dpkg-deb -c $deb"
contents=$(dpkg-deb -c "$deb")
echo "$contents"
for path in ./usr/lib/nagios/plugins/check_mail ./usr/share/man/man1/check_mail.1.gz \
    ./usr/share/doc/check-mail/README.md ./usr/share/doc/check-mail/integration.md \
    ./usr/share/doc/check-mail/copyright ./usr/share/doc/check-mail/changelog.Debian.gz \
    ./usr/share/doc/check-mail/modes/smartermail.md \
    ./usr/share/check_mail/centreon/check_mail.clapi ./usr/share/check_mail/nagios/check_mail.cfg \
    ./usr/share/check_mail/icinga2/check_mail.conf; do
  grep -qE " ${path//./\\.}( |$)" <<<"$contents" || fail "$path is not in the package"
done
grep -qE ' \./usr/lib/centreon/plugins/check_mail -> \.\./\.\./nagios/plugins/check_mail$' <<<"$contents" \
  || fail "no relative link /usr/lib/centreon/plugins/check_mail -> ../../nagios/plugins/check_mail"
if grep -v ' root/root ' <<<"$contents" | grep -q .; then fail "files not owned by root/root"; fi
grep -q '^-rwxr-xr-x .* \./usr/lib/nagios/plugins/check_mail$' <<<"$contents" || fail "the plugin is not mode 0755"

step "lintian $deb"
# Every tag at warning level or above fails: errors and warnings alike.
lint=$(lintian --fail-on none --display-level '>=warning' "$deb" 2>&1 || true)
[[ -z "$lint" ]] || echo "$lint"
if grep -Eq '^[EW]: ' <<<"$lint"; then fail "lintian reported errors or warnings"; fi

step "unpack and run the packaged binary"
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -x "$deb" "$unpacked"
file "$unpacked/usr/lib/nagios/plugins/check_mail" 2>/dev/null | grep -q 'not stripped' \
  && fail "the packaged plugin is not stripped"
check_packaged_plugin "$unpacked" /usr/lib/nagios/plugins/check_mail "$version"
check_hardening "$unpacked/usr/lib/nagios/plugins/check_mail"

step "OK: $(basename "$deb") ($(du -h "$deb" | cut -f1))"
