#!/usr/bin/env bash
# Installs, from Debian's packages, whatever the project needs and the machine lacks.
#   scripts/install-deps.sh            build + test dependencies (default)
#   scripts/install-deps.sh --build    only what building check_mail needs
set -euo pipefail

build_packages=(cmake ninja-build g++ pkg-config dpkg-dev libcurl4-openssl-dev nlohmann-json3-dev
  libssl-dev libpcre2-dev libgtest-dev libgmock-dev)
# The servers the tests run against (Postfix, Dovecot, the Python API simulator), the monitoring
# engines that run the shipped definitions (Nagios 4, Icinga 2), the reference plugins compared
# with (Centreon's, check_smtp), and the tools of the benchmark, fuzzing and packaging.
test_packages=(python3 openssl curl swaks postfix dovecot-core dovecot-imapd dovecot-pop3d dovecot-lmtpd
  centreon-plugins libjson-xs-perl libwww-perl liblwp-protocol-https-perl libxml-libxml-perl
  libmemcached-libmemcached-perl monitoring-plugins-basic
  nagios4-core icinga2-bin hyperfine time clang libclang-rt-14-dev valgrind rpm rpmlint debugedit elfutils lintian
  strace file man-db cpio)

packages=("${build_packages[@]}")
[[ "${1:-}" == "--build" ]] || packages+=("${test_packages[@]}")

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "Installing: ${missing[*]}" >&2
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
# Postfix asks how to configure the system MTA; the tests run their own private instance.
echo "postfix postfix/main_mailer_type select No configuration" | "${sudo_cmd[@]}" debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
