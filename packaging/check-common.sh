# Shared by packaging/rpm/check-rpm.sh and packaging/deb/check-deb.sh (sourced, after the caller
# sets `checker` to its name for messages).

fail() { echo "$checker: FAIL: $*" >&2; exit 1; }
step() { echo "$checker: == $*" >&2; }

# require_tools HINT TOOL...: every tool on PATH, or fail with the hint.
require_tools() {
  local hint=$1 tool
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null || fail "$tool is missing ($hint)"
  done
}

# project_version BUILD_DIR: the version compiled into check_mail.
project_version() {
  local version
  version=$(sed -n 's/.*kVersion = "\([^"]*\)".*/\1/p' "$1/generated/check_mail/version.hpp")
  [[ -n "$version" ]] || fail "no version in $1/generated/check_mail/version.hpp"
  echo "$version"
}

# check_packaged_plugin UNPACKED_ROOT PLUGIN_PATH VERSION: runs the unpacked plugin as installed:
# --version (also through the Centreon link) must print the project version; a SmarterMail
# check against a closed port must end in the connection error (libcurl and OpenSSL were found
# and used, whichever way they are linked); the man page must render.
check_packaged_plugin() {
  local root=$1 plugin=$1$2 version=$3 printed status via_link port reply
  [[ -x "$plugin" ]] || fail "no executable $plugin in the unpacked package"
  set +e
  printed=$("$plugin" --version)
  status=$?
  via_link=$("$root/usr/lib/centreon/plugins/check_mail" --version)
  set -e
  echo "$printed (exit $status)"
  [[ "$printed" == "check_mail $version" ]] || fail "packaged --version printed '$printed', want 'check_mail $version'"
  [[ "$via_link" == "$printed" ]] || fail "the Centreon link does not run the plugin: '$via_link'"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  set +e
  reply=$("$plugin" --mode=spools --hostname=127.0.0.1 --proto=http --port="$port" --api-username=u \
    --api-password=p --statefile-dir="$root")
  set -e
  echo "$reply"
  [[ "$reply" == "UNKNOWN: Cannot connect to 127.0.0.1:$port: connection refused"* ]] || fail "spools: $reply"
  MANWIDTH=80 man -l "$root/usr/share/man/man1/check_mail.1.gz" >/dev/null 2>&1 || fail "the packaged man page does not render"
}

# check_hardening BINARY: full RELRO and immediate binding, as distributions build packages
# (readelf: a GNU_RELRO segment, FLAGS BIND_NOW and FLAGS_1 NOW in the dynamic section), and the
# .note.dlopen note that declares libcurl.
check_hardening() {
  local binary=$1 dynamic segments notes
  dynamic=$(readelf -d "$binary")
  segments=$(readelf -lW "$binary")  # read whole: `readelf | grep -q` fails under pipefail
  grep -q 'GNU_RELRO' <<<"$segments" || fail "$binary has no GNU_RELRO segment"
  grep -Eq '\(FLAGS\) .*BIND_NOW' <<<"$dynamic" || fail "$binary lacks FLAGS BIND_NOW"
  grep -Eq '\(FLAGS_1\) .*NOW' <<<"$dynamic" || fail "$binary lacks FLAGS_1 NOW"
  # (readelf exits 1 over a note type it cannot decode, such as this one: its output is what counts)
  notes=$(readelf -n "$binary" 2>/dev/null || true)
  grep -q 'FDO .*0x407c0c0a' <<<"$notes" || fail "$binary has no .note.dlopen note"
  echo "$checker: hardening: GNU_RELRO, BIND_NOW, .note.dlopen ok"
}
