#!/usr/bin/env bash
# Fetches and unpacks Debian's own `curl` source package (upstream tarball + Debian's patches),
# for the static libcurl that CMake builds when CHECK_MAIL_CURL=static.
#
#   scripts/fetch-curl-source.sh DEST [VERSION]
#
# VERSION is a Debian version such as 7.88.1-10+deb12u15. Without it, the version of the
# installed libcurl4-openssl-dev (else libcurl4) is wanted, so the library we build carries the
# same patches as the one the distribution ships; should the mirror have moved on to a newer
# revision of the same upstream release (security updates replace old ones), that one is taken.
# With no libcurl installed either, the newest source the mirrors offer is taken.
#
# /etc/apt is not touched: the deb-src entries are derived from the machine's own deb entries
# (/etc/apt/sources.list.d/*.sources, /etc/apt/sources.list) into a private apt configuration in
# a temporary directory, with its own package lists and cache. Needs apt-get and dpkg-source
# (package dpkg-dev, installed if missing when run as root). Runs as any user.
#
# Idempotent: if DEST already holds the unpacked tree of the wanted version (or, with no version
# wanted, any complete tree), it does nothing and needs no network. Exit status non-zero, with a
# message on stderr, when the source cannot be had.
set -euo pipefail

die() { echo "fetch-curl-source: error: $*" >&2; exit 1; }
note() { echo "fetch-curl-source: $*" >&2; }

[[ $# -ge 1 && $# -le 2 && -n "$1" ]] || die "usage: $0 DEST [DEBIAN-VERSION]"
dest=$1
wanted=${2:-${CHECK_MAIL_CURL_DEBIAN_VERSION:-}}
stamp_name=.check_mail-curl-source   # written last: its presence means the tree is complete

if [[ -z "$wanted" ]]; then
  for package in libcurl4-openssl-dev libcurl4; do
    if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      wanted=$(dpkg-query -W -f='${Version}' "$package")
      break
    fi
  done
fi

# Already there? The stamp holds the Debian version that was unpacked.
if [[ -f "$dest/$stamp_name" ]]; then
  have=$(<"$dest/$stamp_name")
  if [[ -z "$wanted" || "$have" == "$wanted" ]]; then
    exit 0
  fi
  # An accepted newer revision of the same upstream release (see above) counts as well, as long
  # as the one wanted is still older: avoids a download at every configure.
  if [[ "${have%-*}" == "${wanted%-*}" ]] && dpkg --compare-versions "$have" gt "$wanted"; then
    exit 0
  fi
  note "$dest holds curl $have, $wanted wanted: fetching again"
fi

command -v apt-get >/dev/null || die "apt-get not found: this script needs a Debian-based system"
if ! command -v dpkg-source >/dev/null; then
  [[ $(id -u) -eq 0 ]] || die "dpkg-source not found: install the package dpkg-dev (apt-get install dpkg-dev)"
  note "installing dpkg-dev, for dpkg-source"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq dpkg-dev >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq dpkg-dev >/dev/null; } ||
    die "cannot install dpkg-dev, which provides dpkg-source"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/check_mail-curl-src.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sources.list.d" "$work/lists/partial" "$work/cache/archives/partial" "$work/download"

# deb-src twins of every enabled deb entry, deb822 and one-line alike.
sources=$work/sources.list.d/check_mail-src.sources
: >"$sources"
shopt -s nullglob
for file in /etc/apt/sources.list.d/*.sources; do
  # Stanzas are separated by blank lines; keep those enabled with Types containing "deb",
  # rewrite Types to deb-src, drop comments.
  awk '
    function flush() {
      if (n && has_deb && !disabled) {
        print "Types: deb-src"
        for (i = 1; i <= n; i++) print lines[i]
        print ""
      }
      n = 0; has_deb = 0; disabled = 0
    }
    /^[ \t]*#/ { next }
    /^[ \t]*$/ { flush(); next }
    tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") has_deb = 1; next }
    tolower($1) == "enabled:" { if (tolower($2) == "no") disabled = 1; next }
    { lines[++n] = $0 }
    END { flush() }
  ' "$file" >>"$sources"
done
for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [[ -f "$file" ]] || continue
  sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$file" >>"$work/sources.list.d/check_mail-src.list"
done
shopt -u nullglob
if ! grep -q . "$sources" && ! grep -qs . "$work/sources.list.d/check_mail-src.list"; then
  die "no deb entries in /etc/apt/sources.list{,.d} to derive deb-src entries from"
fi

apt_opts=(
  -o "Dir::Etc::SourceList=/dev/null"
  -o "Dir::Etc::SourceParts=$work/sources.list.d"
  -o "Dir::State::Lists=$work/lists"
  -o "Dir::Cache=$work/cache"
  -o "Dir::Cache::pkgcache="
  -o "Dir::Cache::srcpkgcache="
  -o "APT::Sandbox::User=$(id -un)"
  -o "Debug::NoLocking=true"
  -o "Acquire::Languages=none"
  -o "APT::Get::List-Cleanup=false"
)

note "updating a private apt index of Debian's source packages"
if ! apt-get "${apt_opts[@]}" -qq update >"$work/update.log" 2>&1; then
  cat "$work/update.log" >&2
  die "cannot download the deb-src indexes (network or mirror problem?)"
fi
# Some suites failing (say the security mirror) is fine as long as one of them has curl.
update_failed=false
grep -qE '^(E|W): Failed to fetch' "$work/update.log" && update_failed=true

# Which version: the wanted one if the mirror still has it, else the newest revision of the same
# upstream release, else (nothing wanted) the newest.
available=$(apt-cache "${apt_opts[@]}" showsrc curl 2>/dev/null |
  awk '/^Package: /{p=$2} /^Version: /{if (p == "curl") print $2}' | sort -u || true)
if [[ -z "$available" ]]; then
  if $update_failed; then
    cat "$work/update.log" >&2
    die "cannot download the deb-src indexes (network or mirror problem?)"
  fi
  die "the deb-src indexes have no source package named curl"
fi
$update_failed && grep -E '^(E|W): Failed to fetch' "$work/update.log" >&2
pick=
if [[ -n "$wanted" ]]; then
  if grep -qxF "$wanted" <<<"$available"; then
    pick=$wanted
  else
    for version in $available; do
      [[ "${version%-*}" == "${wanted%-*}" ]] || continue
      if [[ -z "$pick" ]] || dpkg --compare-versions "$version" gt "$pick"; then pick=$version; fi
    done
    [[ -n "$pick" ]] || die "curl $wanted is not on the mirrors, nor any revision of ${wanted%-*} (have: $(tr '\n' ' ' <<<"$available"))"
    note "curl $wanted is no longer on the mirrors: taking $pick, the newest revision of ${wanted%-*}"
  fi
else
  for version in $available; do
    if [[ -z "$pick" ]] || dpkg --compare-versions "$version" gt "$pick"; then pick=$version; fi
  done
fi

note "downloading Debian's curl $pick source package"
if ! (cd "$work/download" && apt-get "${apt_opts[@]}" -qq source --download-only "curl=$pick") >"$work/source.log" 2>&1; then
  cat "$work/source.log" >&2
  die "cannot download the curl $pick source package"
fi
dsc=$(find "$work/download" -maxdepth 1 -name 'curl_*.dsc' | head -n1)
[[ -n "$dsc" ]] || die "apt-get source left no .dsc file"

# Unpack beside DEST (same file system), then swap in: DEST is either old or complete.
mkdir -p "$(dirname "$dest")"
staging=$(mktemp -d "$(dirname "$dest")/.curl-src.XXXXXX")
trap 'rm -rf "$work" "$staging"' EXIT
# apt has checked the files against the signed index (dpkg-source checks them again); the .dsc
# signature itself cannot be checked without debian-keyring, which dpkg-source only warns about.
if ! dpkg-source -x "$dsc" "$staging/tree" >"$work/extract.log" 2>&1; then
  cat "$work/extract.log" >&2
  die "dpkg-source could not unpack $dsc"
fi
[[ -f "$staging/tree/CMakeLists.txt" && -f "$staging/tree/include/curl/curl.h" ]] ||
  die "the unpacked curl $pick tree lacks CMakeLists.txt or include/curl/curl.h"
echo "$pick" >"$staging/tree/$stamp_name"
rm -rf "$dest"
mv "$staging/tree" "$dest"
note "curl $pick (with Debian's patches) unpacked in $dest"
