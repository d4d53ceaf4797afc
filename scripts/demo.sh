#!/usr/bin/env bash
# The main job on a built-in default: installs what is missing, builds, starts the project's own
# loopback servers (the SmarterMail API simulator, a private Postfix + Dovecot) and runs every
# mode against them, printing the real plugin output. Everything is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

scripts/install-deps.sh
scripts/build.sh check_mail >/dev/null
bin=$repo/${BUILD_DIR:-build}/src/check_mail

work=$(mktemp -d /tmp/check_mail-demo.XXXXXX)
chmod 755 "$work"  # the mail daemons drop privileges and must reach their files
sim_pid=""
cleanup() {
  [[ -n "$sim_pid" ]] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null || true
  tests/servers/mailstack/mailstack.sh stop "$work/mail" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== starting the SmarterMail API simulator and the mail stack (Postfix + Dovecot) on 127.0.0.1"
python3 tests/servers/simctl.py >"$work/sim.json" 2>"$work/sim.log" &
sim_pid=$!
for _ in $(seq 100); do [[ -s "$work/sim.json" ]] && break; sleep 0.1; done
[[ -s "$work/sim.json" ]] || { echo "simulator did not start:"; cat "$work/sim.log"; exit 1; }
sim() { python3 -c "import json,sys; print(json.load(open('$work/sim.json'))['$1'])"; }
https_port=$(sim https_port)
ca=$(sim ca_file)
MAILSTACK_PORT_BASE=${MAILSTACK_PORT_BASE:-24000} tests/servers/mailstack/mailstack.sh start "$work/mail" >/dev/null
eval "$(tests/servers/mailstack/mailstack.sh env "$work/mail")"

# Passwords come from the environment, as a poller would pass them, never from the command line.
export CHECK_MAIL_API_PASSWORD=s3cret-pass CHECK_MAIL_SMTP_PASSWORD=$MAILSTACK_PASS
mkdir -p "$work/state"

run() {
  echo
  echo "\$ check_mail $*"
  set +e
  "$bin" "$@"
  local code=$?
  set -e
  echo "(exit $code)"
}
api=(--plugin=apps::smartermail::restapi::plugin --hostname=localhost --port="$https_port" --cafile="$ca"
     --api-username=monitor --statefile-dir="$work/state")

echo
echo "== SmarterMail REST API modes (HTTPS, certificate verified against the simulator's CA)"
run --mode=spools "${api[@]}"
run --mode=spools "${api[@]}" --warning-spool-messages=10 --critical-spool-messages=40000 --verbose
run --mode=services "${api[@]}"
run --mode=services "${api[@]}" --url-path=/s/services-some-inactive/api/v1
run --mode=licenses "${api[@]}"
run --mode=licenses "${api[@]}" --url-path=/s/licenses-expired/api/v1
run --mode=spools "${api[@]}" --url-path=/s/success-false/api/v1

echo
echo "== smtp mode against Postfix (submission with STARTTLS and SASL through Dovecot)"
run --mode=smtp --hostname=localhost --port="$MAILSTACK_SMTP_PORT"
run --mode=smtp --hostname=localhost --port="$MAILSTACK_SUBMISSION_PORT" --security=starttls --cafile="$MAILSTACK_CA" \
    --auth-type=auto --username="$MAILSTACK_USER" --email="$MAILSTACK_USER"
run --mode=smtp --hostname=localhost --port="$MAILSTACK_SMTPS_PORT" --security=ssl --cafile="$MAILSTACK_CA" \
    --auth-type=cram-md5 --username="$MAILSTACK_USER" --email="$MAILSTACK_USER" --message-size=65536 --verbose
echo
echo "== imap, pop3 and roundtrip modes against Dovecot (the message is delivered by Postfix over LMTP)"
export CHECK_MAIL_IMAP_PASSWORD=$MAILSTACK_PASS CHECK_MAIL_POP3_PASSWORD=$MAILSTACK_PASS
(umask 077 && printf '%s\n' "$MAILSTACK_PASS" >"$work/mail.pass")
run --mode=imap --hostname=localhost --port="$MAILSTACK_IMAPS_PORT" --security=ssl --cafile="$MAILSTACK_CA" \
    --username="$MAILSTACK_USER"
run --mode=pop3 --hostname=localhost --port="$MAILSTACK_POP3_PORT" --security=starttls --cafile="$MAILSTACK_CA" \
    --auth-type=plain --username="$MAILSTACK_USER"
run --mode=roundtrip --hostname=localhost --cafile="$MAILSTACK_CA" --username="$MAILSTACK_USER" \
    --password-file="$work/mail.pass" --email="$MAILSTACK_USER" --smtp-port="$MAILSTACK_SUBMISSION_PORT" \
    --smtp-security=starttls --smtp-auth-type=plain --fetch-protocol=imap --imap-port="$MAILSTACK_IMAPS_PORT" \
    --imap-security=ssl --timeout=20

echo
echo "== failures: an unknown recipient, and a certificate the system store does not trust (no --cafile)"
run --mode=smtp --hostname=localhost --port="$MAILSTACK_SMTP_PORT" --email=nobody@example.test
run --mode=smtp --hostname=localhost --port="$MAILSTACK_SUBMISSION_PORT" --security=starttls \
    --auth-type=plain --username="$MAILSTACK_USER"
echo
echo "== done; delivered test messages: $(ls "$MAILSTACK_MAILDIR/new" | wc -l)"
